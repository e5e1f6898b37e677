import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../core/config';
import { secondsLeft, type StageProgress } from '../state';
import { currentStage, preparingText, timeLeftText } from './waiting';

const at = (stage: keyof StageProgress, step: number, total: number, startedAt: number, time: number) => ({ stage, step, total, members: [], startedAt, at: time });

describe('what the page says while it prepares', () => {
  it('extrapolates the time left from the stage’s pace so far', () => {
    // 100 of 300 steps in 2 s: 200 more at 20 ms each = 4 s.
    expect(secondsLeft(at('sft', 100, 300, 1000, 3000))).toBeCloseTo(4, 12);
    expect(secondsLeft(at('sft', 0, 300, 1000, 1000))).toBeNull(); // no pace yet
    expect(secondsLeft(at('feedback', 0, 1, 1000, 1500))).toBeNull(); // a one-step stage
    expect([timeLeftText(0.4), timeLeftText(4.4), timeLeftText(150), timeLeftText(null)]).toEqual(['<1 s left', '~4 s left', '~3 min left', '']);
  });

  it('names the stage under way, its steps and the time left', () => {
    const config = defaultConfig();
    const progress: StageProgress = { sft: at('sft', 300, 300, 0, 900), feedback: at('feedback', 1, 1, 900, 950), reward_model: at('reward_model', 60, 300, 950, 1550) };
    expect(currentStage(progress)?.stage).toBe('reward_model');
    expect(preparingText(progress, config)).toBe('Preparing: training the reward model, 60 / 300 steps, ~2 s left…');
    expect(preparingText({ sft: progress.sft, feedback: at('feedback', 0, 1, 900, 900) }, config)).toBe('Preparing: the annotators are labelling 2,000 comparisons…');
    expect(preparingText({}, config)).toBe('Preparing: starting…');
  });
});
