import { describe, expect, it } from 'vitest';
import { defaultConfig } from './config';
import { createExperiment } from './experiment';

describe('reward over-optimisation on the helpful task (Gao, Schulman, Hilton 2022)', () => {
  it('with a small β, PPO keeps raising the proxy reward while the gold reward peaks and falls', async () => {
    // The reward model sees per-position tokens only (it cannot see repetition, which gold
    // punishes) and over-fits 1 600 noisy pairs from π_ref: it is wrong in the tail that PPO
    // then exploits. Exact expectations (all 1 296 replies enumerated), so no sampling noise.
    const config = defaultConfig({ task: { id: 'helpful' }, iterations: 20, sft: { steps: 150 }, preferenceModel: { steps: 10 }, method: { id: 'ppo', beta: 0.003 } });
    const experiment = createExperiment(config);
    const gold: number[] = [];
    const proxy: number[] = [];
    for (let i = 0; i < config.iterations; i++) {
      const { members } = await experiment.step();
      gold.push(members[0]['reward/gold_exact']);
      proxy.push(members[0]['reward/proxy_exact']);
    }
    experiment.dispose();
    const peak = gold.indexOf(Math.max(...gold));
    // Gold first improves on π_ref …
    expect(gold[peak]).toBeGreaterThan(gold[0] + 0.15);
    // … then falls well below its peak, while the proxy keeps climbing past its value there.
    expect(peak).toBeLessThan(config.iterations - 3);
    expect(gold.at(-1)!).toBeLessThan(gold[peak] - 0.2);
    expect(proxy.at(-1)!).toBeGreaterThan(proxy[peak] + 1);
  });
});
