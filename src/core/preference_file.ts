/**
 * Your own preference data: a CSV (with a header) or JSON-lines file of (prompt, chosen,
 * rejected[, annotator]) rows — the format `npm run lab -- comparisons` writes — read into a
 * task config. Its prompts and replies are the file's distinct ones, its labels the rows. A
 * file is untrusted input: it is measured before it is parsed, every bound is checked, and
 * every error names the row (and column) to fix.
 */
import Papa from 'papaparse';
import { DATA_LIMITS, dataTextChars, type DataTaskConfig } from './config';

/** Larger than any file within DATA_LIMITS needs (1,000 rows of 1,000 characters each). */
export const MAX_FILE_CHARS = 1_000_000;

const COLUMNS = ['prompt', 'chosen', 'rejected'] as const;

export class PreferenceFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreferenceFileError';
  }
}

interface Row {
  prompt: string;
  chosen: string;
  rejected: string;
  annotator: string;
}

/** JSON lines when the first non-blank character opens an object, else CSV. */
export function looksLikeJsonl(text: string): boolean {
  return text.trimStart().startsWith('{');
}

/** The file's rows, or a PreferenceFileError naming the first bad one; `where(i)` names row i for people. */
function readRows(text: string): { rows: Row[]; where: (i: number) => string } {
  if (looksLikeJsonl(text)) {
    const lines = text.split(/\r?\n/);
    const rows: Row[] = [];
    const lineOf: number[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new PreferenceFileError(`line ${i + 1} is not JSON (${(error as Error).message}).`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PreferenceFileError(`line ${i + 1} is not a JSON object with "prompt", "chosen" and "rejected".`);
      rows.push(fieldsOf(value as Record<string, unknown>, `line ${i + 1}`));
      lineOf.push(i + 1);
    });
    return { rows, where: (i) => `line ${lineOf[i]}` };
  }
  const parsed = Papa.parse<Record<string, unknown>>(text, { header: true, skipEmptyLines: 'greedy', transformHeader: (h) => h.trim().toLowerCase() });
  const fields = parsed.meta.fields ?? [];
  const missing = COLUMNS.filter((c) => !fields.includes(c));
  if (missing.length > 0) {
    throw new PreferenceFileError(`the header has no ${missing.map((c) => `"${c}"`).join(' or ')} column (it has ${fields.map((f) => `"${f}"`).join(', ') || 'none'}); the first line must name the columns prompt, chosen, rejected and optionally annotator.`);
  }
  const broken = parsed.errors.find((e) => e.type !== 'FieldMismatch' || e.code === 'TooManyFields');
  if (broken) {
    const hint = broken.code === 'TooManyFields' ? ' (a comma inside a field needs the field in double quotes)' : '';
    throw new PreferenceFileError(`row ${(broken.row ?? 0) + 1}: ${broken.message.replace(/\.$/, '')}${hint}.`);
  }
  return { rows: parsed.data.map((r, i) => fieldsOf(r, `row ${i + 1}`)), where: (i) => `row ${i + 1}` };
}

function fieldsOf(record: Record<string, unknown>, where: string): Row {
  const text = (column: string, required: boolean): string => {
    const value = record[column];
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      if (required) throw new PreferenceFileError(`${where}, column "${column}": empty; every row needs a prompt, a chosen and a rejected reply.`);
      return '';
    }
    if (typeof value !== 'string') throw new PreferenceFileError(`${where}, column "${column}": expected text, got ${typeof value}.`);
    return value.trim();
  };
  return { prompt: text('prompt', true), chosen: text('chosen', true), rejected: text('rejected', true), annotator: text('annotator', false) || 'file' };
}

/** Index of `value` in `list`, adding it when new; a PreferenceFileError once `list` would pass `max`. */
function indexIn(list: string[], index: Map<string, number>, value: string, max: number, what: string, where: string, maxChars: number): number {
  const found = index.get(value);
  if (found !== undefined) return found;
  if (value.length > maxChars) throw new PreferenceFileError(`${where}: the ${what} is ${value.length} characters long; at most ${maxChars}.`);
  if (list.length >= max) throw new PreferenceFileError(`${where} brings a ${what} beyond the ${max} distinct ones a task from your data can hold.`);
  index.set(value, list.length);
  list.push(value);
  return list.length - 1;
}

/** A task config from the text of a preference file named `fileName` (its title). */
export function parsePreferenceFile(text: string, fileName: string): DataTaskConfig {
  if (text.length > MAX_FILE_CHARS) throw new PreferenceFileError(`the file has ${text.length.toLocaleString('en')} characters; at most ${MAX_FILE_CHARS.toLocaleString('en')} (${DATA_LIMITS.pairs.toLocaleString('en')} rows).`);
  const { rows, where } = readRows(text);
  if (rows.length < 2) throw new PreferenceFileError(`the file has ${rows.length} row${rows.length === 1 ? '' : 's'}; at least 2 are needed (one is held out to measure the reward model).`);
  if (rows.length > DATA_LIMITS.pairs) throw new PreferenceFileError(`the file has ${rows.length.toLocaleString('en')} rows; a task from your data holds at most ${DATA_LIMITS.pairs.toLocaleString('en')}.`);
  const prompts: string[] = [];
  const responses: string[] = [];
  const annotators: string[] = [];
  const [promptIndex, responseIndex, annotatorIndex] = [new Map<string, number>(), new Map<string, number>(), new Map<string, number>()];
  const pairs = rows.map((row, i): [number, number, number, number] => {
    const at = where(i);
    if (row.chosen === row.rejected) throw new PreferenceFileError(`${at}: the chosen and the rejected reply are the same text.`);
    return [
      indexIn(prompts, promptIndex, row.prompt, DATA_LIMITS.prompts, 'prompt', at, DATA_LIMITS.promptChars),
      indexIn(responses, responseIndex, row.chosen, DATA_LIMITS.responses, 'reply', `${at}, column "chosen"`, DATA_LIMITS.responseChars),
      indexIn(responses, responseIndex, row.rejected, DATA_LIMITS.responses, 'reply', `${at}, column "rejected"`, DATA_LIMITS.responseChars),
      indexIn(annotators, annotatorIndex, row.annotator.slice(0, 40), DATA_LIMITS.annotators, 'annotator', `${at}, column "annotator"`, 40),
    ];
  });
  const title = fileName.replace(/\.(csv|jsonl|ndjson|json|txt)$/i, '').trim().slice(0, 80) || 'My preference data';
  const task: DataTaskConfig = { id: 'data', title, prompts, responses, pairs, annotators };
  const chars = dataTextChars(task);
  if (chars > DATA_LIMITS.textChars) throw new PreferenceFileError(`the distinct prompts, replies and annotator names hold ${chars.toLocaleString('en')} characters; a task from your data holds at most ${DATA_LIMITS.textChars.toLocaleString('en')} so that its link stays short.`);
  return task;
}
