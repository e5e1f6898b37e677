/** You as the annotator, in the store: answers accumulate here, go into the run's config on request, and can be forgotten. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { offeredPair } from '../core/your_labels';
import { taskFor } from '../core/tasks';
import { disposeLab, initLab } from './actions';
import { FakeEngine } from './fake_engine';
import { allLabels, answer, applyYourLabels, clearYourLabels, currentOffer, skip, useLabeller, yourAgreement } from './labeller';
import { initialLabState, useLab } from './labStore';

beforeEach(async () => {
  useLab.setState(initialLabState(), true);
  useLabeller.setState({ pending: [], next: null });
  await initLab(() => new FakeEngine());
});

afterEach(() => disposeLab());

describe('the labeller', () => {
  it('records answers to the offered comparisons in order, skips without a label, and applies them to the run', () => {
    const task = taskFor(useLab.getState().config.task);
    const seed = useLab.getState().config.seed;
    expect(currentOffer()).toEqual(offeredPair(task, seed, 0));
    answer(true);
    skip();
    answer(false);
    const [o0, o2] = [offeredPair(task, seed, 0), offeredPair(task, seed, 2)];
    expect(allLabels()).toEqual([
      [o0.x, o0.first, o0.second, 1],
      [o2.x, o2.first, o2.second, 0],
    ]);
    expect(yourAgreement()?.labels).toBe(2);

    expect(applyYourLabels('alone')).toBe(true);
    expect(useLab.getState().config.feedback.yours).toEqual({ labels: allLabels(), use: 'alone' });
    expect(useLabeller.getState().pending).toEqual([]);
    // The next offer is the one after the last answered or skipped, never one already labelled.
    expect(currentOffer()).toEqual(offeredPair(task, seed, 3));
    answer(true);
    expect(allLabels()).toHaveLength(3);

    clearYourLabels();
    expect(useLab.getState().config.feedback.yours).toBeNull();
    expect(allLabels()).toEqual([]);
    expect(applyYourLabels('mixed')).toBe(false);
    expect(currentOffer()).toEqual(offeredPair(task, seed, 0));
  });
});
