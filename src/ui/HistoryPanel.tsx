/**
 * Saved runs: every run the lab trained in this browser (kept in IndexedDB, so a reload keeps
 * every finished iteration), plus runs imported from JSON files. Deleting can be undone.
 */
import { useEffect, type ChangeEvent } from 'react';
import { importRunText, showError, startRunHistory, undoDelete, useRuns } from '../state';
import { RunRow } from './RunRow';
import './history.css';

/** Larger files are refused before reading: a run of 10,000 iterations is a few MB. */
const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

async function onImport(event: ChangeEvent<HTMLInputElement>): Promise<void> {
  const input = event.currentTarget;
  const file = input.files?.[0];
  // Cleared at once, so choosing the same file again fires another change.
  input.value = '';
  if (!file) return;
  if (file.size > MAX_IMPORT_BYTES) {
    showError(`“${file.name.slice(0, 80)}” was not imported: it is larger than 20 MB.`);
    return;
  }
  let text: string;
  try {
    text = await file.text();
  } catch {
    showError(`“${file.name.slice(0, 80)}” could not be read.`);
    return;
  }
  await importRunText(text, file.name);
}

/** The history panel. Starting it also starts recording the lab's runs. */
export function HistoryPanel() {
  const runs = useRuns((s) => s.runs);
  const loaded = useRuns((s) => s.loaded);
  const compared = useRuns((s) => s.compared);
  const message = useRuns((s) => s.message);
  const canUndo = useRuns((s) => s.lastDeleted !== null);
  const recording = useRuns((s) => s.recording);
  const saving = useRuns((s) => s.saving);

  useEffect(() => {
    // Idempotent and page-long, like the engine: StrictMode's second effect run is a no-op.
    void startRunHistory();
  }, []);

  return (
    <section className="panel history" aria-labelledby="history-title">
      <div className="history-head">
        <h2 id="history-title" className="panel-title">
          Saved runs
        </h2>
        <label className="file-button">
          Import run (JSON)
          <input type="file" accept=".json,application/json" className="visually-hidden" onChange={(e) => void onImport(e)} />
        </label>
      </div>
      <p className="history-status" role="status">
        {message}
        {canUndo && (
          <button type="button" className="link-button" onClick={() => void undoDelete()}>
            Undo
          </button>
        )}
      </p>
      {!loaded ? (
        <p className="muted">Reading saved runs…</p>
      ) : runs.length === 0 ? (
        <p className="muted">No runs yet: each run is saved here from its first iteration.</p>
      ) : (
        <ul className="run-list">
          {runs.map((run) => (
            <RunRow key={run.id} run={run} compared={compared.includes(run.id)} live={run.id === recording} saving={saving} />
          ))}
        </ul>
      )}
    </section>
  );
}
