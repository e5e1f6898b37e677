/**
 * A one-step bandit: three customer messages, six canned replies. Small enough that
 * the tabular policy, the exact optimum π* ∝ π_ref·exp(r/β) and the whole KL–reward
 * frontier can be computed and drawn exactly.
 */
import type { Rng } from '../rng';
import type { Annotator, GoldTask } from './task';

const REPLIES = [
  'Hi.',
  'Happy to help! What do you need?',
  'Thank you for reaching out. I completely understand, and I will look into every detail of this for you right away.',
  'What do you want?',
  'Wow!!! Amazing!!!',
  'The weather is nice today.',
] as const;

const PROMPTS = ['“Hello, anyone there?”', '“My order arrived broken.”', '“Thanks, that fixed it!”'] as const;

/** Gold reward per prompt × reply (rows: prompts, columns: REPLIES). */
const GOLD: readonly (readonly number[])[] = [
  [0.3, 1.0, 0.4, -1.0, -0.2, -0.6],
  [-0.4, 0.5, 1.0, -1.5, -0.8, -1.0],
  [0.4, 0.6, 0.0, -0.8, 0.7, -0.4],
];

/** What the demonstrator writes, per prompt: decent but noisy. */
const DEMO: readonly (readonly number[])[] = [
  [0.3, 0.3, 0.1, 0.05, 0.1, 0.15],
  [0.25, 0.3, 0.15, 0.05, 0.1, 0.15],
  [0.3, 0.25, 0.1, 0.05, 0.15, 0.15],
];

const length = (y: readonly number[]): number => REPLIES[y[0]].length / 100;
const exclaims = (y: readonly number[]): number => (REPLIES[y[0]].match(/!/g) ?? []).length;
const gold = (x: number, y: readonly number[]): number => GOLD[x][y[0]];

const annotators: Annotator[] = [
  { name: 'careful', bias: 'judges by the gold reward alone', utility: gold, positionBias: 0, temperature: 0.5 },
  {
    name: 'long-winded',
    bias: 'likes long replies',
    utility: (x, y) => gold(x, y) + 0.8 * length(y),
    positionBias: 0,
    temperature: 0.5,
  },
  {
    name: 'excitable',
    bias: 'likes exclamation marks',
    utility: (x, y) => gold(x, y) + 0.15 * exclaims(y),
    positionBias: 0,
    temperature: 0.5,
  },
  { name: 'hasty', bias: 'prefers whichever reply it reads first', utility: gold, positionBias: 0.6, temperature: 0.7 },
];

export const bandit: GoldTask = {
  id: 'bandit',
  title: 'Customer-service bandit',
  summary:
    'One reply per message, chosen from six canned replies: the policy is a table, so the exact optimum π* ∝ π_ref·exp(r/β) and the whole KL–reward frontier are known. Watch the policy walk onto the frontier, toward its own β’s optimum.',
  tryThis: 'Sweep β from 0.01 to 1: small β chases the reward model, large β stays near the SFT policy.',
  vocab: REPLIES,
  T: 1,
  prompts: PROMPTS,
  promptProbs: [1 / 3, 1 / 3, 1 / 3],
  demonstrate: (x: number, rng: Rng) => [rng.categorical(DEMO[x])],
  gold,
  annotators,
  render: (y) => REPLIES[y[0]],
};
