/**
 * Guided scenarios: presets that each teach one idea. Pure data — a title, two sentences, what
 * to watch, a paper to read, and a full config (validated by `parseConfig` when this module
 * loads, and by a unit test) that the page loads through its ordinary config path, so the
 * address bar becomes the scenario's share link.
 *
 * Preparation is kept short (tens of SFT / judge steps, tabular policies where the idea allows)
 * so that a scenario shows its effect within a few iterations on a software GPU.
 */
import { defaultConfig, type Config, type ConfigInput } from './config';

export interface Scenario {
  /** Stable, URL-safe id. */
  id: string;
  title: string;
  /** Exactly two sentences: the idea, then what this preset does to show it. */
  explanation: readonly [string, string];
  /** What to look at on the charts while it runs. */
  watch: string;
  /** A paper or post that explains the idea. */
  reference: { label: string; url: string };
  config: Config;
}

/** Short preparation shared by the tabular scenarios: the judges are trained well enough to be interesting, quickly. */
const QUICK_PREP = {
  sft: { demos: 512, steps: 60, batchSize: 64 },
  rewardModel: { steps: 80, batchSize: 64 },
  preferenceModel: { steps: 40, batchSize: 64 },
} satisfies Partial<ConfigInput>;

/** The farm's comparisons and seed shared by the DPO and PPO presets, so the two see the same data. */
const SHARED_FARM = { seed: 7, feedback: { comparisons: 1000, labelNoise: 0.25 } } satisfies Partial<ConfigInput>;

function scenario(spec: Omit<Scenario, 'config'> & { config: Partial<ConfigInput> }): Scenario {
  return { ...spec, config: defaultConfig(spec.config) };
}

