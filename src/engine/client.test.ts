import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/config';
import { WorkerEngineClient, type WorkerPort } from './client';
import { LocalEngine } from './engine';
import type { EngineEvent, FromWorker, ToWorker } from './protocol';
import { serve, type PortLike } from './serve';
import { tinyConfig as tiny } from '../core/testing';

type Listener<T> = (event: { data: T }) => void;

/** One end of an in-memory channel. */
class End<In, Out> implements PortLike<In, Out> {
  readonly listeners = new Set<Listener<In>>();
  peer: End<Out, In> | null = null;
  closed = false;

  postMessage(message: Out): void {
    if (this.closed) return;
    // Like a real worker boundary: a structured clone, delivered as a later macrotask.
    const data = structuredClone(message);
    setTimeout(() => this.peer?.listeners.forEach((listener) => listener({ data })), 0);
  }
  addEventListener(_: 'message', listener: Listener<In>): void {
    this.listeners.add(listener);
  }
  removeEventListener(_: 'message', listener: Listener<In>): void {
    this.listeners.delete(listener);
  }
}

/** A client end (with terminate) wired to a worker end. */
function portPair(): { client: WorkerPort & End<FromWorker, ToWorker>; worker: End<ToWorker, FromWorker> } {
  const worker = new End<ToWorker, FromWorker>();
  const client = Object.assign(new End<FromWorker, ToWorker>(), {
    onerror: null,
    terminate() {
      client.closed = true;
      worker.closed = true;
    },
  });
  client.peer = worker;
  worker.peer = client;
  return { client, worker };
}

let client: WorkerEngineClient;
let engine: LocalEngine;
afterEach(() => {
  client?.dispose();
  engine?.dispose();
});

function connected(): { client: WorkerEngineClient; events: EngineEvent[] } {
  const ports = portPair();
  engine = new LocalEngine({ env: 'node', progressIntervalMs: 0 });
  serve(engine, ports.worker);
  client = new WorkerEngineClient(ports.client);
  const events: EngineEvent[] = [];
  client.subscribe((e) => events.push(e));
  return { client, events };
}

describe('WorkerEngineClient ↔ serve', () => {
  it('answers each request with its typed reply and delivers events', async () => {
    const { client, events } = connected();
    const backend = await client.init('cpu');
    expect(backend.name).toBe('cpu');
    const info = await client.load(tiny(2));
    expect(info.config.iterations).toBe(2);
    expect(info.members).toHaveLength(1);
    const prepared = await client.prepare();
    expect(prepared.sft).toHaveLength(1);
    const result = await client.step();
    expect(result.iteration).toBe(1);
    expect(Number.isFinite(result.members[0]['reward/proxy'])).toBe(true);
    expect(await client.play()).toBeNull();
    const summary = await client.summary();
    expect(summary.iterations).toBe(2);
    expect(Object.keys(summary.members[0].metrics)).toContain('reward/gold');
    // Events arrive before the reply that follows them (one ordered channel).
    expect(events.some((e) => e.type === 'progress')).toBe(true);
    expect(events.flatMap((e) => (e.type === 'iteration' ? [e.result.iteration] : []))).toEqual([1, 2]);
    expect(events.filter((e) => e.type === 'status').at(-1)).toMatchObject({ type: 'status', status: 'done' });
  });

  it('rethrows engine errors as Error with the same name and message', async () => {
    const { client } = connected();
    const local = new LocalEngine({ env: 'node' });
    const expected = (await local.step().catch((e: unknown) => e)) as Error;
    const error = await client.step().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(expected.message);
    expect((error as Error).name).toBe(expected.name);
  });

  it('keeps a custom error name across the boundary', async () => {
    const ports = portPair();
    engine = new LocalEngine({
      env: 'node',
      createExperiment: () => {
        throw new ConfigError('task.responses: needs at least 2');
      },
    });
    serve(engine, ports.worker);
    client = new WorkerEngineClient(ports.client);
    const error = await client.load(tiny(2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'ConfigError', message: 'task.responses: needs at least 2' });
  });

  it('rejects what is pending when disposed, and refuses later requests', async () => {
    const { client } = connected();
    const pending = client.init('cpu');
    client.dispose();
    await expect(pending).rejects.toThrow(/disposed/);
    await expect(client.step()).rejects.toThrow(/disposed/);
  });

  it('pauses a playing engine: pause is served while play is still running', async () => {
    const { client, events } = connected();
    await client.init('cpu');
    await client.load(tiny(200));
    let paused: Promise<null> | null = null;
    client.subscribe((e) => {
      if (e.type === 'iteration' && e.result.iteration === 1) paused = client.pause();
    });
    await client.play(0);
    await paused;
    const last = events.flatMap((e) => (e.type === 'iteration' ? [e.result.iteration] : [])).at(-1)!;
    expect(last).toBeLessThan(200);
    expect(events.filter((e) => e.type === 'status').at(-1)).toMatchObject({ type: 'status', status: 'ready' });
  });

  it.each([
    ['crashes', (port: WorkerPort) => port.onerror?.({ message: 'RangeError: out of memory' } as ErrorEvent), 'The training worker stopped: RangeError: out of memory.'],
    ['sends a message that cannot be read', (port: WorkerPort) => port.onmessageerror?.({} as MessageEvent), 'The training worker stopped: a message from it could not be read.'],
  ])('when the worker %s: what waits fails with a clear message, later requests fail at once, subscribers hear it once', async (_, fault, message) => {
    const ports = portPair();
    client = new WorkerEngineClient(ports.client); // no engine serves the other end: requests would wait forever
    const events: EngineEvent[] = [];
    client.subscribe((e) => events.push(e));
    const pending = client.step();
    fault(ports.client);
    fault(ports.client);
    await expect(pending).rejects.toThrow(message);
    await expect(client.load(tiny(2))).rejects.toThrow(message);
    expect(events).toEqual([{ type: 'crashed', run: 0, error: { name: 'WorkerCrash', message } }]);
    expect(ports.client.closed).toBe(true); // terminated
  });
});
