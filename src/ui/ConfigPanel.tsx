/**
 * The experiment settings. Every committed change goes through `setConfig` (validated by
 * the config schema) and restarts the run; the hints quote the reference defaults.
 */
import { DATA_LIMITS, defaultConfig, methodBeta, TASK_IDS, type Config } from '../core/config';
import { MAX_FILE_CHARS } from '../core/preference_file';
import { tryThisFor } from '../core/method_info';
import { TASKS, taskFor } from '../core/tasks';
import { EXAMPLE_CUSTOM_TASK } from '../core/tasks/custom';
import { importPreferenceFile, setConfig, showError, useLab } from '../state';
import { DraftField, SelectField } from './Field';
import { MethodPanel } from './MethodPanel';
import { readSweep } from './sweepInput';

/** Reference values for the hints, straight from the schema so they cannot drift. */
const DEFAULTS = defaultConfig();

const BUILTIN_TASKS = TASK_IDS.map((id) => ({ value: id as string, label: TASKS[id].title }));

/** Built-in tasks, then the custom task (its title once one is defined: it lives in the config), then your file's when loaded. */
function taskOptions(task: Config['task']): { value: string; label: string }[] {
  return [
    ...BUILTIN_TASKS,
    { value: 'custom', label: task.id === 'custom' ? `Custom: ${task.title}` : 'Custom (define your own)' },
    ...(task.id === 'data' ? [{ value: 'data', label: `Your data: ${task.title}` }] : []),
  ];
}

/** Reads the chosen file into the task; the input is cleared so the same file can be chosen again after fixing it. */
async function onPreferenceFile(input: HTMLInputElement): Promise<void> {
  const file = input.files?.[0];
  input.value = '';
  if (!file) return;
  if (file.size > MAX_FILE_CHARS * 4) {
    showError(`“${file.name}” was not imported: it is ${(file.size / 1e6).toFixed(1)} MB; a preference file holds at most ${DATA_LIMITS.pairs.toLocaleString('en')} rows.`);
    return;
  }
  importPreferenceFile(await file.text(), file.name);
}

/** The custom task as the JSON a user edits (without the `id`, which the picker sets). */
function customText(task: Config['task']): string {
  if (task.id !== 'custom') return '';
  const { id: _id, ...spec } = task;
  return JSON.stringify(spec, null, 1);
}

/** Parses the edited custom task; the schema then checks shapes and probabilities. */
function customFrom(draft: string): boolean {
  let spec: unknown;
  try {
    spec = JSON.parse(draft);
  } catch (error) {
    showError(`Custom task: not valid JSON (${(error as Error).message}).`);
    return false;
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    showError('Custom task: expected a JSON object with "responses" and "reward" or "preference".');
    return false;
  }
  return setConfig({ task: { ...spec, id: 'custom' } as Config['task'] });
}
const POLICY_OPTIONS = [
  { value: 'auto', label: 'Auto' },
  { value: 'tabular', label: 'Tabular' },
  { value: 'transformer', label: 'Transformer' },
] as const;

/** Parses a number field; a non-number is reported in the alert and rejected. */
function numberFrom(label: string, draft: string): number | null {
  const value = draft === '' ? NaN : Number(draft);
  if (Number.isFinite(value)) return value;
  showError(`${label}: “${draft}” is not a number.`);
  return null;
}

function sweepText(sweep: Config['sweep']): string {
  return sweep.kind === 'beta' ? sweep.values.join(', ') : '';
}

