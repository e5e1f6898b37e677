/**
 * The headless lab: the same core and engine as the browser, in this thread.
 *
 *   npm run lab -- run <config.json | share link> [--backend cpu|wasm|webgpu] [--out result.json] [--quiet] [--allow-large]
 *   npm run lab -- comparisons <config.json | share link> [--format csv|jsonl] [--out pairs.csv]
 *   npm run lab -- import <pairs.csv | pairs.jsonl> [--out config.json]
 *   npm run lab -- schema
 *
 * stdout is machine-readable: one JSON line per iteration, then one `{"summary": …}` line.
 * stderr carries progress, and on failure exactly one line starting with `error:`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { configJsonSchema, ConfigError, cut, defaultConfig, parseConfig, type Config } from './core/config';
import { comparisonRows, toComparisonsCsv, toComparisonsJsonl } from './core/comparisons_file';
import { estimateCost, overBudget } from './core/cost';
import { DivergenceError } from './core/divergence';
import { prepareShared } from './core/preparation/shared';
import { parsePreferenceFile, PreferenceFileError } from './core/preference_file';
import { decodeShare, encodeConfig } from './core/share';
import { taskFor } from './core/tasks';
import { quietTfjsLogs, selectBackend } from './engine/backend';
import { LocalEngine } from './engine/engine';
import { BACKEND_CHAIN, type BackendChoice, type EngineEvent } from './engine/protocol';

const USAGE = `usage:
  npm run lab -- run <config.json | share link> [--backend cpu|wasm|webgpu|auto] [--out result.json] [--quiet] [--allow-large]
  npm run lab -- comparisons <config.json | share link> [--format csv|jsonl] [--out pairs.csv]
  npm run lab -- import <pairs.csv | pairs.jsonl> [--out config.json]
  npm run lab -- schema

run          trains the experiment; stdout gets one JSON line per iteration, then {"summary": …};
             an experiment estimated over the lab's memory or compute budget is refused without --allow-large
comparisons  writes the farm's labelled comparisons (the first run's, yours included):
             prompt, chosen, rejected, annotator — CSV with a header, or JSON lines
import       reads your own preference file in that format into a config (a task of its prompts,
             replies and labels, every other setting at its default) and prints its link fragment
schema       prints the JSON schema of a config file`;

/** A failure the user can fix: printed as one `error:` line, exit code 1. */
class UserError extends Error {}
/** Wrong command line: usage, exit code 2. */
class UsageError extends Error {}

const BACKENDS: readonly BackendChoice[] = [...BACKEND_CHAIN, 'auto'];

