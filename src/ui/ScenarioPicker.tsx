/**
 * Guided scenarios: pick a preset and the lab loads its config through the ordinary
 * `setConfig` path (so the address bar becomes its share link), then says what it teaches,
 * what to watch, and where to read more.
 */
import { useId, useState } from 'react';
import { SCENARIOS, scenarioById, scenarioMatching } from '../core/scenarios';
import { shareUrl } from '../core/share';
import { setConfig, useLab } from '../state';

const NONE = '';

/** The scenario picker and the chosen scenario's explanation. */
export function ScenarioPicker() {
  const config = useLab((s) => s.config);
  const selectId = useId();
  // Opening a scenario's share link counts as choosing it.
  const [chosenId, setChosenId] = useState<string>(() => scenarioMatching(useLab.getState().config)?.id ?? NONE);
  const chosen = scenarioById(chosenId);
  const modified = chosen !== undefined && scenarioMatching(config)?.id !== chosen.id;

  const load = (id: string) => {
    setChosenId(id);
    const scenario = scenarioById(id);
    if (scenario) setConfig(scenario.config);
  };

  return (
    <section className="scenarios" aria-labelledby="scenarios-title">
      <h2 id="scenarios-title" className="panel-title">
        Guided scenarios
      </h2>
      <div className="field field-stacked">
        <label htmlFor={selectId} className="field-label">
          Scenario
        </label>
        <select id={selectId} className="field-input" value={chosenId} onChange={(e) => load(e.target.value)} aria-describedby={`${selectId}-hint`}>
          <option value={NONE}>Choose a scenario…</option>
          {SCENARIOS.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title}
            </option>
          ))}
        </select>
        <p id={`${selectId}-hint`} className="field-hint">
          Each preset teaches one idea; picking one replaces the settings below and restarts the run.
        </p>
      </div>
      {chosen && (
        <div className="scenario" data-testid="scenario-explanation">
          <p>
            {chosen.explanation[0]} {chosen.explanation[1]}
          </p>
          <p>
            <strong>Watch:</strong> {chosen.watch}
          </p>
          <p className="scenario-links">
            <a href={chosen.reference.url} target="_blank" rel="noreferrer">
              Read: {chosen.reference.label}
            </a>
            <a href={shareUrl('', chosen.config)}>Link to this scenario</a>
          </p>
          {modified && (
            <p className="scenario-modified">
              You have changed settings since loading it.{' '}
              <button type="button" className="link-button" onClick={() => load(chosen.id)}>
                Restore the scenario
              </button>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
