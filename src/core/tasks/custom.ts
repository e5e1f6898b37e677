/**
 * A task the user defines in the config (so it travels in share links): one prompt, a
 * list of responses, an optional reference distribution, and either a reward per
 * response or a pairwise preference matrix P[i][j] = P(response i ≻ response j).
 */
import type { Rng } from '../rng';
import type { Annotator, GoldTask } from './task';

export interface CustomTaskSpec {
  title: string;
  prompt: string;
  responses: string[];
  reference?: number[];
  reward?: number[];
  preference?: number[][];
}

export function customTask(spec: CustomTaskSpec): GoldTask {
  const n = spec.responses.length;
  const reference = spec.reference ?? spec.responses.map(() => 1 / n);
  const preference = spec.preference;
  const goldPreference = preference ? (_x: number, a: readonly number[], b: readonly number[]) => preference[a[0]][b[0]] : undefined;
  const gold = preference
    ? (_x: number, y: readonly number[]) => preference[y[0]].reduce((s, p) => s + p, 0) / n
    : (_x: number, y: readonly number[]) => spec.reward![y[0]];
  const judge: Pick<Annotator, 'utility' | 'preference'> = { utility: gold, preference: goldPreference };
  const annotators: Annotator[] = [
    { name: 'faithful', bias: 'follows your reward or preference', ...judge, positionBias: 0, temperature: preference ? 1 : 0.5 },
    { name: 'hasty', bias: 'prefers whichever reply it reads first', ...judge, positionBias: 0.5, temperature: preference ? 1 : 0.7 },
  ];
  return {
    id: 'custom',
    title: spec.title,
    summary: preference
      ? 'Your task, judged by your preference matrix: if it is intransitive, compare the reward-model policy with the Nash mixture.'
      : 'Your task, judged by your reward per response: the exact optimum and KL–reward frontier come from your numbers.',
    tryThis: 'Change one reward or preference and share the link: the task travels with it.',
    vocab: spec.responses,
    T: 1,
    prompts: [spec.prompt],
    promptProbs: [1],
    demonstrate: (_x: number, rng: Rng) => [rng.categorical(reference)],
    gold,
    goldPreference,
    annotators,
    render: (y) => spec.responses[y[0]],
  };
}

/** The task the UI starts from when a user picks "Custom": a reward per response to edit. */
export const EXAMPLE_CUSTOM_TASK = {
  id: 'custom',
  title: 'Pick a tagline',
  prompt: 'Write a tagline for a bakery.',
  responses: ['Fresh every morning.', 'Bread.', 'The best bread in the whole wide world, guaranteed!!!', 'Baked with care since 1950.'],
  reference: [0.4, 0.3, 0.2, 0.1],
  reward: [1, -1, 0, 2],
} as const satisfies CustomTaskSpec & { id: 'custom' };
