import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../core/config';
import type { IterationResult } from '../core/types';
import { disposeLab } from './actions';
import { initialLabState, useLab } from './labStore';
import { closeRunDb, listRuns } from './runDb';
import { toRunFile } from './runFile';
import { deleteRun, exportRun, importRunText, renameRun, reopenRun, startRunHistory, stopRunHistory, toggleCompare, undoDelete, useRuns } from './runStore';

function result(n: number, gold: number): IterationResult {
  return { iteration: n, members: [{ 'reward/gold': gold, 'kl/k3': n / 100 }], stages: [], readbacks: 1 };
}

/** Appends iterations the way engine events do (a new history array each time). */
function iterate(...results: IterationResult[]): void {
  for (const r of results) useLab.setState((s) => ({ history: [...s.history, r] }));
}

/** Waits until the database holds what `check` expects (writes are asynchronous). */
async function inDb(check: (runs: Awaited<ReturnType<typeof listRuns>>) => void): Promise<void> {
  // Generous: only a lost write should trip it, not a busy machine.
  await vi.waitFor(async () => check(await listRuns()), { timeout: 60_000, interval: 10 });
}

beforeEach(async () => {
  useLab.setState({ ...initialLabState(), config: defaultConfig({ seed: 1 }), backend: { requested: 'cpu', name: 'cpu', label: 'CPU', fallbackReasons: [] } });
  await startRunHistory();
});

afterEach(async () => {
  stopRunHistory();
  disposeLab();
  await closeRunDb();
  indexedDB.deleteDatabase('alignment-lab');
});

describe('run history', () => {
  it('records every finished iteration of the current run and reads it back after a reload', async () => {
    iterate(result(1, 0.5), result(2, 0.6), result(3, 0.7));
    expect(useRuns.getState().runs).toHaveLength(1);
    await inDb((runs) => expect(runs.map((r) => r.iterations.length)).toEqual([3]));

    // A reload: memory is gone, the database is not.
    stopRunHistory();
    expect(useRuns.getState().runs).toEqual([]);
    await startRunHistory();
    const [run] = useRuns.getState().runs;
    expect(run).toMatchObject({ name: 'PPO β=0.05 · bandit · seed 1', backend: 'CPU', config: { seed: 1 } });
    expect(run.iterations.map((r) => r.members[0]['reward/gold'])).toEqual([0.5, 0.6, 0.7]);
  });

  it('starts a new record when the config changes or the run is reset', async () => {
    iterate(result(1, 0.5));
    useLab.setState({ config: defaultConfig({ seed: 2 }), history: [] });
    iterate(result(1, 0.1), result(2, 0.2));
    useLab.setState({ history: [] }); // Reset
    iterate(result(1, 0.3));
    await inDb((runs) => expect(runs.map((r) => r.iterations.length).sort()).toEqual([1, 1, 2]));
    expect(new Set(useRuns.getState().runs.map((r) => r.id)).size).toBe(3);
  });

  it('renames, refuses an empty name, deletes and undoes', async () => {
    iterate(result(1, 0.5));
    const id = useRuns.getState().runs[0].id;
    await renameRun(id, '  β sweep\nfirst try ');
    await renameRun(id, '   ');
    expect(useRuns.getState().message).toBe('A run needs a name: the old name was kept.');
    await inDb((runs) => expect(runs[0].name).toBe('β sweep first try'));

    toggleCompare(id);
    await deleteRun(id);
    expect(useRuns.getState()).toMatchObject({ runs: [], compared: [], message: 'Deleted “β sweep first try”.' });
    // The deleted current run is not recreated by its next iteration.
    iterate(result(2, 0.6));
    await inDb((runs) => expect(runs).toEqual([]));
    expect(useRuns.getState().runs).toEqual([]);

    await undoDelete();
    await inDb((runs) => expect(runs.map((r) => [r.name, r.iterations.length])).toEqual([['β sweep first try', 2]]));
  });

  it('exports a run that imports back as an equal run under a new id', async () => {
    iterate(result(1, 0.5), result(2, 0.25));
    const original = useRuns.getState().runs[0];
    const file = exportRun(original.id, 'json');
    expect(file?.fileName).toBe('ppo-0-05-bandit-seed-1.run.json');
    expect(exportRun(original.id, 'csv')?.text).toBe('iteration,member,kl/k3,reward/gold\n1,0,0.01,0.5\n2,0,0.02,0.25\n');

    await expect(importRunText(file!.text, file!.fileName)).resolves.toBe(true);
    const runs = useRuns.getState().runs;
    expect(runs).toHaveLength(2);
    const copy = runs.find((r) => r.id !== original.id)!;
    expect({ ...copy, id: original.id, updatedAt: 0 }).toEqual({ ...original, updatedAt: 0 });
    await inDb((saved) => expect(saved).toHaveLength(2));
  });

  it('refuses a bad file with a message in the alert and keeps the list', async () => {
    iterate(result(1, 0.5));
    const before = useRuns.getState().runs;
    const bad = toRunFile({ ...before[0] }).replace('"iteration": 1', '"iteration": 0');
    await expect(importRunText(bad, 'run.json')).resolves.toBe(false);
    expect(useLab.getState().error).toBe('“run.json” was not imported: That file is not a valid run: iterations.0.iteration: Too small: expected number to be >=1.');
    expect(useRuns.getState().runs).toBe(before);
  });

  it('reopens a run: its config goes into the lab and its curves into Compare', () => {
    iterate(result(1, 0.5));
    const id = useRuns.getState().runs[0].id;
    useLab.setState({ config: defaultConfig({ seed: 9, task: { id: 'helpful' } }), history: [] });
    reopenRun(id);
    expect(useLab.getState().config.seed).toBe(1);
    expect(useLab.getState().config.task.id).toBe('bandit');
    expect(useRuns.getState().compared).toEqual([id]);
  });
});

describe('undo', () => {
  it('is offered only until the next message', async () => {
    iterate(result(1, 0.5));
    const run = useRuns.getState().runs[0];
    await deleteRun(run.id);
    expect(useRuns.getState().lastDeleted?.id).toBe(run.id);
    await importRunText(toRunFile(run), 'again.json');
    expect(useRuns.getState()).toMatchObject({ lastDeleted: null, message: 'Imported “PPO β=0.05 · bandit · seed 1” (1 iteration).' });
  });
});
