/**
 * Which tfjs backend trains the models, and a select to override the automatic choice.
 * A visible notice says what Auto chose and why (a software GPU skipped, a measurement), or
 * why a backend chosen in the menu could not start.
 */
import { useId } from 'react';
import { setBackend, useLab, type BackendChoice, type BackendInfo } from '../state';

const CHOICES: readonly { value: BackendChoice; label: string }[] = [
  { value: 'auto', label: 'Auto' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'webgl', label: 'WebGL' },
  { value: 'wasm', label: 'WASM' },
  { value: 'cpu', label: 'CPU' },
];

const NAMES: Record<BackendInfo['name'], string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/** The header badge (role="status") and the Backend select. */
export function BackendBadge() {
  const backend = useLab((s) => s.backend);
  const choice = useLab((s) => s.backendChoice);
  const selectId = useId();
  return (
    <div className="backend">
      <div role="status" className={`badge${backend ? '' : ' badge-pending'}`} data-testid="backend-badge" title={backend?.why ?? 'Backend that trains the models'}>
        {backend ? backend.label : 'Starting backend…'}
      </div>
      <div className="backend-select">
        <label htmlFor={selectId}>Backend</label>
        <select
          id={selectId}
          value={choice}
          onChange={(e) => {
            const picked = CHOICES.find((c) => c.value === e.target.value);
            if (picked) void setBackend(picked.value);
          }}
        >
          {CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

/** Shown above the run when backends were skipped: what runs, and why. Plain text only. */
export function BackendFallbackNotice() {
  const backend = useLab((s) => s.backend);
  if (!backend || backend.fallbackReasons.length === 0) return null;
  if (backend.requested === 'auto') {
    return (
      <div className="fallback-notice" data-testid="backend-fallback">
        <strong>{backend.why ?? `Auto: ${NAMES[backend.name]}.`}</strong> {backend.fallbackReasons.map((reason) => `${reason.replace(/\.$/, '')}.`).join(' ')}
      </div>
    );
  }
  const wanted = NAMES[backend.requested];
  return (
    <div className="fallback-notice" data-testid="backend-fallback">
      <strong>
        Training runs on {NAMES[backend.name]} instead of {wanted}.
      </strong>{' '}
      {backend.fallbackReasons.map((reason) => `${reason.replace(/\.$/, '')}.`).join(' ')}
    </div>
  );
}
