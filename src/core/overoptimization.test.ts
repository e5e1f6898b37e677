import { describe, expect, it } from 'vitest';
import { createExperiment } from './experiment';
import { SCENARIOS } from './scenarios';

describe('reward over-optimisation on the helpful task (Gao, Schulman, Hilton 2022)', () => {
  it('with a small β, PPO keeps raising the proxy reward while the gold reward peaks and falls (the scenario’s promise)', async () => {
    // The reward model sees per-position tokens only (it cannot see repetition, which gold
    // punishes) and over-fits 1 600 noisy pairs from π_ref: it is wrong in the tail that PPO
    // then exploits. Exact expectations (all 1 296 replies enumerated), so no sampling noise.
    // The same config the scenario loads: this is the scenario's promise. Which errors the
    // reward model makes depends on its preparation's pairs, so the exploit, and this test, hold
    // while preparation keeps its numbers (PREPARATION_VERSION); PPO's own rounding moves
    // where gold peaks, not whether it falls (gold falls ≈ 0.7 below its peak here).
    const scenario = SCENARIOS.find((s) => s.id === 'overoptimization')!;
    const config = scenario.config;
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
