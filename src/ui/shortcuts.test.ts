import { describe, expect, it } from 'vitest';
import { shortcutFor, type KeyPress } from './shortcuts';

const press = (key: string, over: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  targetTag: 'BODY',
  targetEditable: false,
  ...over,
});

describe('keyboard shortcuts', () => {
  it.each([
    [' ', 'togglePlay'],
    ['ArrowRight', 'step'],
    ['s', 'stepStage'],
    ['S', 'stepStage'],
    ['r', 'reset'],
    ['x', null],
    ['ArrowLeft', null],
  ] as const)('%j on the page → %s', (key, action) => {
    expect(shortcutFor(press(key))).toBe(action);
  });

  it.each(['INPUT', 'TEXTAREA', 'SELECT'])('does nothing while typing in a %s', (targetTag) => {
    for (const key of [' ', 'ArrowRight', 's', 'r']) expect(shortcutFor(press(key, { targetTag }))).toBeNull();
  });

  it('does nothing in an editable element or with a modifier (Ctrl+R must still reload)', () => {
    expect(shortcutFor(press('r', { targetTag: 'DIV', targetEditable: true }))).toBeNull();
    expect(shortcutFor(press('r', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(press('ArrowRight', { altKey: true }))).toBeNull();
    expect(shortcutFor(press('s', { metaKey: true }))).toBeNull();
  });

  it('leaves Space to a focused button or link, but → and R still work there', () => {
    expect(shortcutFor(press(' ', { targetTag: 'BUTTON' }))).toBeNull();
    expect(shortcutFor(press(' ', { targetTag: 'A' }))).toBeNull();
    expect(shortcutFor(press('ArrowRight', { targetTag: 'BUTTON' }))).toBe('step');
    expect(shortcutFor(press('r', { targetTag: 'BUTTON' }))).toBe('reset');
  });
});
