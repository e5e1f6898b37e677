/**
 * The farm's labelled comparisons as a file, one row per comparison: prompt, chosen, rejected
 * and who labelled it (an annotator of the pool, or "you"), as CSV with a header or as JSON
 * lines — the format a preference dataset is usually shared in.
 */
import { csvField } from './csv';
import type { Comparison } from './tasks/annotators';
import type { Task } from './tasks/task';
import { YOU } from './your_labels';

export interface ComparisonRow {
  prompt: string;
  chosen: string;
  rejected: string;
  annotator: string;
}

export function comparisonRows(task: Task, comparisons: readonly Comparison[]): ComparisonRow[] {
  return comparisons.map((c) => {
    const [chosen, rejected] = c.firstWins ? [c.first, c.second] : [c.second, c.first];
    const annotator = c.annotator === YOU ? 'you' : c.coinToss ? `${task.annotators[c.annotator].name} (coin toss)` : task.annotators[c.annotator].name;
    return { prompt: task.prompts[c.x], chosen: task.render(chosen), rejected: task.render(rejected), annotator };
  });
}

const COLUMNS = ['prompt', 'chosen', 'rejected', 'annotator'] as const;

export function toComparisonsCsv(rows: readonly ComparisonRow[]): string {
  return [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => csvField(r[c])).join(','))].join('\n') + '\n';
}

export function toComparisonsJsonl(rows: readonly ComparisonRow[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}
