/**
 * The backend a user chose, and Auto's measured pick, remembered in localStorage across
 * reloads. Read defensively: storage may be missing (Node, privacy modes) or hold anything.
 */
import { z } from 'zod';
import { BACKEND_CHAIN, type BackendChoice, type BackendName } from '../engine/protocol';

const KEY = 'alignment-lab:backend';

const Memory = z.object({
  choice: z.enum(['auto', ...BACKEND_CHAIN]).default('auto'),
  /** Auto's last measured pick on this machine, reused without measuring again. */
  autoPick: z.enum(BACKEND_CHAIN).optional(),
});
export type BackendMemory = { choice: BackendChoice; autoPick?: BackendName };

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** What was remembered, or Auto with nothing measured. */
export function readBackendMemory(): BackendMemory {
  try {
    const parsed = Memory.safeParse(JSON.parse(storage()?.getItem(KEY) ?? '{}'));
    return parsed.success ? parsed.data : { choice: 'auto' };
  } catch {
    return { choice: 'auto' };
  }
}

export function writeBackendMemory(memory: BackendMemory): void {
  try {
    storage()?.setItem(KEY, JSON.stringify(memory));
  } catch {
    // A full or blocked storage only costs a measurement on the next visit.
  }
}
