/**
 * A task built from your preference file: one step (T = 1), the file's distinct replies as the
 * vocabulary, its distinct prompts drawn as often as the file asks them, and a demonstrator
 * that writes the replies the file shows for each prompt, as often as it shows them — so π_ref
 * is the file's own reply distribution. The labels are the file's rows; there is no gold
 * reward and no simulated annotator to ask.
 */
import type { DataTaskConfig } from '../config';
import type { Rng } from '../rng';
import type { Annotator, Task } from './task';

/** A name for who labelled rows; never asked to label anything (it has no utility to ask). */
function named(name: string): Annotator {
  return {
    name,
    bias: 'a labeller of your file',
    utility: () => {
      throw new Error('A task from your data has no simulated annotators: its labels are the file’s.');
    },
    positionBias: 0,
    temperature: 1,
  };
}

export function dataTask(spec: DataTaskConfig): Task {
  const V = spec.responses.length;
  const seen = spec.prompts.map(() => new Array<number>(V).fill(0));
  const asked = spec.prompts.map(() => 0);
  for (const [x, w, l] of spec.pairs) {
    seen[x][w] += 1;
    seen[x][l] += 1;
    asked[x] += 1;
  }
  // A prompt with no rows is never drawn; its demonstrator writes uniformly (it is never asked).
  const demo = seen.map((counts) => {
    const total = counts.reduce((a, b) => a + b, 0);
    return total > 0 ? counts.map((c) => c / total) : counts.map(() => 1 / V);
  });
  const rows = asked.reduce((a, b) => a + b, 0);
  return {
    id: 'data',
    title: spec.title,
    summary: 'Your preference file: its prompts, its replies and its labels. There is no hidden gold reward here, so the lab shows what can be known — the reward model’s score, the KL to π_ref and agreement with your labels — and says what cannot.',
    tryThis: 'Compare DPO, trained on your rows directly, with PPO or RLOO, trained on a reward model fitted to them: how far does each move from π_ref, and does its reward model agree with the held-out rows?',
    vocab: spec.responses,
    T: 1,
    prompts: spec.prompts,
    promptProbs: asked.map((n) => n / rows),
    demonstrate: (x: number, rng: Rng) => [rng.categorical(demo[x])],
    annotators: spec.annotators.map(named),
    data: { pairs: spec.pairs },
    render: (y) => spec.responses[y[0]],
  };
}
