/**
 * The browser half of `npm run bench`: runs `measure` against the real training worker
 * (WorkerEngineClient), one fresh worker per backend. The runner calls `window.__bench.run`;
 * a person opening bench.html presses the button instead.
 */
import { WorkerEngineClient } from '../src/engine/client';
import { BACKEND_CHAIN, type BackendChoice, type BackendName } from '../src/engine/protocol';
import { formatTable, measure, measureFirstIterations, type BenchOptions, type BenchRow, type FirstRow } from './measure';

/** What the runner finds on the page. */
export interface BenchApi {
  run(options: BenchOptions): Promise<BenchRow[]>;
  /** Time to a first iteration for the default experiment and every scenario, in a fresh worker. */
  first(backend: BackendChoice): Promise<FirstRow[]>;
}

declare global {
  interface Window {
    __bench?: BenchApi;
  }
}

/** Runs `fn` on a fresh training worker, terminated afterwards. */
async function withWorker<T>(fn: (client: WorkerEngineClient) => Promise<T>): Promise<T> {
  const client = new WorkerEngineClient();
  try {
    return await fn(client);
  } finally {
    client.dispose();
  }
}

const now = () => performance.now();
const run = (options: BenchOptions) => withWorker((client) => measure(client, 'browser', options, now));
const first = (backend: BackendChoice) => withWorker((client) => measureFirstIterations(client, 'browser', backend, now));

window.__bench = { run, first };

const out = document.getElementById('out')!;
const button = document.getElementById('run') as HTMLButtonElement;
button.addEventListener('click', async () => {
  button.disabled = true;
  const rows: BenchRow[] = [];
  for (const backend of BACKEND_CHAIN as readonly BackendName[]) {
    out.textContent = `${formatTable(rows)}\n\nrunning ${backend}…`;
    rows.push(...(await run({ backend, populations: [1, 4, 16], warmup: 2, measured: 5, task: 'bandit' })));
  }
  out.textContent = formatTable(rows);
  button.disabled = false;
});
