/**
 * The farm table (AlpacaFarm's Table 2 in miniature): every method with its default
 * settings on one task, several seeds, one shared preparation. The seeds are the
 * population axis (a seed sweep), so each method trains all seeds in one program and
 * every method sees the same π_ref, reward model, preference model and comparisons. On a
 * task from your own data (no gold, no annotators) the table reports what can be known:
 * agreement with the held-out rows, the reward model's score and the KL.
 */
import { defaultConfig, TASK_IDS, type ConfigInput, type DataTaskConfig, type MethodId, type TaskId } from './config';
import { createExperiment } from './experiment';
import { prepareShared } from './preparation/shared';
import { availableMethods, METHOD_INFO, needsPreferenceModel } from './method_info';
import type { Metrics } from './types';

export interface FarmOptions {
  /** A built-in task, or a task from your preference file. */
  task: TaskId | DataTaskConfig;
  /** Seeds 0..seeds−1, trained together on the population axis. */
  seeds: number;
  /** Iterations per method; the config default when absent. */
  iterations?: number;
  /** Which methods; every available one when absent. */
  methods?: MethodId[];
  /** Farm settings (SFT, feedback, judges) over the defaults; tests use it to stay small. */
  farm?: Partial<ConfigInput>;
  /** One line per finished stage, for stderr. */
  onProgress?: (line: string) => void;
}

/** Mean and sample standard deviation over seeds (sd is NaN for one seed). */
export interface Stat {
  mean: number;
  sd: number;
  n: number;
}

export interface FarmRow {
  method: MethodId;
  title: string;
  /** Win rate against π_ref judged by the gold preference. */
  winGold: Stat;
  /** Win rate against π_ref judged by the noise-free annotator pool. */
  winPool: Stat;
  /** Gold reward (exact expectation where the task is enumerable). */
  gold: Stat;
  /** KL(π‖π_ref): exact where enumerable, else the Monte Carlo estimate. */
  kl: Stat;
  /** Your data only: agreement with the held-out rows, and the reward model's exact expected score. */
  agreement: Stat;
  proxy: Stat;
  /** Each seed's final metrics, from which the statistics above are computed. */
  perSeed: Metrics[];
}

export interface FarmResult {
  rows: FarmRow[];
  iterations: number;
  /** True when gold reward, KL and win rates are exact expectations (enumerable task). */
  exact: boolean;
  /** False on a task from your data: the table's columns are agreement, proxy reward and KL. */
  gold: boolean;
}

/** Mean ± sample standard deviation. */
export function stat(values: readonly number[]): Stat {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : NaN;
  return { mean, sd, n };
}

/** The config one method of the farm runs with: defaults, the task, the seed sweep. */
export function farmConfig(options: FarmOptions, method: MethodId) {
  return defaultConfig({
    ...options.farm,
    task: typeof options.task === 'string' ? { id: options.task } : options.task,
    seed: 0,
    ...(options.iterations ? { iterations: options.iterations } : {}),
    // The table needs the last iteration only; exact evaluation at every step is most of the
    // cost on a 1,296-reply task. It draws no random numbers, so the final metrics are the same.
    evalEvery: 1000,
    sweep: options.seeds > 1 ? { kind: 'seed', count: options.seeds } : { kind: 'none' },
    method: { id: method } as ConfigInput['method'],
  });
}

