// Golden trajectories of every method. Regenerate with `npm run golden:update`
// (UPDATE_GOLDEN=1), review the diff of src/core/golden/*.json, and commit it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type MethodId } from '../config';
import { createExperiment } from '../experiment';
import { prepareShared, type SharedPreparation } from '../preparation/shared';
import { availableMethods } from '../method_info';
import { useBackend } from '../testing';
import type { Metrics } from '../types';
import { compareSeries, describeDrifts, GOLDEN_PREPARATION, goldenConfig, goldenSeries, type GoldenFile } from './golden';

// The references were made on the CPU backend, and the claim is "same backend, same numbers".
await useBackend('cpu');

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const fileOf = (id: MethodId) => new URL(`./${id}.json`, import.meta.url);

/** One line per series keeps a regenerated reference reviewable in a diff. */
function format(golden: GoldenFile): string {
  const series = Object.entries(golden.metrics).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n  "method": ${JSON.stringify(golden.method)},\n  "config": ${JSON.stringify(golden.config)},\n  "metrics": {\n${series.join(',\n')}\n  }\n}\n`;
}

describe('compareSeries', () => {
  it('accepts drifts within atol + rtol·|reference| and reports the rest by metric and iteration', () => {
    const want = { a: [1, 100], b: [0] };
    // a[0]: |1.0005 − 1| = 5e-4 ≤ 1e-4 + 1e-3·1 = 1.1e-3 → fine; a[1]: |100.2 − 100| = 0.2 > 1e-4 + 0.1 → drift.
    // b[0]: |2e-4 − 0| = 2e-4 > 1e-4 → drift.
    const drifts = compareSeries({ a: [1.0005, 100.2], b: [2e-4] }, want);
    expect(drifts.map((d) => [d.metric, d.iteration])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(drifts[0].diff).toBeCloseTo(0.2, 10);
    expect(describeDrifts('ppo', drifts)).toMatch(/^ppo drifted .* 2 place\(s\):\n {2}a at iteration 2: got 100.2, reference 100 \(\|Δ\| = 0.200\)/);
  });

  it('treats a missing metric or iteration as a drift', () => {
    const drifts = compareSeries({ a: [1] }, { a: [1, 2], c: [3] });
    expect(drifts.map((d) => `${d.metric}@${d.iteration}`)).toEqual(['a@2', 'c@1']);
    expect(drifts.every((d) => Number.isNaN(d.got))).toBe(true);
  });
});

describe('golden trajectories (seed 0, 50 iterations, CPU)', () => {
  let preparation: SharedPreparation;
  // Preparation does not depend on the method: every method runs on the same π_ref and judges.
  beforeAll(async () => {
    preparation = await prepareShared(defaultConfig(GOLDEN_PREPARATION), undefined, { preferenceModel: true });
  });
  afterAll(() => preparation?.dispose());

  it.each(availableMethods())('%s follows its committed reference', async (id) => {
    const config = defaultConfig(goldenConfig(id));
    const experiment = createExperiment(config, { shared: preparation });
    const iterations: Metrics[] = [];
    for (let i = 0; i < config.iterations; i++) iterations.push((await experiment.step()).members[0]);
    experiment.dispose();
    const series = goldenSeries(iterations);
    expect(Object.keys(series)).toEqual(expect.arrayContaining(['reward/proxy', 'reward/gold_exact', 'kl/exact']));
    if (UPDATE) {
      writeFileSync(fileOf(id), format({ method: id, config: goldenConfig(id), metrics: series }));
      return;
    }
    if (!existsSync(fileOf(id))) throw new Error(`No golden reference for ${id} (src/core/golden/${id}.json): run \`npm run golden:update\` and commit it.`);
    const golden = JSON.parse(readFileSync(fileOf(id), 'utf8')) as GoldenFile;
    expect(golden.config, `${id}: the golden config changed; run \`npm run golden:update\``).toEqual(goldenConfig(id));
    const drifts = compareSeries(series, golden.metrics);
    expect(drifts, describeDrifts(id, drifts)).toEqual([]);
  });
});
