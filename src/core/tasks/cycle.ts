/**
 * An intransitive preference: in the first prompt rock ≻ scissors ≻ paper ≻ rock, with
 * different strengths, so no reward (and no Bradley–Terry fit) can represent it and the
 * best policy is a mixture — the Nash equilibrium of the preference game. The second
 * prompt is transitive, as a control.
 */
import type { Rng } from '../rng';
import type { Annotator, GoldTask } from './task';

const REPLIES = ['rock', 'paper', 'scissors', 'shrug'] as const;
const PROMPTS = ['“Play me: rock, paper or scissors?”', '“Which tool for cutting paper?”'] as const;

/** P(row ≻ column | x); each matrix satisfies P + Pᵀ = 1 with ½ on the diagonal. */
const PREFERENCE: readonly (readonly (readonly number[])[])[] = [
  [
    [0.5, 0.4, 0.9, 0.8],
    [0.6, 0.5, 0.3, 0.8],
    [0.1, 0.7, 0.5, 0.8],
    [0.2, 0.2, 0.2, 0.5],
  ],
  [
    [0.5, 0.4, 0.1, 0.6],
    [0.6, 0.5, 0.2, 0.7],
    [0.9, 0.8, 0.5, 0.9],
    [0.4, 0.3, 0.1, 0.5],
  ],
];

const goldPreference = (x: number, a: readonly number[], b: readonly number[]): number => PREFERENCE[x][a[0]][b[0]];
/** Borda score: mean win rate against a uniformly drawn reply. */
const gold = (x: number, y: readonly number[]): number =>
  PREFERENCE[x][y[0]].reduce((s, p) => s + p, 0) / REPLIES.length;

const DEMO = [
  [0.3, 0.3, 0.3, 0.1],
  [0.3, 0.3, 0.3, 0.1],
];

const annotators: Annotator[] = [
  { name: 'referee', bias: 'follows the true preference', utility: gold, preference: goldPreference, positionBias: 0, temperature: 1 },
  {
    name: 'rock fan',
    bias: 'leans toward rock',
    utility: gold,
    preference: (x, a, b) => Math.min(0.98, Math.max(0.02, goldPreference(x, a, b) + 0.1 * ((a[0] === 0 ? 1 : 0) - (b[0] === 0 ? 1 : 0)))),
    positionBias: 0,
    temperature: 1,
  },
  { name: 'hasty', bias: 'prefers whichever reply it reads first', utility: gold, preference: goldPreference, positionBias: 0.4, temperature: 1 },
];

export const cycle: GoldTask = {
  id: 'cycle',
  title: 'Rock, paper, scissors (intransitive)',
  summary:
    'In the first prompt the preference goes round in a circle: rock beats scissors, scissors beat paper, paper beats rock. No reward can express that, so a reward model picks a winner that some reply beats, while the Nash equilibrium is a mixture that nothing beats.',
  tryThis: 'Compare the worst-case win rate of the trained policy with the Nash mixture’s (≥ 0.5).',
  vocab: REPLIES,
  T: 1,
  prompts: PROMPTS,
  promptProbs: [0.5, 0.5],
  demonstrate: (x: number, rng: Rng) => [rng.categorical(DEMO[x])],
  gold,
  goldPreference,
  annotators,
  render: (y) => REPLIES[y[0]],
};