/** Prepares once, trains every method on it, and summarises each method's last iteration. */
export async function runFarm(options: FarmOptions): Promise<FarmResult> {
  if (typeof options.task === 'string' && !TASK_IDS.includes(options.task)) throw new Error(`unknown task "${options.task}"; one of ${TASK_IDS.join(', ')}`);
  if (!Number.isInteger(options.seeds) || options.seeds < 1 || options.seeds > 16) throw new Error(`seeds must be an integer from 1 to 16, got ${options.seeds}`);
  const methods = options.methods ?? availableMethods();
  const say = options.onProgress ?? (() => {});
  const first = farmConfig(options, methods[0]);
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  const judges = needsPreferenceModel(methods) ? 'reward and preference models' : 'reward model';
  const data = first.task.id === 'data' ? first.task : null;
  say(`preparing ${data ? data.title : first.task.id} for ${options.seeds} seed(s): SFT, ${data ? `your ${data.pairs.length} rows` : `${first.feedback.comparisons} comparisons`}, ${judges}`);
  let stage = '';
  const farm = await prepareShared(
    first,
    (p) => {
      if (p.stage !== stage) say(`  ${(stage = p.stage)} (${elapsed()})`);
    },
    { preferenceModel: needsPreferenceModel(methods) },
  );
  say(`prepared (${elapsed()})`);
  let exact = false;
  const gold = typeof options.task === 'string';
  const rows: FarmRow[] = [];
  try {
    for (const id of methods) {
      const config = farmConfig(options, id);
      const experiment = createExperiment(config, { shared: farm });
      try {
        exact = experiment.info.task.enumerable;
        let last: Metrics[] = [];
        for (let i = 0; i < config.iterations; i++) last = (await experiment.step()).members;
        rows.push(row(id, last, exact));
      } finally {
        experiment.dispose();
      }
      const r = rows[rows.length - 1];
      const score = gold ? `win rate ${show(r.winGold, 3)}, gold ${show(r.gold, 3)}` : `agreement ${show(r.agreement, 3)}, proxy ${show(r.proxy, 3)}`;
      say(`${id}: ${config.iterations} iterations done (${elapsed()}): ${score}, KL ${show(r.kl, 3)}`);
    }
  } finally {
    farm.dispose();
  }
  return { rows, iterations: first.iterations, exact, gold };
}

function row(method: MethodId, members: Metrics[], exact: boolean): FarmRow {
  const pick = (key: string) => stat(members.map((m) => m[key]));
  return {
    method,
    title: METHOD_INFO[method].title,
    winGold: pick('winrate/vs_ref_gold'),
    winPool: pick('winrate/vs_ref_pool'),
    gold: pick(exact ? 'reward/gold_exact' : 'reward/gold'),
    kl: pick(exact ? 'kl/exact' : 'kl/mc'),
    agreement: pick('agreement/held_out'),
    proxy: pick(exact ? 'reward/proxy_exact' : 'reward/proxy'),
    perSeed: members,
  };
}

const show = (s: Stat, digits: number): string => (s.n > 1 ? `${s.mean.toFixed(digits)} ± ${s.sd.toFixed(digits)}` : s.mean.toFixed(digits));

/** The markdown table, sorted by gold win rate (on your data: by agreement with the held-out rows), best first. */
export function farmTable(result: FarmResult): string {
  const kl = result.exact ? 'KL (exact)' : 'KL (Monte Carlo)';
  if (!result.gold) {
    const sorted = [...result.rows].sort((a, b) => b.agreement.mean - a.agreement.mean);
    return [
      `| method | agreement with held-out rows | proxy reward r_φ (exact) | ${kl} |`,
      '| --- | --- | --- | --- |',
      ...sorted.map((r) => `| ${r.title} (\`${r.method}\`) | ${show(r.agreement, 3)} | ${show(r.proxy, 3)} | ${show(r.kl, 3)} |`),
    ].join('\n');
  }
  const gold = result.exact ? 'gold reward (exact)' : 'gold reward';
  const lines = [
    `| method | win rate vs π_ref (gold) | win rate vs π_ref (annotator pool) | ${gold} | ${kl} |`,
    '| --- | --- | --- | --- | --- |',
  ];
  const sorted = [...result.rows].sort((a, b) => b.winGold.mean - a.winGold.mean);
  for (const r of sorted) {
    lines.push(`| ${r.title} (\`${r.method}\`) | ${show(r.winGold, 3)} | ${show(r.winPool, 3)} | ${show(r.gold, 3)} | ${show(r.kl, 3)} |`);
  }
  return lines.join('\n');
}
