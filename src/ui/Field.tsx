/**
 * Labelled form controls with a one-line hint. Text and number fields keep a draft while
 * typing and commit on Enter or leaving the field, because every committed change
 * restarts the run: "0.0" on the way to "0.05" must not reload the experiment.
 */
import { useId, useState, type ReactNode } from 'react';

interface FieldShellProps {
  id: string;
  label: string;
  hint: ReactNode;
  /** Label above the control instead of beside it (for wide controls). */
  stacked?: boolean;
  /** What is wrong with the draft, shown at the field. */
  error?: string | null;
  children: ReactNode;
}

function FieldShell({ id, label, hint, stacked, error, children }: FieldShellProps) {
  return (
    <div className={stacked ? 'field field-stacked' : 'field'}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {children}
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      )}
      <p id={`${id}-hint`} className="field-hint">
        {hint}
      </p>
    </div>
  );
}

export interface SelectFieldProps<T extends string> {
  label: string;
  hint: ReactNode;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  disabled?: boolean;
}

/** A labelled select; commits on change (one pick, one restart). */
export function SelectField<T extends string>({ label, hint, value, options, onChange, disabled }: SelectFieldProps<T>) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} hint={hint} stacked>
      <select
        id={id}
        className="field-input"
        aria-describedby={`${id}-hint`}
        value={value}
        disabled={disabled}
        onChange={(e) => {
          const picked = options.find((o) => o.value === e.target.value);
          if (picked) onChange(picked.value);
        }}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export interface DraftFieldProps {
  label: string;
  hint: ReactNode;
  /** The committed value as text. */
  value: string;
  /** Applies the draft; returns false when it was rejected, which restores `value`. */
  onCommit: (draft: string) => boolean;
  /**
   * Checks the draft first: a message is shown at the field (in plain words), the draft is
   * kept for the user to fix, and nothing is committed.
   */
  validate?: (draft: string) => string | null;
  inputMode?: 'decimal' | 'numeric' | 'text';
  placeholder?: string;
  disabled?: boolean;
  /** Label above a full-width input (for lists of values). */
  stacked?: boolean;
  /**
   * A textarea (e.g. JSON) of this many rows: commits on leaving it or Ctrl+Enter, and a
   * rejected draft stays for the user to fix instead of being thrown away.
   */
  rows?: number;
}

/** A labelled text input that commits its draft on Enter or blur, and only if it changed. */
export function DraftField({ label, hint, value, onCommit, validate, inputMode = 'decimal', placeholder, disabled, stacked, rows }: DraftFieldProps) {
  const id = useId();
  const [draft, setDraft] = useState(value);
  const [error, setError] = useState<string | null>(null);
  // Follow outside changes (a pasted link, a rejected draft) without an effect: the
  // "adjust state while rendering" pattern from the React docs.
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    setDraft(value);
    setError(null);
  }
  const commit = () => {
    if (draft.trim() === value) {
      setError(null);
      return;
    }
    const problem = validate?.(draft.trim()) ?? null;
    setError(problem);
    if (problem) return;
    if (!onCommit(draft.trim()) && !rows) setDraft(value);
  };
  const described = error ? `${id}-error ${id}-hint` : `${id}-hint`;
  if (rows) {
    return (
      <FieldShell id={id} label={label} hint={hint} error={error} stacked>
        <textarea
          id={id}
          className="field-input field-textarea"
          rows={rows}
          spellCheck={false}
          aria-describedby={described}
          aria-invalid={error ? true : undefined}
          value={draft}
          disabled={disabled}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) commit();
            if (e.key === 'Escape') setDraft(value);
          }}
        />
      </FieldShell>
    );
  }
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} stacked={stacked}>
      <input
        id={id}
        className="field-input"
        type="text"
        inputMode={inputMode}
        autoComplete="off"
        spellCheck={false}
        aria-describedby={described}
        aria-invalid={error ? true : undefined}
        value={draft}
        placeholder={placeholder}
        disabled={disabled}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') {
            setDraft(value);
            setError(null);
          }
        }}
      />
    </FieldShell>
  );
}
