/**
 * `npm run farm [-- --seeds 3] [--iterations N] [--backend wasm|cpu] [--task helpful | --data pairs.csv] [--methods ppo,sft]`
 *
 * Trains every method with its default settings on one task for several seeds (one shared
 * preparation, the seeds on the population axis) and prints the farm table as markdown on
 * stdout, followed by the command that made it. Progress goes to stderr.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { TASK_IDS, type DataTaskConfig, type MethodId, type TaskId } from './core/config';
import { parsePreferenceFile } from './core/preference_file';
import { farmTable, runFarm } from './core/farm';
import { availableMethods } from './core/method_info';
import { quietTfjsLogs, selectBackend } from './engine/backend';

const USAGE = 'usage: npm run farm -- [--seeds 3] [--iterations N] [--backend wasm|cpu] [--task helpful|bandit|sorting|cycle | --data pairs.csv] [--methods ppo,dpo,…]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function positiveInt(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive integer, got "${text}"`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        seeds: { type: 'string', default: '3' },
        iterations: { type: 'string' },
        // WASM by default: about five times faster than the CPU backend on the helpful task's
        // transformer, and the same numbers up to float rounding now that every one-hot goes
        // through oneHotFloat (math/one_hot.ts).
        backend: { type: 'string', default: 'wasm' },
        task: { type: 'string', default: 'helpful' },
        // Your own preference file (CSV or JSON lines): the table then reports what can be known without gold.
        data: { type: 'string' },
        methods: { type: 'string' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  let task: TaskId | DataTaskConfig | undefined = TASK_IDS.find((t) => t === values.task);
  if (!task) fail(`--task must be one of ${TASK_IDS.join(', ')}, got "${values.task}"`);
  if (values.data) {
    try {
      task = parsePreferenceFile(readFileSync(values.data, 'utf8').replace(/^\uFEFF/, ''), basename(values.data));
    } catch (error) {
      fail(`--data ${values.data}: ${(error as Error).message}`);
    }
  }
  if (values.backend !== 'wasm' && values.backend !== 'cpu') fail(`--backend must be cpu or wasm, got "${values.backend}"`);
  const known = availableMethods();
  const methods = values.methods?.split(',').map((m) => m.trim());
  const unknown = methods?.filter((m) => !known.includes(m as MethodId));
  if (unknown?.length) fail(`unknown method(s) ${unknown.join(', ')}; available: ${known.join(', ')}`);
  const seeds = positiveInt('seeds', values.seeds)!;
  const iterations = positiveInt('iterations', values.iterations);

  quietTfjsLogs();
  const backend = await selectBackend(values.backend, 'node');
  const note = (line: string) => process.stderr.write(`${line}\n`);
  note(`backend ${backend.label}`);
  const result = await runFarm({ task, seeds, iterations, methods: methods as MethodId[] | undefined, onProgress: note });
  const command = ['npm run farm --', ...process.argv.slice(2)].join(' ').replace(/ --$/, '');
  process.stdout.write(`${farmTable(result)}\n\n`);
  const taskName = typeof task === 'string' ? task : `${task.title} (your data: ${task.pairs.length} rows)`;
  process.stdout.write(`\`${command}\` · task ${taskName} · seeds 0–${seeds - 1} · ${result.iterations} iterations · ${backend.label} · ${new Date().toISOString().slice(0, 10)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
