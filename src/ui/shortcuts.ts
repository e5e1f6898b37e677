/**
 * Keyboard shortcuts of the run controls: which key does what, and when a key press is
 * left alone (typing in a field, a modifier held, or Space/Enter on a focused button or
 * link, which keyboard users need to activate it).
 */

export type ShortcutAction = 'togglePlay' | 'step' | 'stepStage' | 'reset';

/** The shortcuts, in the order the page lists them. `keys` are `KeyboardEvent.key` values. */
export const SHORTCUTS: readonly { keys: readonly string[]; label: string; action: ShortcutAction; does: string }[] = [
  { keys: [' '], label: 'Space', action: 'togglePlay', does: 'Play / pause' },
  { keys: ['ArrowRight'], label: '→', action: 'step', does: 'Step one iteration' },
  { keys: ['s', 'S'], label: 'S', action: 'stepStage', does: 'Next stage' },
  { keys: ['r', 'R'], label: 'R', action: 'reset', does: 'Reset the run' },
];

/** The parts of a keydown event the mapping looks at (a plain object in tests). */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The focused element's tag name, upper case as the DOM gives it, and whether it is editable. */
  targetTag: string;
  targetEditable: boolean;
}

const TYPING = new Set(['INPUT', 'TEXTAREA', 'SELECT']);
const ACTIVATES = new Set(['BUTTON', 'A', 'SUMMARY']);

/** The action a key press asks for, or null when the page should do nothing with it. */
export function shortcutFor(press: KeyPress): ShortcutAction | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  if (TYPING.has(press.targetTag) || press.targetEditable) return null;
  if ((press.key === ' ' || press.key === 'Enter') && ACTIVATES.has(press.targetTag)) return null;
  return SHORTCUTS.find((s) => s.keys.includes(press.key))?.action ?? null;
}
