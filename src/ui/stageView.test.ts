import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../core/config';
import { methodStages, stageRoles } from '../core/method_info';
import { stageView } from './stageView';

const walk = (id: 'ppo' | 'dpo' | 'sft' | 'best_of_n') => {
  const config = defaultConfig({ method: { id } });
  const stages = [...methodStages(config), 'readback'];
  return stages.map((_, i) => stageView(stageRoles(config), stages, i));
};

describe('the stage walk’s view', () => {
  it('PPO: responses at sample, scores at score, advantages at advantages, charts and the new policy at update', () => {
    const [sample, score, advantages, update, readback] = walk('ppo');
    expect(sample).toMatchObject({ responses: true, scores: false, advantages: false, pairs: false, after: false, chartsIncludeLatest: false, compare: false });
    expect(score).toMatchObject({ scores: true, advantages: false, chartsIncludeLatest: false });
    expect(advantages).toMatchObject({ advantages: true, after: false, chartsIncludeLatest: false });
    expect(update).toMatchObject({ advantages: true, after: true, compare: true, chartsIncludeLatest: true });
    expect(readback).toEqual(update);
  });

  it('DPO: nothing to inspect before measure draws from the updated policy; charts at update', () => {
    const [batch, update, measure] = walk('dpo');
    expect(batch).toMatchObject({ responses: false, drawnAt: 'measure', pairs: true, chartsIncludeLatest: false });
    expect(update).toMatchObject({ responses: false, chartsIncludeLatest: true, compare: true });
    expect(measure).toMatchObject({ responses: true, scores: true, advantages: false });
  });

  it('methods that never change the policy show their point at once and compare nothing', () => {
    expect(walk('sft')[0]).toMatchObject({ responses: true, chartsIncludeLatest: true, compare: false });
    const [sample, score, select] = walk('best_of_n');
    expect(sample).toMatchObject({ responses: false, chartsIncludeLatest: true, compare: false });
    expect(score.responses).toBe(false);
    expect(select).toMatchObject({ responses: true, scores: true });
  });

  it('shows everything when no walk is on', () => {
    const config = defaultConfig();
    expect(stageView(stageRoles(config), methodStages(config), null)).toMatchObject({ chartsIncludeLatest: true, responses: true, scores: true, after: true, compare: false });
  });
});
