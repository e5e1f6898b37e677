/**
 * The keyboard shortcuts of the run controls: the window listener, and the visible list of
 * them under the run buttons.
 */
import { useEffect } from 'react';
import { reset, stepIteration, stepStage, togglePlay, useLab } from '../state';
import { shortcutFor, SHORTCUTS, type ShortcutAction } from './shortcuts';

function perform(action: ShortcutAction): void {
  switch (action) {
    case 'togglePlay':
      togglePlay();
      break;
    case 'step':
      void stepIteration();
      break;
    case 'stepStage':
      void stepStage();
      break;
    case 'reset':
      // The Reset button is disabled until an experiment is loaded; the key obeys the same rule.
      if (useLab.getState().info !== null) void reset();
      break;
  }
}

/** Listens for the shortcuts on the whole page while mounted. */
export function useKeyboardShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.repeat && event.key !== 'ArrowRight') return;
      const target = event.target instanceof HTMLElement ? event.target : null;
      const action = shortcutFor({
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        targetTag: target?.tagName ?? 'BODY',
        targetEditable: target?.isContentEditable ?? false,
      });
      if (!action) return;
      // Space would otherwise scroll the page.
      event.preventDefault();
      perform(action);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}

/** The visible list of shortcuts. */
export function ShortcutList() {
  return (
    <section className="shortcuts" aria-labelledby="shortcuts-title">
      <h3 id="shortcuts-title" className="shortcuts-title">
        Keyboard shortcuts
      </h3>
      <ul className="shortcut-list">
        {SHORTCUTS.map((s) => (
          <li key={s.action}>
            <kbd>{s.label}</kbd> {s.does}
          </li>
        ))}
      </ul>
    </section>
  );
}
