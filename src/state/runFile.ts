/**
 * A saved run as plain data, and its two export formats: a JSON run file (re-importable,
 * validated on the way in) and a metrics CSV. Pure: no DOM, no IndexedDB, tested in Node.
 *
 * An imported file is untrusted: its config goes through `parseConfig` (the same schema as a
 * share link) and every metric must be a finite number, so nothing odd reaches the store or
 * the charts. Names are kept as plain strings and only ever rendered as React text.
 */
import { z } from 'zod';
import { csvField } from '../core/csv';
import { ConfigError, cut, MESSAGE_LIMIT, methodBeta, parseConfig, populationOf, type Config } from '../core/config';
import type { IterationResult } from '../core/types';

/** Written into every run file; bump it (and migrate) when the shape changes. */
export const RUN_FILE_FORMAT = 1;

/** The longest run name kept (longer imported names are cut, not refused). */
export const MAX_RUN_NAME = 80;

/** One run as it is kept in IndexedDB and written to a JSON file. */
export interface SavedRun {
  id: string;
  name: string;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
  /** The badge text of the backend that trained it, e.g. "WebGPU · swiftshader (software)". */
  backend: string;
  config: Config;
  iterations: IterationResult[];
}

/** The JSON file: a format tag plus the run without its local id. */
export interface RunFile {
  format: 'alignment-lab-run';
  version: number;
  name: string;
  createdAt: string;
  backend: string;
  config: Config;
  iterations: IterationResult[];
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/**
 * A metric name as the lab writes them ("kl/mc", "winrate/vs_ref_gold_se"): letters, digits and
 * `_ . / -`, starting with a letter, so a name can be neither a formula in a spreadsheet nor an
 * object's own machinery ("__proto__").
 */
const metricName = z
  .string()
  .max(100)
  .regex(/^[A-Za-z][\w./-]*$/, 'a metric name must start with a letter and hold only letters, digits and _ . / -')
  .refine((name) => !['constructor', 'prototype'].includes(name), 'is not a metric name');

const IterationSchema = z.object({
  iteration: z.number().int().min(1),
  members: z.array(z.record(metricName, finite)).min(1).max(64),
  stages: z
    .array(z.object({ name: z.string().max(200), narration: z.string().max(5000), ms: finite }))
    .max(32)
    .default([]),
  readbacks: finite.default(0),
});

const RunFileSchema = z.object({
  format: z.literal('alignment-lab-run', { error: 'this is not an Alignment Lab run file (no "format": "alignment-lab-run")' }),
  version: z.literal(RUN_FILE_FORMAT, { error: `only run files of version ${RUN_FILE_FORMAT} can be read` }),
  name: z.string(),
  createdAt: z.string(),
  backend: z.string().max(200).default(''),
  config: z.unknown(),
  iterations: z.array(IterationSchema).max(100_000),
});

/** Why an imported file was refused; the message is shown to people as plain text. */
export class RunFileError extends Error {
  constructor(message: string) {
    super(cut(message, MESSAGE_LIMIT));
    this.name = 'RunFileError';
  }
}

/** A name fit for the list: trimmed, one line, at most MAX_RUN_NAME characters. */
export function cleanName(name: string, fallback = 'Untitled run'): string {
  const oneLine = name.replace(/\s+/g, ' ').trim().slice(0, MAX_RUN_NAME);
  return oneLine || fallback;
}

const METHOD_NAMES: Record<Config['method']['id'], string> = {
  ppo: 'PPO', dpo: 'DPO', online_dpo: 'Online DPO', xpo: 'XPO', simpo: 'SimPO', kto: 'KTO', coh: 'CoH', nash_md: 'Nash-MD', rloo: 'RLOO', grpo: 'GRPO', p3o: 'P3O', best_of_n: 'Best-of-n', expert_iteration: 'Expert iteration', sft: 'SFT',
};

/**
 * The default name of a run, enough to tell runs apart in a list: method with its KL
 * coefficient (or n), task and seed, e.g. "PPO β=0.05 · bandit · seed 0",
 * "DPO β 0.01–1 (4) · helpful · seed 0", "Best-of-n n=16 · bandit · seeds 0–3".
 */
export function defaultRunName(config: Config): string {
  const m = config.method;
  const name = m.id === 'dpo' && m.loss === 'ipo' ? 'IPO' : METHOD_NAMES[m.id];
  const symbol = m.id === 'nash_md' ? 'τ' : 'β';
  const sweep = config.sweep;
  const beta = methodBeta(m);
  let knob = '';
  if (sweep.kind === 'beta') knob = ` ${symbol} ${Math.min(...sweep.values)}–${Math.max(...sweep.values)} (${sweep.values.length})`;
  else if (beta !== null) knob = ` ${symbol}=${beta}`;
  else if ('n' in m) knob = ` n=${m.n}`;
  const seeds = sweep.kind === 'seed' ? `seeds ${config.seed}–${config.seed + sweep.count - 1}` : `seed ${config.seed}`;
  const task = config.task.id === 'custom' || config.task.id === 'data' ? config.task.title : config.task.id;
  return cleanName(`${name}${knob} · ${task} · ${seeds}`);
}

/** The JSON run file of a saved run (pretty-printed, so a person can read it). */
export function toRunFile(run: SavedRun): string {
  const file: RunFile = {
    format: 'alignment-lab-run',
    version: RUN_FILE_FORMAT,
    name: run.name,
    createdAt: new Date(run.createdAt).toISOString(),
    backend: run.backend,
    config: run.config,
    iterations: run.iterations,
  };
  return JSON.stringify(file, null, 2);
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue.path.length ? `${cut(issue.path.map(String).join('.'), 60)}: ` : '';
  // A bad record key reports "Invalid key in record"; the key's own issue says why.
  const inner = issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined;
  return `${where}${cut(inner ?? issue.message, 100)}`;
}

/**
 * Reads a JSON run file into a run ready to save under `id`.
 * @throws RunFileError saying what is wrong: not JSON, not a run file, a bad config, a
 *   metric that is not a finite number, iterations out of order.
 */
export function parseRunFile(text: string, id: string, now: number): SavedRun {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new RunFileError('That file is not valid JSON.');
  }
  const parsed = RunFileSchema.safeParse(raw);
  if (!parsed.success) throw new RunFileError(`That file is not a valid run: ${firstIssue(parsed.error)}.`);
  const file = parsed.data;
  let config: Config;
  try {
    config = parseConfig(file.config);
  } catch (error) {
    const reason = error instanceof ConfigError ? error.message : String(error);
    throw new RunFileError(`That run's config is not valid: ${reason.replace(/[.\s]+$/, '')}.`);
  }
  const iterations = file.iterations as IterationResult[];
  const P = populationOf(config).length;
  const wrong = iterations.findIndex((result) => result.members.length !== P);
  if (wrong >= 0) {
    throw new RunFileError(`That file is not a valid run: its config has ${P} member${P === 1 ? '' : 's'}, but entry ${wrong + 1} reports ${iterations[wrong].members.length}.`);
  }
  iterations.forEach((result, i) => {
    if (i > 0 && result.iteration <= iterations[i - 1].iteration) {
      throw new RunFileError(`That file is not a valid run: iterations must increase (entry ${i + 1} is iteration ${result.iteration}).`);
    }
  });
  const created = Date.parse(file.createdAt);
  const createdAt = Number.isFinite(created) ? created : now;
  return { id, name: cleanName(file.name, defaultRunName(config)), createdAt, updatedAt: now, backend: file.backend, config, iterations };
}

/**
 * The metrics as CSV: one row per iteration × population member, one column per metric
 * (sorted by name, the union over the run); a metric an iteration did not measure is empty.
 */
export function toMetricsCsv(run: SavedRun): string {
  const names = new Set<string>();
  for (const result of run.iterations) for (const member of result.members) for (const key of Object.keys(member)) names.add(key);
  const metrics = [...names].sort();
  const lines = [['iteration', 'member', ...metrics].map(csvField).join(',')];
  for (const result of run.iterations) {
    result.members.forEach((values, member) => {
      const cells = metrics.map((metric) => (values[metric] === undefined ? '' : String(values[metric])));
      lines.push([String(result.iteration), String(member), ...cells].join(','));
    });
  }
  return `${lines.join('\n')}\n`;
}

/** A file name from a run name: letters, digits and dashes only. */
export function fileStem(name: string): string {
  const stem = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return stem || 'run';
}
