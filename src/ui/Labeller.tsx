/**
 * You as the annotator: the lab offers comparisons of two replies (drawn as π_ref's
 * demonstrations are), you say which is better (← / → / ↓ to skip, or the buttons), and see how
 * often you agree with the hidden gold preference and with each simulated annotator. Then the
 * judges and the offline methods can learn from your labels, alone or with the pool's; the
 * labels go into the run's config, so its link carries them.
 */
import type { KeyboardEvent } from 'react';
import { taskFor } from '../core/tasks';
import { decodeResponse } from '../core/tasks/task';
import { labelsOf } from '../core/your_labels';
import { answer, applyYourLabels, clearYourLabels, currentOffer, skip, useLab, useLabeller, yourAgreement } from '../state';

const percent = (x: number) => `${Math.round(100 * x)}%`;

export function Labeller() {
  const config = useLab((s) => s.config);
  const pending = useLabeller((s) => s.pending);
  useLabeller((s) => s.next); // re-render when the offer moves on
  const task = taskFor(config.task);
  const inRun = labelsOf(config);
  const offer = currentOffer();
  const V = task.vocab.length;
  const reply = (index: number) => task.render(decodeResponse(index, V, task.T));
  const total = inRun.length + pending.length;
  const agree = total > 0 ? yourAgreement() : null;
  const use = config.feedback.yours?.use;
  if (task.data) {
    return (
      <section className="labeller" aria-labelledby="labeller-title" data-testid="labeller">
        <h2 id="labeller-title" className="panel-title">
          You as the annotator
        </h2>
        <p className="muted">This task is your own preference file: its labels are the file’s, and there is no gold preference or simulated annotator to compare yours with.</p>
      </section>
    );
  }

  // The arrows label while focus is in this panel; they do not reach the page's shortcuts (→ steps).
  function onKeyDown(e: KeyboardEvent) {
    const act = { ArrowLeft: () => answer(true), ArrowRight: () => answer(false), ArrowDown: () => skip() }[e.key];
    if (!act || e.ctrlKey || e.metaKey || e.altKey) return;
    e.preventDefault();
    e.stopPropagation();
    act();
  }

  return (
    <section className="labeller" aria-labelledby="labeller-title" data-testid="labeller" onKeyDown={onKeyDown}>
      <h2 id="labeller-title" className="panel-title">
        You as the annotator
      </h2>
      <p className="muted">
        Which reply is better? ← left, → right, ↓ skip (with focus in this panel). Your labels train the reward model and the offline methods once you put them in the run; the link then carries
        them.
      </p>
      <p className="labeller-prompt" data-testid="labeller-prompt">
        {task.prompts[offer.x]}
      </p>
      <div className="labeller-pair">
        <button type="button" className="labeller-reply" onClick={() => answer(true)} aria-keyshortcuts="ArrowLeft" aria-label={`Left is better: ${reply(offer.first)}`}>
          <span className="labeller-side">← Left</span>
          {reply(offer.first)}
        </button>
        <button type="button" className="labeller-reply" onClick={() => answer(false)} aria-keyshortcuts="ArrowRight" aria-label={`Right is better: ${reply(offer.second)}`}>
          <span className="labeller-side">Right →</span>
          {reply(offer.second)}
        </button>
      </div>
      <div className="labeller-actions">
        <button type="button" onClick={skip} aria-keyshortcuts="ArrowDown">
          Skip ↓
        </button>
        <span data-testid="labeller-count">
          {`${total} label${total === 1 ? '' : 's'}`}
          {inRun.length > 0 && ` (${inRun.length} in the run${use ? `, ${use === 'alone' ? 'used alone' : 'mixed with the pool’s'}` : ''})`}
          {pending.length > 0 && `, ${pending.length} not yet used`}
        </span>
      </div>
      {agree && (
        <p data-testid="labeller-agreement">
          {`You agree with the hidden gold preference on ${percent(agree.gold)} of your labels. The simulated annotators would agree with you on: `}
          {agree.annotators.map((a) => `${a.name} ${percent(a.agreement)}`).join(', ')}.
        </p>
      )}
      <div className="labeller-actions">
        <button type="button" className="primary" disabled={total === 0} onClick={() => applyYourLabels('alone')}>
          Train on my labels alone
        </button>
        <button type="button" disabled={total === 0} onClick={() => applyYourLabels('mixed')}>
          Train on mine and the pool’s
        </button>
        <button type="button" disabled={total === 0} onClick={clearYourLabels}>
          Forget my labels
        </button>
      </div>
    </section>
  );
}
