/**
 * Your own preference data in the page: a file read into the task (through `setConfig`, so the
 * link carries it), and the run's labelled comparisons written out in the same format.
 */
import type { Config } from '../core/config';
import { taskFor } from '../core/tasks';
import { parsePreferenceFile } from '../core/preference_file';
import { requestComparisons, setConfig, showError } from './actions';
import { useLab } from './labStore';
import { cleanName, fileStem } from './runFile';
import type { ExportFile } from './runStore';

/**
 * Makes your file the task. A bad file gets one message naming the row (and column) to fix, and
 * nothing changes. Your own labels and the pool judge go: the file's task has only its labels.
 */
export function importPreferenceFile(text: string, fileName: string): boolean {
  let task: Config['task'];
  try {
    task = parsePreferenceFile(text, fileName);
  } catch (error) {
    showError(`“${cleanName(fileName, 'The file')}” was not imported: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
  const { feedback, method } = useLab.getState().config;
  const askedPool = 'judge' in method && method.judge === 'pool';
  return setConfig({ task, feedback: { ...feedback, yours: null }, ...(askedPool ? { method: { ...method, judge: 'reward_model' } } : {}) });
}

/** The run's labelled comparisons (the first run's) as CSV or JSON lines: the format `importPreferenceFile` reads. */
export async function exportComparisons(format: 'csv' | 'jsonl'): Promise<ExportFile | undefined> {
  const file = await requestComparisons(format);
  if (!file) return undefined;
  const stem = fileStem(taskFor(useLab.getState().config.task).title);
  return { fileName: `${stem}-comparisons.${format}`, mime: format === 'csv' ? 'text/csv' : 'application/x-ndjson', text: file.text };
}