/** Reads a config file, or decodes a share link (a URL, `#c=…`, or the bare payload). */
function readConfig(source: string): Config {
  if (existsSync(source)) {
    let text: string;
    try {
      // Editors on Windows save UTF-8 with a byte-order mark, which JSON.parse refuses.
      text = readFileSync(source, 'utf8').replace(/^\uFEFF/, '');
    } catch (error) {
      throw new UserError(`cannot read ${source}: ${(error as Error).message}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new UserError(`${source} is not valid JSON: ${(error as Error).message}`);
    }
    return withContext(source, () => parseConfig(raw));
  }
  // A bare link payload is lz-string's URI alphabet only: a dot or a slash means a file name.
  if (!source.includes('c=') && /[./\\]/.test(source)) throw new UserError(`no such file: ${source}`);
  // decodeShare's messages already say "Share link is damaged: …".
  return withContext(null, () => decodeShare(source));
}

function withContext(what: string | null, parse: () => Config): Config {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ConfigError) throw new UserError(what ? `${what}: ${error.message}` : error.message);
    throw error;
  }
}

const line = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
const note = (text: string) => process.stderr.write(`${text}\n`);
const fmt = (x: number) => (Math.abs(x) >= 100 || x === 0 ? x.toFixed(0) : x.toPrecision(3));

function progressLine(event: EngineEvent): string | null {
  if (event.type !== 'progress') return null;
  const { stage, step, total, members } = event.progress;
  const metrics = Object.entries(members[0] ?? {})
    .map(([name, value]) => `${name}=${fmt(value)}`)
    .join(' ');
  return `prepare ${stage} ${step}/${total}${metrics ? `  ${metrics}` : ''}`;
}

async function run(source: string, backend: BackendChoice, out: string | undefined, quiet: boolean, allowLarge: boolean): Promise<void> {
  const config = readConfig(source);
  const refusal = overBudget(estimateCost(config));
  if (refusal && !allowLarge) throw new UserError(`${refusal} Pass --allow-large to run it anyway.`);
  quietTfjsLogs();
  const engine = new LocalEngine({ env: 'node', allowLarge });
  engine.subscribe((event) => {
    const text = quiet ? null : progressLine(event);
    if (text) note(text);
  });
  try {
    const info = await engine.init(backend);
    if (!quiet) note(`backend ${info.label}${info.fallbackReasons.length ? ` (${info.fallbackReasons.join('; ')})` : ''}`);
    const loaded = await engine.load(config);
    if (!quiet) note(`task ${loaded.task.title}, ${loaded.members.length} member(s), ${config.iterations} iterations`);
    await engine.prepare();
    for (let k = 1; k <= config.iterations; k++) {
      let result;
      try {
        result = await engine.step();
      } catch (error) {
        if (!(error instanceof DivergenceError)) throw error;
        // The engine undid the iteration: the summary is the last good one, written where asked.
        const summary = await engine.summary();
        if (out) writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
        throw new UserError(`${error.message}${out ? ` The last good iteration's summary is in ${out}.` : ''}`);
      }
      line({ iteration: result.iteration, members: result.members });
    }
    const summary = await engine.summary();
    line({ summary });
    if (out) writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    engine.dispose();
  }
}

/** The farm's labelled comparisons of the config's first run: SFT and the pool's labels only, no judges trained. */
async function comparisons(source: string, format: string, out: string | undefined): Promise<void> {
  if (format !== 'csv' && format !== 'jsonl') throw new UserError(`--format must be csv or jsonl, got "${cut(format, 40)}"`);
  const config = readConfig(source);
  const refusal = overBudget(estimateCost(config));
  if (refusal) throw new UserError(refusal);
  quietTfjsLogs();
  await selectBackend('cpu', 'node');
  // The comparisons depend on SFT and the labels' streams, not on the judges: skip training them.
  const shared = await prepareShared(parseConfig({ ...config, rewardModel: { ...config.rewardModel, steps: 0 }, preferenceModel: { ...config.preferenceModel, steps: 0 } }));
  try {
    const rows = comparisonRows(taskFor(config.task), shared.prepared.feedback.comparisons[0]);
    const text = format === 'csv' ? toComparisonsCsv(rows) : toComparisonsJsonl(rows);
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
    note(`${rows.length} comparisons${out ? ` written to ${out}` : ''}`);
  } finally {
    shared.dispose();
  }
}

/** Your preference file → a config on stdout (or `out`); its share-link fragment on stderr. */
function importFile(source: string, out: string | undefined): void {
  if (!existsSync(source)) throw new UserError(`no such file: ${source}`);
  let task;
  try {
    task = parsePreferenceFile(readFileSync(source, 'utf8').replace(/^\uFEFF/, ''), basename(source));
  } catch (error) {
    if (error instanceof PreferenceFileError) throw new UserError(`${source}: ${error.message}`);
    throw error;
  }
  const config = withContext(source, () => defaultConfig({ task }));
  const text = `${JSON.stringify(config, null, 2)}\n`;
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
  const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  note(`${count(task.pairs.length, 'row')}: ${count(task.prompts.length, 'prompt')}, ${count(task.responses.length, 'reply', 'replies')}, ${count(task.annotators.length, 'annotator')}${out ? `; config written to ${out}` : ''}`);
  note(`open it in the lab: #c=${encodeConfig(config)}`);
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        backend: { type: 'string', default: 'cpu' },
        out: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        'allow-large': { type: 'boolean', default: false },
        format: { type: 'string', default: 'csv' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { positionals, values } = parsed;
  const [command, ...rest] = positionals;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === 'schema' && rest.length === 0) {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return 0;
  }
  if (command === 'run' && rest.length === 1) {
    const backend = BACKENDS.find((b) => b === values.backend);
    if (!backend) throw new UserError(`--backend must be one of ${BACKENDS.join(', ')}, got "${cut(values.backend ?? '', 40)}"`);
    await run(rest[0], backend, values.out, values.quiet, values['allow-large']);
    return 0;
  }
  if (command === 'comparisons' && rest.length === 1) {
    await comparisons(rest[0], values.format, values.out);
    return 0;
  }
  if (command === 'import' && rest.length === 1) {
    importFile(rest[0], values.out);
    return 0;
  }
  throw new UsageError(command === undefined ? 'missing command' : command === 'run' ? 'run takes exactly one config file or share link' : `unknown command "${command}"`);
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      note(`${error.message}\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    // One line, whatever the error: a stack trace helps nobody who passed a bad file.
    note(`error: ${(error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ')}`);
    process.exitCode = 1;
  },
);
