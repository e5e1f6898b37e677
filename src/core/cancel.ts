/**
 * Cancelling long work (preparation) between optimiser steps. Training loops call
 * `checkpoint(signal)` once per step: it throws `Cancelled` as soon as the signal is aborted
 * and, every few tens of milliseconds, yields to the event loop so that the request that
 * aborts (Reset, a new config, a backend switch) can arrive at all. The loops free their
 * tensors in `finally`, so a cancelled stage leaves nothing behind.
 */

/** Thrown by a cancelled stage; the engine treats it as "stopped on request", not an error. */
export class Cancelled extends Error {
  constructor(message = 'Cancelled: a newer request replaced this preparation.') {
    super(message);
    this.name = 'Cancelled';
  }
}

/** True for a `Cancelled` error, also after it crossed the worker boundary as `{ name, message }`. */
export function isCancelled(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'Cancelled';
}

/** How long a loop may run before it lets other messages in: short enough to abort at once, long enough to cost nothing. */
const SLICE_MS = 25;
let sliceStart = typeof performance !== 'undefined' ? performance.now() : 0;

/** A macrotask: lets pending messages (e.g. the worker's next request) run. */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Throws `Cancelled` if `signal` is aborted; yields to the event loop when the slice is used up. */
export async function checkpoint(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return;
  if (signal.aborted) throw new Cancelled();
  if (performance.now() - sliceStart < SLICE_MS) return;
  await nextMacrotask();
  sliceStart = performance.now();
  if (signal.aborted) throw new Cancelled();
}
