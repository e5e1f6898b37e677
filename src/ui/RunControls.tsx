/**
 * Step / Next stage / Play / Pause / Reset, the play speed, the iteration counter, the run
 * status and the progress of everything that takes more than a moment: the preparation
 * stages (SFT of the reference policy, the Bradley–Terry reward model, the pairwise
 * preference model) and the first iteration, which compiles the GPU shaders.
 */
import { needsPreferenceModel } from '../core/method_info';
import {
  lastIteration,
  pause,
  playAtSpeed,
  reset,
  runAvailability,
  setSpeed,
  SPEED_IDS,
  SPEEDS,
  stepIteration,
  stepStage,
  useLab,
  useStepper,
  secondsLeft,
  type EngineStatus,
  type Speed,
  type TimedProgress,
} from '../state';
import { preparingText, timeLeftText } from './waiting';
import { ShortcutList, useKeyboardShortcuts } from './Shortcuts';
import { StageStepper } from './StageStepper';

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
  progress: TimedProgress | undefined;
  /**
   * Set when this run skips the stage altogether because its method does not use what the stage
   * trains: `short` fits the bar's head at tablet width, `why` is read out and shown on hover.
   */
  notNeeded?: { short: string; why: string };
  /** The run reused a cached preparation: the stage did not run. */
  reused?: boolean;
}

/** A labelled progressbar for one preparation stage. */
function StageBar({ id, label, plannedSteps, progress, notNeeded, reused }: StageBarProps) {
  const cached = reused && !progress && !notNeeded;
  const total = notNeeded ? 0 : (progress?.total ?? plannedSteps);
  const done = notNeeded ? 0 : cached ? total : (progress?.step ?? 0);
  const fraction = total > 0 ? Math.min(1, done / total) : notNeeded ? 0 : 1;
  const left = timeLeftText(secondsLeft(progress));
  const text = notNeeded?.short ?? (cached ? 'reused' : total === 0 ? 'skipped (0 steps)' : `${done} / ${total} steps${left ? ` · ${left}` : ''}`);
  return (
    <div className="stage">
      <div className="stage-head">
        <span id={`${id}-label`} className="stage-label">
          {label}
        </span>
        <span className="stage-count" title={notNeeded?.why}>
          {text}
        </span>
      </div>
      <div
        role="progressbar"
        aria-labelledby={`${id}-label`}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={Math.min(done, total)}
        aria-valuetext={notNeeded?.why ?? text}
        className="bar"
      >
        <div className="bar-fill" style={{ width: `${fraction * 100}%` }} />
      </div>
    </div>
  );
}

/** The first iteration of a page compiles the shaders it needs: seconds on a software GPU. */
function firstStepText(backend: string | undefined): string {
  return backend === 'webgpu'
    ? 'Compiling shaders: the first step on the GPU takes a few seconds…'
    : 'Running the first iteration…';
}

/** The run bar above the charts. */
export function RunControls() {
  useKeyboardShortcuts();
  const status = useLab((s) => s.status);
  const pending = useLab((s) => s.pending);
  const info = useLab((s) => s.info);
  const history = useLab((s) => s.history);
  const config = useLab((s) => s.config);
  const progress = useLab((s) => s.progress);
  const prepared = useLab((s) => s.prepared);
  const notice = useLab((s) => s.notice);
  const backend = useLab((s) => s.backend?.name);
  const stepper = useStepper((s) => s);
  const { loaded, playing, canRun, canStepStage, canPause } = runAvailability({ status, pending, info, history, config }, stepper);
  const iteration = lastIteration(history);
  const total = config.iterations;
  const stepperRunning = stepper.running;
  const speed = stepper.speed;

  const working = loaded && (pending > 0 || playing || stepperRunning);
  const firstStep = working && iteration === 0 && status !== 'preparing' && status !== 'error';
  const statusLine =
    status === 'preparing' && loaded
      ? preparingText(progress, config)
      : firstStep
        ? firstStepText(backend)
        : pending > 0 && !playing && loaded
          ? 'Working…'
          : statusText(status, iteration, total, loaded);

  return (
    <section className="run" aria-labelledby="run-title">
      <h2 id="run-title" className="visually-hidden">
        Run
      </h2>
      <div className="run-bar">
        <div className="buttons">
          <button type="button" onClick={() => void stepIteration()} disabled={!canRun} aria-keyshortcuts="ArrowRight">
            Step
          </button>
          <button type="button" onClick={() => void stepStage()} disabled={!canStepStage} aria-keyshortcuts="S">
            Next stage
          </button>
          <button type="button" className="primary" onClick={playAtSpeed} disabled={!canRun} aria-keyshortcuts="Space">
            Play
          </button>
          <button type="button" onClick={() => void pause()} disabled={!canPause} aria-keyshortcuts="Space">
            Pause
          </button>
          <button type="button" onClick={() => void reset()} disabled={!loaded} aria-keyshortcuts="R">
            Reset
          </button>
        </div>
        <label className="speed">
          <span className="speed-label">Speed</span>
          <select value={speed} onChange={(e) => void setSpeed(e.target.value as Speed)} aria-describedby="speed-hint">
            {SPEED_IDS.map((id) => (
              <option key={id} value={id}>
                {SPEEDS[id].label}
              </option>
            ))}
          </select>
        </label>
        {/* Outside the label, so that the select's name stays "Speed". */}
        <span id="speed-hint" className="visually-hidden">
          The pause between iterations while playing; slow motion also walks through each iteration’s stages.
        </span>
        <p className="counter" data-testid="iteration-counter">
          Iteration {iteration} / {total}
        </p>
        <p className="run-status" data-testid="run-status" aria-live="polite" title={statusLine}>
          {statusLine}
        </p>
        {firstStep && (
          <div className="bar bar-indeterminate" role="progressbar" aria-label="First iteration" aria-valuetext={firstStepText(backend)}>
            <div className="bar-fill" />
          </div>
        )}
      </div>
      <div className="stages">
        <StageBar id="stage-sft" label="SFT (reference policy)" plannedSteps={config.sft.steps} progress={progress.sft} reused={prepared?.reused} />
        <StageBar id="stage-rm" label="Reward model" plannedSteps={config.rewardModel.steps} progress={progress.reward_model} reused={prepared?.reused} />
        <StageBar
          id="stage-pm"
          label="Preference model"
          plannedSteps={config.preferenceModel.steps}
          progress={progress.preference_model}
          reused={prepared?.reused}
          notNeeded={needsPreferenceModel([config.method.id]) ? undefined : { short: 'only for Nash-MD', why: 'not trained: only Nash-MD uses it' }}
        />
      </div>
      <StageStepper />
      <ShortcutList />
      {notice && <p className="notice">{notice}</p>}
    </section>
  );
}
