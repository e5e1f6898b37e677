/**
 * One saved run in the history panel: its name (editable), what it trained and for how long,
 * and its actions: Compare, Reopen, Export JSON / CSV, Delete.
 */
import { useState } from 'react';
import { deleteRun, exportRun, renameRun, reopenRun, toggleCompare, type SavedRun } from '../state';
import { downloadText } from './downloadText';

function download(id: string, kind: 'json' | 'csv'): void {
  const file = exportRun(id, kind);
  if (file) downloadText(file);
}

function when(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export interface RunRowProps {
  run: SavedRun;
  compared: boolean;
  /** The run the lab is recording now (marked "recording"). */
  live: boolean;
  /** Whether a write to the browser's storage is in flight. */
  saving: boolean;
}

/** A list item named after the run, so tests and screen readers can find it by name. */
export function RunRow({ run, compared, live, saving }: RunRowProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft !== null && draft !== run.name) void renameRun(run.id, draft);
    setDraft(null);
  };
  const iterations = run.iterations.length;
  const last = iterations ? run.iterations[iterations - 1].iteration : 0;
  return (
    <li className="run-row" aria-label={run.name}>
      <div className="run-row-head">
        <label className="run-name">
          <span className="visually-hidden">Run name</span>
          <input
            type="text"
            value={draft ?? run.name}
            maxLength={80}
            onChange={(e) => setDraft(e.target.value)}
            onBlur={commit}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commit();
              if (e.key === 'Escape') setDraft(null);
            }}
          />
        </label>
        <label className="run-compare">
          <input type="checkbox" checked={compared} onChange={() => toggleCompare(run.id)} />
          Compare
        </label>
      </div>
      <p className="run-meta" data-testid="run-meta">
        {run.config.method.id} · {run.config.task.id} · seed {run.config.seed} · {last} / {run.config.iterations} iterations
        {live ? (saving ? ' · recording, saving…' : ' · recording, saved') : ''} · {when(run.createdAt)}
        {run.backend ? ` · ${run.backend}` : ''}
      </p>
      <div className="run-actions">
        <button type="button" onClick={() => reopenRun(run.id)}>
          Reopen
        </button>
        <button type="button" onClick={() => download(run.id, 'json')}>
          Export JSON
        </button>
        <button type="button" onClick={() => download(run.id, 'csv')}>
          Export CSV
        </button>
        <button type="button" onClick={() => void deleteRun(run.id)}>
          Delete
        </button>
      </div>
    </li>
  );
}
