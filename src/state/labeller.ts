/**
 * You as the annotator: the labels you have given in this page but not yet put in the run,
 * and which offered comparison is next. Putting them in the run is an ordinary config change
 * (`feedback.yours`), so your labels travel in the link and the run reproduces from it.
 */
import { create } from 'zustand';
import { taskFor } from '../core/tasks';
import { hasGold } from '../core/tasks/task';
import { agreement, labelsOf, offeredPair, type Agreement, type OfferedPair, type YourLabel } from '../core/your_labels';
import { setConfig } from './actions';
import { useLab } from './labStore';

export interface LabellerState {
  /** Labels given here and not yet in the run's config. */
  pending: YourLabel[];
  /**
   * The index of the comparison on offer (answered and skipped ones are behind it); null until
   * the first answer, when it starts after the labels a link brought (one per offer, at best).
   */
  next: number | null;
}

export const useLabeller = create<LabellerState>()(() => ({ pending: [], next: null }));

function offerIndex(): number {
  return useLabeller.getState().next ?? labelsOf(useLab.getState().config).length;
}

/** The comparison on offer now. */
export function currentOffer(): OfferedPair {
  const { config } = useLab.getState();
  return offeredPair(taskFor(config.task), config.seed, offerIndex());
}

/** Records your answer to the comparison on offer: the first (left) or the second (right) reply is better. */
export function answer(firstBetter: boolean): void {
  const { x, first, second } = currentOffer();
  useLabeller.setState((s) => ({ pending: [...s.pending, [x, first, second, firstBetter ? 1 : 0]], next: offerIndex() + 1 }));
}

export function skip(): void {
  useLabeller.setState({ next: offerIndex() + 1 });
}

/** All your labels: those in the run, then those given here. */
export function allLabels(): YourLabel[] {
  return [...labelsOf(useLab.getState().config), ...useLabeller.getState().pending];
}

/** Your agreement with gold and with each simulated annotator, over all your labels (none on a task from your data). */
export function yourAgreement(): Agreement | null {
  const task = taskFor(useLab.getState().config.task);
  return hasGold(task) ? agreement(task, allLabels()) : null;
}

/** Puts your labels in the run (the judges and the offline methods train on them), alone or with the pool's. */
export function applyYourLabels(use: 'alone' | 'mixed'): boolean {
  const labels = allLabels();
  if (labels.length === 0) return false;
  const { feedback } = useLab.getState().config;
  const applied = setConfig({ feedback: { ...feedback, yours: { labels, use } } });
  if (applied) useLabeller.setState({ pending: [] });
  return applied;
}

/** Forgets every label of yours, here and in the run. */
export function clearYourLabels(): void {
  const { feedback } = useLab.getState().config;
  useLabeller.setState({ pending: [], next: null });
  if (feedback.yours) setConfig({ feedback: { ...feedback, yours: null } });
}