/** The left column: task, policy, seed, feedback, the method and its hyperparameters, and the β sweep. */
export function ConfigPanel() {
  const config = useLab((s) => s.config);
  const task = taskFor(config.task);
  const number = (label: string, apply: (value: number) => boolean) => (draft: string) => {
    const value = numberFrom(label, draft);
    return value !== null && apply(value);
  };

  return (
    <form className="config" aria-labelledby="config-title" onSubmit={(e) => e.preventDefault()}>
      <h2 id="config-title" className="panel-title">
        Experiment
      </h2>
      <fieldset className="group">
        <legend>Task</legend>
        <SelectField
          label="Task"
          hint={task.summary}
          value={config.task.id}
          options={taskOptions(config.task)}
          onChange={(id) => {
            const builtin = TASK_IDS.find((t) => t === id);
            if (builtin) setConfig({ task: { id: builtin } });
            else if (id === 'custom' && config.task.id !== 'custom') setConfig({ task: EXAMPLE_CUSTOM_TASK });
          }}
        />
        {config.task.id === 'custom' && (
          <DraftField
            label="Custom task (JSON)"
            rows={9}
            hint='"responses", optional "reference" (sums to 1), and either "reward" (one number per response) or "preference" (n×n, P[i][j] + P[j][i] = 1). Applied when you leave the box or press Ctrl+Enter; it travels in the share link.'
            value={customText(config.task)}
            onCommit={customFrom}
          />
        )}
        <div className="field field-stacked">
          <label htmlFor="preference-file" className="field-label">
            Your preference data
          </label>
          <input id="preference-file" type="file" accept=".csv,.jsonl,.ndjson,text/csv,application/x-ndjson" aria-describedby="preference-file-hint" onChange={(e) => void onPreferenceFile(e.currentTarget)} />
          <p id="preference-file-hint" className="field-hint">
            {`CSV with the header prompt,chosen,rejected[,annotator], or JSON lines with those keys (what “Download comparisons” writes): up to ${DATA_LIMITS.pairs.toLocaleString('en')} rows, ${DATA_LIMITS.prompts} prompts, ${DATA_LIMITS.responses} replies. It becomes the task and travels in the link; it has no gold reward.`}
          </p>
        </div>
        <p className="try-this">
          <strong>Try this:</strong> {tryThisFor(task.tryThis, config.method.id)}
        </p>
        <DraftField
          label="Seed"
          inputMode="numeric"
          hint={`Drives every random draw: same seed and backend give the same numbers. Default ${DEFAULTS.seed}.`}
          value={String(config.seed)}
          onCommit={number('Seed', (seed) => setConfig({ seed }))}
        />
        <DraftField
          label="Iterations"
          inputMode="numeric"
          hint={`Iterations of the method in a run (each runs its stages once: e.g. sample, score, update). Default ${DEFAULTS.iterations}. With a small β, later iterations drift further from π_ref: watch KL.`}
          value={String(config.iterations)}
          onCommit={number('Iterations', (iterations) => setConfig({ iterations }))}
        />
      </fieldset>
      <MethodPanel config={config} />
      <details className="advanced group" data-testid="experiment-advanced">
        <summary>Advanced: policy network and feedback</summary>
        <SelectField
          label="Policy"
          hint="A table of logits per prefix, or a tiny causal transformer; auto picks the table for one-step bandits. Default auto."
          value={config.policy.kind}
          options={POLICY_OPTIONS}
          onChange={(kind) => setConfig({ policy: { ...config.policy, kind } })}
        />
        <fieldset className="group">
          <legend>Feedback</legend>
          <DraftField
            label="Comparisons"
            inputMode="numeric"
            hint={
              config.task.id === 'data'
                ? `Not used: your file’s ${config.task.pairs.length} rows are the comparisons (${Math.round(100 * config.rewardModel.heldOut)}% held out to measure the judges).`
                : `Pairs of π_ref responses labelled by the simulated annotators (${Math.round(100 * config.rewardModel.heldOut)}% held out to measure the judges). Default ${DEFAULTS.feedback.comparisons}. Fewer pairs: watch the judges’ held-out accuracy drop and gold fall behind proxy.`
            }
            value={String(config.feedback.comparisons)}
            onCommit={number('Comparisons', (comparisons) => setConfig({ feedback: { ...config.feedback, comparisons } }))}
          />
          <DraftField
            label="Label noise"
            hint={
              config.task.id === 'data'
                ? 'Not used: your file’s labels are taken as they are.'
                : `Chance a training label is replaced by a coin toss; ${DEFAULTS.feedback.labelNoise} (AlpacaFarm) flips a quarter of them. Watch the reward model’s gold accuracy.`
            }
            value={String(config.feedback.labelNoise)}
            onCommit={number('Label noise', (labelNoise) => setConfig({ feedback: { ...config.feedback, labelNoise } }))}
          />
        </fieldset>
      </details>
      <fieldset className="group">
        <legend>Population</legend>
        <DraftField
          label="β sweep"
          stacked
          placeholder="e.g. 0.01, 0.05, 0.2"
          hint={
            config.sweep.kind === 'seed'
              ? `This link sweeps ${config.sweep.count} seeds; enter 2–16 β values to sweep β instead.`
              : methodBeta(config.method) === null
                ? 'This method has no KL coefficient to sweep.'
                : 'Values of the method’s KL coefficient (β, or τ for Nash-MD) separated by commas, one run each, trained together (2–16); empty trains one run.'
          }
          value={sweepText(config.sweep)}
          validate={(draft) => {
            const read = readSweep(draft, config.method.id === 'nash_md' ? 'τ' : 'β');
            return 'error' in read ? read.error : null;
          }}
          onCommit={(draft) => {
            const read = readSweep(draft);
            return 'sweep' in read && setConfig({ sweep: read.sweep });
          }}
        />
      </fieldset>
    </form>
  );
}
