/** The β sweep field's parser: pure, so the page and its tests read a draft the same way. */
import { MIN_COEFFICIENT, type Config } from '../core/config';

/**
 * Reads the β sweep as people type it: values separated by commas, semicolons or spaces;
 * empty means a single run. A problem is said in plain words at the field, naming the value.
 */
export function readSweep(draft: string, symbol = 'β'): { sweep: Config['sweep'] } | { error: string } {
  const parts = draft.split(/[,;\s]+/).filter(Boolean);
  if (parts.length === 0) return { sweep: { kind: 'none' } };
  const values = parts.map(Number);
  const bad = parts.find((_, i) => !Number.isFinite(values[i]));
  if (bad !== undefined) return { error: `“${bad.slice(0, 20)}” is not a number. Separate values with commas, e.g. 0.01, 0.1, 1.` };
  if (values.length === 1) return { error: `A sweep needs 2 to 16 values, one run each; for a single run, set ${symbol} above and leave this empty.` };
  if (values.length > 16) return { error: `A sweep trains at most 16 runs together; this has ${values.length} values.` };
  const out = values.find((v) => v < MIN_COEFFICIENT || v > 100);
  if (out !== undefined) return { error: `${symbol} = ${out} is out of range: each value must be between ${MIN_COEFFICIENT.toExponential(0)} and 100.` };
  return { sweep: { kind: 'beta', values } };
}
