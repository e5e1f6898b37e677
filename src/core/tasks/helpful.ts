/**
 * A short-sequence "helpfulness" task: four-token replies from a six-token vocabulary
 * (1,296 responses per prompt, still enumerable). Annotators are biased toward longer
 * replies, so a reward model fit to their labels pays for padding that gold does not.
 */
import type { Rng } from '../rng';
import type { Annotator, GoldTask } from './task';

const VOCAB = ['·', 'answer', 'detail', 'example', 'please', '!!'] as const;
const [BLANK, ANSWER, DETAIL, EXAMPLE, PLEASE, BANG] = [0, 1, 2, 3, 4, 5];

const PROMPTS = ['“What is the capital of France?”', '“How do I boil an egg?”', '“Explain recursion.”'] as const;

/** How much each prompt wants supporting detail and an example. */
const WANTS = [
  { detail: 0.1, example: -0.2 },
  { detail: 0.5, example: 0.2 },
  { detail: 0.3, example: 0.6 },
];

/** Gold: an answer first and foremost, then what the prompt wants, no repetition, no shouting. */
function gold(x: number, y: readonly number[]): number {
  let r = 0;
  const seen = new Set<number>();
  y.forEach((token, t) => {
    const repeated = seen.has(token) && token !== BLANK;
    seen.add(token);
    if (repeated) r -= 0.35;
    else if (token === ANSWER) r += t === 0 ? 1.0 : 0.6;
    else if (token === DETAIL) r += WANTS[x].detail;
    else if (token === EXAMPLE) r += WANTS[x].example;
    else if (token === PLEASE) r += 0.05;
    if (token === BANG) r -= 0.3;
  });
  return r;
}

const nonBlank = (y: readonly number[]): number => y.filter((t) => t !== BLANK).length;
const bangs = (y: readonly number[]): number => y.filter((t) => t === BANG).length;

const annotators: Annotator[] = [
  { name: 'careful', bias: 'judges by the gold reward alone', utility: gold, positionBias: 0, temperature: 0.4 },
  {
    name: 'long-winded',
    bias: 'likes longer replies',
    utility: (x, y) => gold(x, y) + 0.3 * nonBlank(y),
    positionBias: 0,
    temperature: 0.4,
  },
  {
    name: 'enthusiast',
    bias: 'likes “!!”',
    utility: (x, y) => gold(x, y) + 0.45 * bangs(y),
    positionBias: 0,
    temperature: 0.4,
  },
  { name: 'hasty', bias: 'prefers whichever reply it reads first', utility: gold, positionBias: 0.5, temperature: 0.6 },
];

/** The demonstrator: usually answers first, then pads at random. */
function demonstrate(_x: number, rng: Rng): number[] {
  const first = rng.categorical([0.1, 0.45, 0.1, 0.1, 0.15, 0.1]);
  const rest = Array.from({ length: 3 }, () => rng.categorical([0.35, 0.1, 0.2, 0.15, 0.1, 0.1]));
  return [first, ...rest];
}

export const helpful: GoldTask = {
  id: 'helpful',
  title: 'Helpful replies (sequence)',
  summary:
    'Four-token replies scored by a hidden helpfulness reward; annotators like long and excited replies. A small causal transformer learns it token by token, and the exact KL is still computable by enumerating all 1,296 replies.',
  tryThis: 'Lower β and watch the proxy reward climb while the gold reward stalls: the reward model pays for padding.',
  vocab: VOCAB,
  T: 4,
  prompts: PROMPTS,
  promptProbs: [1 / 3, 1 / 3, 1 / 3],
  demonstrate,
  gold,
  annotators,
  render: (y) => y.map((t) => VOCAB[t]).join(' '),
};