/** The presets, in the order the picker lists them. */
export const SCENARIOS: readonly Scenario[] = [
  scenario({
    id: 'overoptimization',
    title: 'Reward over-optimisation',
    explanation: [
      'A learned reward model is only a proxy: push a policy hard enough against it and the policy finds what the proxy pays for that people do not want.',
      'PPO with a tiny KL coefficient (β = 0.003) on the helpful task learns to pad its replies, which the reward model likes and the gold reward punishes.',
    ],
    watch: 'Proxy reward keeps climbing while gold reward peaks after a few iterations and falls back.',
    reference: { label: 'Gao, Schulman, Hilton 2022: Scaling laws for reward model overoptimization', url: 'https://arxiv.org/abs/2210.10760' },
    // Seed 10: whether a reward model has an exploitable blind spot depends on its pairs; this
    // one's does on every backend tested (gold peaks near 1.0 by iteration 6–7 and falls ≈ 0.7
    // below it on WASM and CPU). Which pairs a seed draws moves with preparation's rounding: seed
    // 4 served until the fused kernels and the transformer's written gradient (PREPARATION_VERSION 3).
    config: {
      seed: 10,
      task: { id: 'helpful' },
      iterations: 30,
      sft: { steps: 150 },
      preferenceModel: { steps: 10 },
      method: { id: 'ppo', beta: 0.003 },
    },
  }),
  scenario({
    id: 'beta-sweep',
    title: 'β too small or too large',
    explanation: [
      'The KL coefficient β sets how far the policy may move from the reference: too small and it chases every quirk of the reward model, too large and it hardly learns.',
      'This trains three PPO runs side by side on the customer-service bandit, with β = 0.01, 0.1 and 1, on the same seed.',
    ],
    watch: 'The β = 0.01 run reaches the highest proxy reward and KL; β = 1 stays near the SFT policy; compare their gold reward.',
    reference: { label: 'Ziegler et al. 2019: Fine-tuning language models from human preferences', url: 'https://arxiv.org/abs/1909.08593' },
    config: {
      ...QUICK_PREP,
      task: { id: 'bandit' },
      iterations: 30,
      method: { id: 'ppo', beta: 0.1, batchSize: 32 },
      sweep: { kind: 'beta', values: [0.01, 0.1, 1] },
    },
  }),
  scenario({
    id: 'dpo-offline',
    title: 'DPO on the farm’s pairs (compare with PPO)',
    explanation: [
      'DPO skips the reward model and the sampling: it raises the log-probability ratio of each chosen reply over the rejected one, on the labelled pairs alone.',
      'This runs DPO with β = 0.1 on the bandit’s 1,000 comparisons; the next scenario runs PPO with the same β on the same seed and comparisons.',
    ],
    watch: 'KL and gold reward after 30 iterations; then load the PPO scenario and compare the same charts.',
    reference: { label: 'Rafailov et al. 2023: Direct Preference Optimization', url: 'https://arxiv.org/abs/2305.18290' },
    config: { ...QUICK_PREP, ...SHARED_FARM, task: { id: 'bandit' }, iterations: 30, method: { id: 'dpo', beta: 0.1 } },
  }),
  scenario({
    id: 'ppo-same-data',
    title: 'PPO on the same pairs (compare with DPO)',
    explanation: [
      'PPO learns from the same comparisons only through the reward model fitted to them, then samples fresh replies and scores them.',
      'Same task, seed, comparisons and β = 0.1 as the DPO scenario, so any difference comes from the method.',
    ],
    watch: 'PPO samples its own replies, so its KL grows more smoothly; compare gold reward at equal KL.',
    reference: { label: 'Ouyang et al. 2022: Training language models to follow instructions (InstructGPT)', url: 'https://arxiv.org/abs/2203.02155' },
    config: { ...QUICK_PREP, ...SHARED_FARM, task: { id: 'bandit' }, iterations: 30, method: { id: 'ppo', beta: 0.1, batchSize: 32 } },
  }),
  scenario({
    id: 'intransitive-nash',
    title: 'Intransitive preferences and Nash-MD',
    explanation: [
      'When preferences go in a circle (rock ≻ scissors ≻ paper ≻ rock) no single reward can represent them, and a policy that commits to one reply is beaten by another.',
      'Nash-MD plays the policy against a mixture of itself and the reference under a pairwise preference model, and converges to the regularised Nash mixture.',
    ],
    watch: 'The worst-case win rate stays near 0.5 for Nash-MD; switch Method to PPO and watch it drop.',
    reference: { label: 'Munos et al. 2023: Nash learning from human feedback', url: 'https://arxiv.org/abs/2312.00886' },
    config: { ...QUICK_PREP, preferenceModel: { steps: 80, batchSize: 64 }, task: { id: 'cycle' }, iterations: 30, method: { id: 'nash_md', tau: 0.05 } },
  }),
  scenario({
    id: 'chain-of-hindsight',
    title: 'Chain of Hindsight: learning from negative feedback',
    explanation: [
      'Chain of Hindsight keeps both halves of every comparison: the preferred reply becomes an example of “good”, the rejected one an example of “bad”, and the model is fine-tuned on both.',
      'This trains it on the same bandit pairs as the DPO and PPO scenarios, with no reward model and no sampled scores, then answers conditioned on “good”.',
    ],
    watch: 'Gold reward and win rate rising above the SFT policy’s, with KL growing only as far as the winners’ distribution.',
    reference: { label: 'Liu, Sferrazza, Abbeel 2023: Chain of Hindsight aligns language models with feedback', url: 'https://arxiv.org/abs/2302.02676' },
    config: { ...QUICK_PREP, ...SHARED_FARM, task: { id: 'bandit' }, iterations: 30, method: { id: 'coh' } },
  }),
  scenario({
    id: 'kto-unpaired',
    title: 'KTO: thumbs up and thumbs down, unpaired',
    explanation: [
      'KTO needs no pairs: it only has to know whether each reply was good or bad, and it raises log π/π_ref of the good ones and lowers it for the bad ones around a reference point.',
      'This runs KTO with β = 0.1 on the same 1,000 bandit comparisons as the DPO scenario, each split into a desirable winner and an undesirable loser.',
    ],
    watch: 'Gold reward and win rate climb from the first iterations as with DPO; walk an iteration with Next stage to see each reply’s log π/π_ref move.',
    reference: { label: 'Ethayarajh et al. 2024: KTO: Model Alignment as Prospect Theoretic Optimization', url: 'https://arxiv.org/abs/2402.01306' },
    config: { ...QUICK_PREP, ...SHARED_FARM, task: { id: 'bandit' }, iterations: 30, method: { id: 'kto', beta: 0.1 } },
  }),
  scenario({
    id: 'simpo-drift',
    title: 'SimPO without a reference drifts',
    explanation: [
      'SimPO’s implicit reward is the policy’s own length-normalised log-likelihood, so nothing in its loss ties the policy to π_ref.',
      'This trains SimPO on a four-reply task whose annotators always agree on the order, so every label says the same thing and the loss keeps asking for more.',
    ],
    watch: 'The KL keeps climbing toward a deterministic policy (log 4 ≈ 1.39 is all on one reply); set Method to DPO / IPO with the IPO loss and the same learning rate (0.1), and the KL settles instead.',
    reference: { label: 'Meng, Xia, Chen 2024: SimPO: Simple Preference Optimization with a Reference-Free Reward', url: 'https://arxiv.org/abs/2405.14734' },
    config: {
      ...QUICK_PREP,
      task: {
        id: 'custom',
        title: 'Rank four replies',
        prompt: 'Reply to a customer who asks where their parcel is.',
        responses: ['It is on its way: here is the tracking link.', 'It should arrive soon.', 'Please check the website.', 'No idea.'],
        // A strict order every annotator agrees on: the labels never contradict each other.
        preference: [
          [0.5, 1, 1, 1],
          [0, 0.5, 1, 1],
          [0, 0, 0.5, 1],
          [0, 0, 0, 0.5],
        ],
      },
      feedback: { comparisons: 500, labelNoise: 0 },
      iterations: 60,
      method: { id: 'simpo', lr: 0.1 },
    },
  }),
  scenario({
    id: 'rloo-optimum',
    title: 'RLOO lands on π*_β',
    explanation: [
      'RLOO needs no value network: each response’s baseline is the mean reward of the other answers to its prompt, and the KL sits inside the reward, so its gradient is that of the KL-regularised objective.',
      'This trains RLOO with β = 0.1 and four answers per prompt on the customer-service bandit, where the exact optimum π*_β is known.',
    ],
    watch: 'On the KL–reward plane the run walks onto the frontier and stops at its own ringed π*_β; the policy bars end on π*_β.',
    reference: { label: 'Ahmadian et al. 2024: Back to Basics: Revisiting REINFORCE Style Optimization for Learning from Human Feedback in LLMs', url: 'https://arxiv.org/abs/2402.14740' },
    config: { ...QUICK_PREP, task: { id: 'bandit' }, iterations: 60, method: { id: 'rloo', beta: 0.1, k: 4, batchSize: 128, lr: 0.1, epochs: 2 } },
  }),
  scenario({
    id: 'p3o-pairs',
    title: 'P3O learns from differences',
    explanation: [
      'A reward model trained on comparisons is only defined up to a constant per prompt, so P3O uses only the difference of the two responses’ rewards to the same prompt, with PPO’s clip on the pair’s relative ratio.',
      'This trains P3O with β = 0.1 on the customer-service bandit, where the exact optimum π*_β is known: pairs alone take it there, with no value network.',
    ],
    watch: 'Next stage to “advantages”: each pair’s two rows carry ±(r₁ − r₂). On the KL–reward plane the run stops at its ringed π*_β; switch the clip to separate and compare the path.',
    reference: { label: 'Wu et al. 2023: Pairwise Proximal Policy Optimization', url: 'https://arxiv.org/abs/2310.00212' },
    config: { ...QUICK_PREP, task: { id: 'bandit' }, iterations: 60, method: { id: 'p3o', beta: 0.1, batchSize: 128, lr: 0.1, epochs: 2 } },
  }),
  scenario({
    id: 'grpo-collapse',
    title: 'GRPO with β = 0 collapses',
    explanation: [
      'GRPO scores each response against the others in its group, and with TRL’s default β = 0 nothing pulls the policy back toward π_ref.',
      'This trains GRPO at β = 0 with groups of eight on the customer-service bandit.',
    ],
    watch: 'The KL keeps climbing past every β’s optimum and the policy bars pile onto the reward model’s favourite reply; set β = 0.1 and run it again to see it hold.',
    reference: { label: 'Shao et al. 2024: DeepSeekMath (GRPO, eq. 3)', url: 'https://arxiv.org/abs/2402.03300' },
    config: { ...QUICK_PREP, task: { id: 'bandit' }, iterations: 60, method: { id: 'grpo', k: 8, batchSize: 32, lr: 0.1 } },
  }),
  scenario({
    id: 'annotator-noise',
    title: 'Annotator noise and the number of comparisons',
    explanation: [
      'A reward model is only as good as its labels: with few comparisons and many coin-toss labels it learns the noise, and the policy optimises that.',
      'Here only 64 comparisons are labelled and 80% of them are replaced by a coin toss; raise Comparisons to 2000 or lower Label noise and run again.',
    ],
    watch: 'The reward model’s held-out accuracy, and gold reward falling behind proxy reward.',
    reference: { label: 'Dubois et al. 2023: AlpacaFarm', url: 'https://arxiv.org/abs/2305.14387' },
    config: {
      ...QUICK_PREP,
      task: { id: 'bandit' },
      iterations: 30,
      feedback: { comparisons: 64, labelNoise: 0.8 },
      method: { id: 'ppo', beta: 0.02, batchSize: 32 },
    },
  }),
];

/** The scenario with this id, or undefined. */
export function scenarioById(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}

/** The scenario whose config equals `config` (so the picker can show which one is loaded), or undefined. */
export function scenarioMatching(config: Config): Scenario | undefined {
  const json = JSON.stringify(config);
  return SCENARIOS.find((s) => JSON.stringify(s.config) === json);
}
