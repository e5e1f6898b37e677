/**
 * Step / Play / Pause / Reset, the iteration counter, the run status and the progress of
 * the preparation stages (SFT of the reference policy, the Bradley–Terry reward model, and
 * the pairwise preference model core trains beside it).
 */
import type { PrepareProgress } from '../core/types';
import { lastIteration, pause, play, reset, step, useLab, type EngineStatus } from '../state';

/** Status words for people. */
function statusText(status: EngineStatus, iteration: number, total: number, loaded: boolean): string {
  if (!loaded && status !== 'error') return 'Loading the experiment…';
  switch (status) {
    case 'idle':
    case 'preparing':
      return 'Preparing: training the reference policy and the judges…';
    case 'ready':
      return iteration === 0 ? 'Ready: press Step or Play.' : iteration >= total ? 'Finished.' : 'Ready.';
    case 'playing':
      return 'Playing…';
    case 'done':
      return `Finished ${total} iterations: Reset to run again, or raise Iterations.`;
    case 'error':
      return 'Stopped by an error (see the message above).';
  }
}

interface StageBarProps {
  id: string;
  label: string;
  /** Steps the config asks for, shown before the stage reports. */
  plannedSteps: number;
  progress: PrepareProgress | undefined;
}

/** A labelled progressbar for one preparation stage. */
function StageBar({ id, label, plannedSteps, progress }: StageBarProps) {
  const total = progress?.total ?? plannedSteps;
  const done = progress?.step ?? 0;
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const text = total === 0 ? 'skipped (0 steps)' : `${done} / ${total} steps`;
  return (
    <div className="stage">
      <div className="stage-head">
        <span id={`${id}-label`} className="stage-label">
          {label}
        </span>
        <span className="stage-count">{text}</span>
      </div>
      <div
        role="progressbar"
        aria-labelledby={`${id}-label`}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={Math.min(done, total)}
        aria-valuetext={text}
        className="bar"
      >
        <div className="bar-fill" style={{ width: `${fraction * 100}%` }} />
      </div>
    </div>
  );
}

/** The run bar above the charts. */
export function RunControls() {
  const status = useLab((s) => s.status);
  const pending = useLab((s) => s.pending);
  const loaded = useLab((s) => s.info !== null);
  const iteration = useLab((s) => lastIteration(s.history));
  const total = useLab((s) => s.config.iterations);
  const sftSteps = useLab((s) => s.config.sft.steps);
  const rmSteps = useLab((s) => s.config.rewardModel.steps);
  const pmSteps = useLab((s) => s.config.preferenceModel.steps);
  const progress = useLab((s) => s.progress);
  const notice = useLab((s) => s.notice);

  const playing = status === 'playing';
  const finished = iteration >= total || status === 'done';
  // Not blocked by 'error': the engine keeps its last good state, so Step retries.
  const canRun = loaded && !playing && pending === 0 && !finished;

  return (
    <section className="run" aria-labelledby="run-title">
      <h2 id="run-title" className="visually-hidden">
        Run
      </h2>
      <div className="run-row">
        <div className="buttons">
          <button type="button" onClick={() => void step()} disabled={!canRun}>
            Step
          </button>
          <button type="button" className="primary" onClick={play} disabled={!canRun}>
            Play
          </button>
          <button type="button" onClick={() => void pause()} disabled={!playing}>
            Pause
          </button>
          <button type="button" onClick={() => void reset()} disabled={!loaded}>
            Reset
          </button>
        </div>
        <p className="counter" data-testid="iteration-counter">
          Iteration {iteration} / {total}
        </p>
        <p className="run-status" data-testid="run-status" aria-live="polite">
          {pending > 0 && !playing && status !== 'preparing' && loaded ? 'Working…' : statusText(status, iteration, total, loaded)}
        </p>
      </div>
      <div className="stages">
        <StageBar id="stage-sft" label="SFT (reference policy)" plannedSteps={sftSteps} progress={progress.sft} />
        <StageBar id="stage-rm" label="Reward model" plannedSteps={rmSteps} progress={progress.reward_model} />
        <StageBar id="stage-pm" label="Preference model" plannedSteps={pmSteps} progress={progress.preference_model} />
      </div>
      {notice && <p className="notice">{notice}</p>}
    </section>
  );
}
