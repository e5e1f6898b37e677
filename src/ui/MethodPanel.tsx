/**
 * The method picker and its hyperparameters. Fields come from the config schema
 * (`methodFields`), so every method's controls, hints and reference defaults stay in step
 * with what the engine accepts.
 */
import { methodBeta, type Config, type MethodId } from '../core/config';
import { METHOD_INFO, availableMethods, methodNote } from '../core/method_info';
import { methodDefaults, methodFields, type MethodField } from '../core/method_fields';
import { setConfig, showError } from '../state';
import { DraftField, SelectField } from './Field';

/** Readable labels; the e2e tests and screen readers find controls by them. */
const LABELS: Record<string, string> = {
  beta: 'β (KL coefficient)',
  lr: 'Learning rate',
  batchSize: 'Batch size',
  klEstimator: 'KL estimator',
  adaptiveKl: 'Adaptive KL',
  gamma: 'γ (discount)',
  lambda: 'λ (GAE)',
  clipRange: 'ε (ratio clip)',
  clipRangeValue: 'ε_v (value clip)',
  vfCoef: 'c_v (value loss weight)',
  epochs: 'Epochs',
  minibatches: 'Minibatches',
  annealLr: 'Anneal learning rate',
  whitenAdvantages: 'Whiten advantages',
  loss: 'Loss',
  steps: 'Steps per iteration',
  judge: 'Judge',
  alpha: 'α (exploration)',
  tau: 'τ (KL regularisation)',
  mixture: 'β (mixture with π_ref)',
  update: 'Update',
  eta: 'η (step size)',
  n: 'n (candidates)',
  k: 'k (responses per prompt)',
  variant: 'Variant',
  clip: 'Clip',
  margin: 'γ (target margin)',
  desirableWeight: 'λ_D (desirable weight)',
  undesirableWeight: 'λ_U (undesirable weight)',
  fcmMaxRatio: 'r_max (forgetful causal masking)',
};

const ENUM_LABELS: Record<string, string> = {
  k1: 'k1 = −log r',
  k3: 'k3 = (r − 1) − log r',
  exact: 'exact',
  sigmoid: 'DPO (sigmoid)',
  ipo: 'IPO (squared)',
  reward_model: 'reward model',
  pool: 'annotator pool',
  auto: 'auto',
  mirror_prox: 'mirror prox (Nash-MP)',
  pg: 'policy gradient',
  grpo: 'GRPO: (R − mean)/std',
  dr_grpo: 'Dr. GRPO: R − mean',
  joint: 'joint: the pair’s ratio (V2)',
  separate: 'separate: each response’s ratio (V1)',
};

type Method = Config['method'];

function defaultText(field: MethodField): string {
  if (field.kind === 'toggle') return field.defaultValue ? 'on' : 'off';
  return field.defaultValue === null ? 'none' : String(field.defaultValue);
}

/** One control for one field of the method. */
function FieldControl({ field, method }: { field: MethodField; method: Method }) {
  const label = LABELS[field.key] ?? field.key;
  const values = method as Record<string, unknown>;
  const current = values[field.key];
  const hint = `${field.hint} Default ${defaultText(field)}.`;
  const apply = (value: unknown) => setConfig({ method: { ...method, [field.key]: value } as Method });
  switch (field.kind) {
    case 'number':
      return (
        <DraftField
          label={label}
          inputMode={field.integer ? 'numeric' : 'decimal'}
          hint={hint}
          placeholder={field.nullable ? 'none' : undefined}
          value={current === null ? '' : String(current)}
          onCommit={(draft) => {
            if (draft === '' && field.nullable) return apply(null);
            const value = draft === '' ? NaN : Number(draft);
            if (!Number.isFinite(value)) {
              showError(`${label}: “${draft}” is not a number.`);
              return false;
            }
            return apply(value);
          }}
        />
      );
    case 'enum':
      return (
        <SelectField
          label={label}
          hint={hint}
          value={String(current)}
          options={field.options.map((value) => ({ value, label: ENUM_LABELS[value] ?? value }))}
          onChange={apply}
        />
      );
    case 'boolean':
      return (
        <SelectField
          label={label}
          hint={hint}
          value={current ? 'on' : 'off'}
          options={[
            { value: 'on', label: 'on' },
            { value: 'off', label: 'off' },
          ]}
          onChange={(value) => apply(value === 'on')}
        />
      );
    case 'toggle':
      return (
        <SelectField
          label={label}
          hint={hint}
          value={current === null ? 'off' : 'on'}
          options={[
            { value: 'off', label: 'off' },
            { value: 'on', label: 'on (defaults)' },
          ]}
          onChange={(value) => apply(value === 'on' ? (current ?? field.onValue) : null)}
        />
      );
  }
}

/**
 * The settings a first run needs: the KL coefficient (β, or τ for Nash-MD), best-of-n's n, and
 * the choices that change what a method is (DPO or IPO; Nash-MD's update). Learning rates, batch
 * sizes, clipping, GAE and the rest wait behind "Advanced".
 */
const BASIC_KEYS: ReadonlySet<string> = new Set(['beta', 'tau', 'n', 'k', 'variant', 'clip', 'margin', 'loss', 'update', 'judge']);

/** The method fieldset: picker, one-sentence summary, the basic fields, then the advanced ones folded away. */
export function MethodPanel({ config }: { config: Config }) {
  const { method } = config;
  const ids = availableMethods();
  const info = METHOD_INFO[method.id];
  const fields = methodFields(method.id);
  const basic = fields.filter((f) => BASIC_KEYS.has(f.key));
  const advanced = fields.filter((f) => !BASIC_KEYS.has(f.key));
  return (
    <fieldset className="group">
      <legend>Method</legend>
      <SelectField
        label="Method"
        hint={info.summary}
        value={method.id}
        options={ids.map((id) => ({ value: id, label: METHOD_INFO[id].title }))}
        onChange={(id: MethodId) => {
          const next = methodDefaults(id);
          // A β sweep cannot follow a method without β: fall back to a single run.
          const sweep = config.sweep.kind === 'beta' && methodBeta(next) === null ? { sweep: { kind: 'none' as const } } : {};
          setConfig({ method: next, ...sweep });
        }}
      />
      {methodNote(config) && (
        <p className="try-this" data-testid="method-note">
          {methodNote(config)}
        </p>
      )}
      {basic.map((field) => (
        <FieldControl key={`${method.id}-${field.key}`} field={field} method={method} />
      ))}
      {advanced.length > 0 && (
        <details className="advanced" data-testid="method-advanced">
          <summary>
            Advanced: {advanced.length} more {info.title} setting{advanced.length === 1 ? '' : 's'}
          </summary>
          {advanced.map((field) => (
            <FieldControl key={`${method.id}-${field.key}`} field={field} method={method} />
          ))}
        </details>
      )}
    </fieldset>
  );
}
