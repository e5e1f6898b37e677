/**
 * What the page says while it waits: the preparation stage under way (with its step count and
 * the time left at its pace so far), or the first iteration. Shown in the run bar's status
 * line and in every empty chart, from the moment Step or Play is pressed.
 */
import type { Config } from '../core/config';
import type { PrepareStage } from '../core/types';
import { secondsLeft, useLab, type StageProgress, type TimedProgress } from '../state';

const DOING: Record<PrepareStage, (config: Config) => string> = {
  sft: () => 'training the reference policy (SFT)',
  feedback: (c) => `the annotators are labelling ${c.feedback.comparisons.toLocaleString('en-US')} comparisons`,
  reward_model: () => 'training the reward model',
  preference_model: () => 'training the preference model',
  exact: () => 'scoring every response for the exact metrics',
};

/** "~12 s left", "~2 min left", or '' without an estimate. */
export function timeLeftText(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  if (seconds < 1) return '<1 s left';
  if (seconds < 90) return `~${Math.round(seconds)} s left`;
  return `~${Math.round(seconds / 60)} min left`;
}

/** The stage reported last (the one under way), or undefined before the first report. */
export function currentStage(progress: StageProgress): TimedProgress | undefined {
  return Object.values(progress).reduce<TimedProgress | undefined>((latest, p) => (p && (!latest || p.at >= latest.at) ? p : latest), undefined);
}

/** "Preparing: training the reward model, 120 / 300 steps, ~3 s left…" */
export function preparingText(progress: StageProgress, config: Config): string {
  const p = currentStage(progress);
  if (!p) return 'Preparing: starting…';
  const steps = p.total > 1 ? `, ${p.step} / ${p.total} steps` : '';
  const left = timeLeftText(secondsLeft(p));
  return `Preparing: ${DOING[p.stage](config)}${steps}${left ? `, ${left}` : ''}…`;
}

/**
 * What an empty chart says while the run it waits for is being made: the preparation under
 * way, or the first iteration; null when nothing is running (the chart's own hint applies).
 */
export function useWaiting(): string | null {
  const status = useLab((s) => s.status);
  const progress = useLab((s) => s.progress);
  const config = useLab((s) => s.config);
  const fresh = useLab((s) => s.history.length === 0 && s.info !== null);
  const busy = useLab((s) => s.pending > 0 || s.status === 'playing');
  if (!fresh) return null;
  if (status === 'preparing') return preparingText(progress, config);
  return busy ? 'Running the first iteration…' : null;
}
