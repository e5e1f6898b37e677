/**
 * The experiment: one zod schema whose content is exactly what a share link carries.
 *
 * Versioned: `version` is written into every link; `parseConfig` migrates older
 * versions forward so that links shared today keep working after the schema grows.
 */
import { z } from 'zod';
import { taskFor } from './tasks';
import { responseCount } from './tasks/task';

export const CONFIG_VERSION = 1;

export const TASK_IDS = ['bandit', 'helpful', 'sorting', 'cycle'] as const;
/** A built-in task (the custom task is defined inside the config itself). */
export type TaskId = (typeof TASK_IDS)[number];

const BuiltinTaskConfig = z
  .object({
    id: z.enum(TASK_IDS).describe('Which toy task to train on (see README: "Tasks").'),
  })
  .strict();

const TOL = 1e-6;

/**
 * The smallest KL coefficient or step size a config may hold. Training runs in float32: a
 * value the schema accepts must stay a usable number there (1e-300 is 0 in float32, and IPO's
 * (h − 1/(2β))² overflows for β below about 1e-19).
 */
export const MIN_COEFFICIENT = 1e-6;
/** The smallest learning rate (float32 still resolves an update this small against weights near 1). */
export const MIN_LR = 1e-8;

/** A KL coefficient, clip range or step size: positive, at least MIN_COEFFICIENT. */
const coefficient = (max: number) => z.number().min(MIN_COEFFICIENT).max(max);
/** An Adam learning rate. */
const learningRate = () => z.number().min(MIN_LR).max(1);

export const CustomTaskConfig = z
  .object({
    id: z.literal('custom'),
    title: z.string().min(1).max(80).default('My task'),
    prompt: z.string().max(300).default('(your prompt)'),
    responses: z.array(z.string().min(1).max(200)).min(2).max(32).describe('The responses a policy chooses among.'),
    reference: z
      .array(z.number().min(0).max(1))
      .optional()
      .describe('The demonstrator’s distribution over responses (sums to 1); uniform when absent.'),
    reward: z.array(z.number().min(-100).max(100)).optional().describe('Gold reward per response.'),
    preference: z
      .array(z.array(z.number().min(0).max(1)))
      .optional()
      .describe('Gold preference matrix: preference[i][j] = P(response i ≻ response j); P + Pᵀ = 1.'),
  })
  .strict()
  .superRefine((task, ctx) => {
    const n = task.responses.length;
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if ((task.reward === undefined) === (task.preference === undefined)) {
      issue([], 'give exactly one of "reward" (one number per response) or "preference" (an n×n matrix)');
    }
    if (task.reward && task.reward.length !== n) issue(['reward'], `needs ${n} numbers (one per response), got ${task.reward.length}`);
    if (task.reference) {
      if (task.reference.length !== n) issue(['reference'], `needs ${n} probabilities, got ${task.reference.length}`);
      const total = task.reference.reduce((a, b) => a + b, 0);
      if (Math.abs(total - 1) > 1e-3) issue(['reference'], `probabilities must sum to 1, they sum to ${total}`);
    }
    const P = task.preference;
    if (!P) return;
    if (P.length !== n || P.some((row) => row.length !== n)) {
      issue(['preference'], `must be a ${n}×${n} matrix (one row and column per response)`);
      return;
    }
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        if (Math.abs(P[i][j] + P[j][i] - 1) > TOL) {
          issue(['preference', i, j], `P(${i}≻${j}) + P(${j}≻${i}) must equal 1, got ${P[i][j]} + ${P[j][i]}`);
          return;
        }
      }
    }
  });

/** Bounds of a task built from your preference file: small enough to enumerate exactly and to travel in a link. */
export const DATA_LIMITS = { prompts: 16, responses: 64, pairs: 1000, annotators: 16, promptChars: 300, responseChars: 300, textChars: 4000 } as const;

/** The text a task from your data carries (what a link spends most of its length on). */
export function dataTextChars(task: { title: string; prompts: readonly string[]; responses: readonly string[]; annotators: readonly string[] }): number {
  return [task.title, ...task.prompts, ...task.responses, ...task.annotators].reduce((n, s) => n + s.length, 0);
}

/** One labelled row of your file: [prompt, chosen reply, rejected reply, annotator], each an index into its list. */
const DataPair = z.tuple([z.number().int().min(0), z.number().int().min(0), z.number().int().min(0), z.number().int().min(0)]);

/**
 * A task built from your own preference file (`npm run lab -- import`, or "Your data" in the
 * page): its prompts and replies are the file's distinct ones, its comparisons are the file's
 * rows. It has no gold reward and no simulated annotators: what can be known is the proxy
 * reward, the KL and agreement with your labels.
 */
export const DataTaskConfig = z
  .object({
    id: z.literal('data'),
    title: z.string().min(1).max(80).default('My preference data'),
    prompts: z.array(z.string().min(1).max(DATA_LIMITS.promptChars)).min(1).max(DATA_LIMITS.prompts).describe('The distinct prompts of your file.'),
    responses: z.array(z.string().min(1).max(DATA_LIMITS.responseChars)).min(2).max(DATA_LIMITS.responses).describe('The distinct replies of your file: the policy chooses among them.'),
    pairs: z.array(DataPair).min(2).max(DATA_LIMITS.pairs).describe('Your file’s rows, each [prompt, chosen, rejected, annotator] as indices.'),
    annotators: z.array(z.string().min(1).max(40)).min(1).max(DATA_LIMITS.annotators).default(['file']).describe('Who labelled the rows (the file’s annotator column).'),
  })
  .strict()
  .superRefine((task, ctx) => {
    const chars = dataTextChars(task);
    if (chars > DATA_LIMITS.textChars) ctx.addIssue({ code: 'custom', path: ['responses'], message: `${chars.toLocaleString('en')} characters of text; at most ${DATA_LIMITS.textChars.toLocaleString('en')}, to fit a link` });
    const bad = task.pairs.findIndex(([x, w, l, a]) => x >= task.prompts.length || w >= task.responses.length || l >= task.responses.length || w === l || a >= task.annotators.length);
    if (bad < 0) return;
    const [x, w, l, a] = task.pairs[bad];
    const why =
      x >= task.prompts.length ? `prompt ${x} is not one of the ${task.prompts.length}` : w === l ? 'it compares a reply with itself' : a >= task.annotators.length ? `annotator ${a} is not one of the ${task.annotators.length}` : `reply ${Math.max(w, l)} is not one of the ${task.responses.length}`;
    ctx.addIssue({ code: 'custom', path: ['pairs', bad], message: `row ${bad + 1}: ${why}` });
  });
export type DataTaskConfig = z.infer<typeof DataTaskConfig>;

export const TaskConfig = z.discriminatedUnion('id', [BuiltinTaskConfig, CustomTaskConfig, DataTaskConfig]);
export type TaskConfig = z.infer<typeof TaskConfig>;

export const PolicyConfig = z
  .object({
    kind: z
      .enum(['auto', 'tabular', 'transformer'])
      .default('auto')
      .describe('Policy family: a table of logits per prefix (enumerable tasks) or a tiny causal transformer. auto: tabular when the task is a one-step bandit.'),
    dModel: z.number().int().min(8).max(256).default(32).describe('Transformer width.'),
    layers: z.number().int().min(1).max(4).default(1).describe('Transformer blocks.'),
  })
  .strict();

export const SftConfig = z
  .object({
    demos: z.number().int().min(16).max(100000).default(2048).describe('Demonstrations drawn from the noisy demonstrator.'),
    steps: z.number().int().min(0).max(5000).default(300).describe('Adam steps of maximum likelihood on the demonstrations.'),
    lr: learningRate().default(0.03).describe('SFT learning rate.'),
    batchSize: z.number().int().min(8).max(4096).default(128),
  })
  .strict();

/** Most labels of your own a config carries (they travel in the share link). */
export const MAX_YOUR_LABELS = 2000;

export const FeedbackConfig = z
  .object({
    comparisons: z
      .number()
      .int()
      .min(16)
      .max(100000)
      .default(2000)
      .describe('Pairs of reference-policy responses labelled by the simulated annotator pool.'),
    labelNoise: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Probability a training label is replaced by a coin toss (AlpacaFarm: 0.5, i.e. 25% flipped).'),
    yours: z
      .object({
        labels: z
          .array(z.tuple([z.number().int().min(0), z.number().int().min(0), z.number().int().min(0), z.union([z.literal(0), z.literal(1)])]))
          .min(1)
          .max(MAX_YOUR_LABELS)
          .describe('Your labels, each [prompt, first reply, second reply, 1 if the first is better else 0]; a reply is its index among all of the task’s replies.'),
        use: z.enum(['alone', 'mixed']).default('mixed').describe('alone: the judges and the offline methods learn from your labels only; mixed: from yours and the simulated pool’s.'),
      })
      .strict()
      .nullable()
      .default(null)
      .describe('Comparisons you labelled yourself in the lab (or in a file for the CLI).'),
  })
  .strict();

export const RewardModelConfig = z
  .object({
    steps: z.number().int().min(0).max(5000).default(300).describe('Adam steps of Bradley–Terry training.'),
    lr: learningRate().default(0.03),
    hidden: z.number().int().min(4).max(256).default(32).describe('Hidden units of the reward MLP.'),
    batchSize: z.number().int().min(8).max(4096).default(256),
    heldOut: z.number().min(0).max(0.5).default(0.2).describe('Fraction of comparisons kept out of training to measure accuracy.'),
  })
  .strict();

export const PreferenceModelConfig = z
  .object({
    steps: z.number().int().min(0).max(5000).default(200).describe('Adam steps of the pairwise preference model (the judge Nash-MD needs; it sees both responses).'),
    lr: learningRate().default(0.03),
    hidden: z.number().int().min(4).max(256).default(32),
    batchSize: z.number().int().min(8).max(4096).default(256),
  })
  .strict();

export const PpoConfig = z
  .object({
    id: z.literal('ppo'),
    beta: coefficient(100).default(0.05).describe('KL coefficient β: per-token reward −β·kl_t (TRL default 0.05).'),
    klEstimator: z.enum(['k1', 'k3', 'exact']).default('k1').describe('Per-token KL used in the penalty: k1 = −logr, k3 = (e^logr − 1) − logr, exact = Σ_v π log π/π_ref.'),
    adaptiveKl: z
      .object({ target: coefficient(1000).default(6), horizon: z.number().min(1).max(1e9).default(10000) })
      .strict()
      .nullable()
      .default(null)
      .describe('Adaptive KL controller (Ziegler et al. 2019); null keeps β fixed.'),
    gamma: z.number().min(0).max(1).default(1).describe('Discount γ.'),
    lambda: z.number().min(0).max(1).default(0.95).describe('GAE λ.'),
    clipRange: coefficient(1).default(0.2).describe('Policy ratio clip ε.'),
    clipRangeValue: coefficient(1000).default(0.2).describe('Value clip ε_v.'),
    vfCoef: z.number().min(0).max(100).default(0.1).describe('Value loss weight c_v.'),
    epochs: z.number().int().min(1).max(16).default(4).describe('PPO epochs per rollout.'),
    minibatches: z.number().int().min(1).max(64).default(4).describe('Minibatches per epoch.'),
    batchSize: z.number().int().min(4).max(4096).default(64).describe('Responses sampled per iteration (per population member).'),
    lr: learningRate().default(0.01).describe('Adam learning rate for policy and value.'),
    annealLr: z.boolean().default(true).describe('Decay the learning rate linearly to 0 over the run (cleanrl default); the last iterations then settle instead of jittering.'),
    whitenAdvantages: z.boolean().default(true).describe('Normalise advantages per member to zero mean and unit variance before the policy loss (TRL, cleanrl).'),
  })
  .strict();

const lr = (value: number) => learningRate().default(value).describe('Adam learning rate of the policy.');
const batch = (value: number, what: string) => z.number().int().min(4).max(4096).default(value).describe(what);

/** DPO (Rafailov et al. 2023) and IPO (Azar et al. 2023) on the farm's offline comparisons; ALGORITHMS.md §3. */
export const DpoConfig = z
  .object({
    id: z.literal('dpo'),
    loss: z.enum(['sigmoid', 'ipo']).default('sigmoid').describe('sigmoid: DPO, −log σ(β·h); ipo: IPO, (h − 1/(2β))² with h per token (TRL).'),
    beta: coefficient(100).default(0.1).describe('β: strength of the implicit KL regularisation (DPO default 0.1).'),
    batchSize: batch(64, 'Comparisons per minibatch.'),
    steps: z.number().int().min(1).max(64).default(4).describe('Adam steps per iteration, each on a fresh minibatch of the farm’s training pairs.'),
    lr: lr(0.01),
  })
  .strict();

/** The offline loop's shared fields: minibatches of the farm's pairs, Adam steps per iteration. */
const offlineFields = {
  batchSize: batch(64, 'Comparisons per minibatch.'),
  steps: z.number().int().min(1).max(64).default(4).describe('Adam steps per iteration, each on a fresh minibatch of the farm’s training pairs.'),
  lr: lr(0.01),
};

/** SimPO (Meng et al. 2024): reference-free, length-normalised, with a target margin γ; ALGORITHMS.md §8. */
export const SimpoConfig = z
  .object({
    id: z.literal('simpo'),
    beta: coefficient(100).default(2).describe('β: scale of the implicit reward β/|y|·log π_θ(y|x) (the paper tunes 2–2.5). Not a KL coefficient: nothing ties SimPO to π_ref.'),
    margin: z.number().min(0).max(100).default(1).describe('γ: target reward margin (the paper tunes γ/β ≈ 0.5, so γ = 1 at β = 2; TRL’s simpo_gamma defaults to 0.5).'),
    ...offlineFields,
  })
  .strict();

/** KTO (Ethayarajh et al. 2024; TRL kto_trainer): unpaired desirable and undesirable examples; ALGORITHMS.md §8. */
export const KtoConfig = z
  .object({
    id: z.literal('kto'),
    beta: coefficient(100).default(0.1).describe('β: sharpness of the value function around the reference point z_0 (TRL default 0.1).'),
    desirableWeight: z.number().min(0).max(10).default(1).describe('λ_D: weight of the desirable examples (the comparisons’ winners); keep λ_D·n_D / λ_U·n_U in [1, 4/3] (TRL default 1).'),
    undesirableWeight: z.number().min(0).max(10).default(1).describe('λ_U: weight of the undesirable examples (the comparisons’ losers) (TRL default 1).'),
    ...offlineFields,
  })
  .strict();

/** Online DPO (Guo et al. 2024; TRL): pairs sampled from the current policy, labelled, then the DPO loss. */
export const OnlineDpoConfig = z
  .object({
    id: z.literal('online_dpo'),
    loss: z.enum(['sigmoid', 'ipo']).default('sigmoid').describe('sigmoid: DPO loss; ipo: IPO loss.'),
    beta: coefficient(100).default(0.1).describe('β of the DPO loss (TRL default 0.1).'),
    judge: z.enum(['reward_model', 'pool']).default('reward_model').describe('Who labels the fresh pairs: the learned reward model, or the simulated annotator pool (with label noise).'),
    batchSize: batch(64, 'Pairs sampled and labelled per iteration.'),
    lr: lr(0.01),
  })
  .strict();

/** XPO (Xie et al. 2024): online DPO plus α·Σ log π_θ(ỹ), ỹ ~ π_ref (TRL's xpo_trainer). */
export const XpoConfig = OnlineDpoConfig.extend({
  id: z.literal('xpo'),
  alpha: z.number().min(0).max(10).default(1e-5).describe('α, weight of the exploration term (TRL default 1e-5).'),
}).strict();

/** Chain of Hindsight (Liu, Sferrazza, Abbeel 2023): fine-tuning on feedback-conditioned pairs; ALGORITHMS.md §4. */
export const CohConfig = z
  .object({
    id: z.literal('coh'),
    batchSize: batch(64, 'Labelled pairs per minibatch; each pair gives two sequences, “x <good> y⁺” and “x <bad> y⁻”.'),
    steps: z.number().int().min(1).max(64).default(4).describe('Adam steps per iteration, each on a fresh minibatch of the farm’s training pairs.'),
    lr: lr(0.01),
    fcmMaxRatio: z
      .number()
      .min(0)
      .max(0.9)
      .default(0)
      .describe('Forgetful causal masking: each sequence drops a share of its past tokens from attention, the share drawn uniformly from [0, r_max] (the prompt and feedback always stay visible). Transformer only; 0 turns it off.'),
  })
  .strict();

/**
 * Nash-MP's constant step size when none is set. The residual then shrinks as (1+ητ)^−k =
 * (1+2τ)^−N/2 after N = 2k preference queries, the rate in the paper's abstract.
 */
export const NASH_MP_ETA = 2;

/** Nash-MD (Munos et al. 2023): mirror descent toward the regularised Nash equilibrium; ALGORITHMS.md §5. */
export const NashMdConfig = z
  .object({
    id: z.literal('nash_md'),
    tau: coefficient(10).default(0.1).describe('τ: KL regularisation toward π_ref (TRL calls it beta).'),
    mixture: z.number().min(0).max(1).default(0.125).describe('β: geometric mixture weight of π_ref in the opponent π^β ∝ π^{1−β}·π_ref^β (TRL: mixture_coef).'),
    update: z
      .enum(['auto', 'exact', 'mirror_prox', 'pg'])
      .default('auto')
      .describe('exact: the tabular mirror-descent update on the preference table; mirror_prox: tabular Nash-MP (an extrapolation step per update); pg: Nash-MD-PG; auto: exact on one-step enumerable tasks.'),
    eta: coefficient(100).nullable().default(null).describe('Tabular step size η; none (null) uses η_t = 2/(τ(t+2)) for mirror descent, which converges, and a constant η = 2 for mirror prox.'),
    batchSize: batch(64, 'Responses sampled per iteration (PG).'),
    lr: lr(0.01),
  })
  .strict();

/** Hyperparameters every group policy-gradient method shares (RLOO, GRPO): k samples per prompt, clipped steps. */
const groupPgFields = {
  epochs: z.number().int().min(1).max(16).default(1).describe('Passes over each batch of samples (TRL: num_iterations / num_ppo_epochs); with 1 the clipped ratio is 1 and the step is plain policy gradient.'),
  clipRange: coefficient(1).default(0.2).describe('Ratio clip ε of the surrogate, used from the second pass on (TRL default 0.2).'),
  lr: lr(0.01),
};

/** RLOO (Ahmadian et al. 2024; TRL rloo_trainer): leave-one-out baseline, KL folded into the reward; ALGORITHMS.md §8. */
export const RlooConfig = z
  .object({
    id: z.literal('rloo'),
    beta: coefficient(100).default(0.05).describe('β: KL penalty folded into each response’s reward, r = r_φ − β·log(π_θ/π_ref)(y) (TRL default 0.05).'),
    k: z.number().int().min(2).max(64).default(2).describe('Responses per prompt (TRL rloo_k, default 2); each one’s baseline is the mean reward of the other k − 1.'),
    batchSize: batch(32, 'Prompts per iteration, each answered k times.'),
    ...groupPgFields,
  })
  .strict();

/** GRPO (Shao et al. 2024; TRL grpo_trainer) and Dr. GRPO (Liu et al. 2025); ALGORITHMS.md §8. */
export const GrpoConfig = z
  .object({
    id: z.literal('grpo'),
    beta: z.number().min(0).max(100).default(0).describe('β: weight of the k3 KL term in the loss (TRL default 0: nothing pulls the policy back to π_ref).'),
    variant: z
      .enum(['grpo', 'dr_grpo'])
      .default('grpo')
      .describe('grpo: advantages (R − mean)/std within each group; dr_grpo: R − mean, no std (Dr. GRPO). The lab’s responses all have T tokens, so the two length normalisations coincide.'),
    k: z.number().int().min(2).max(64).default(8).describe('Responses per prompt, a group (TRL num_generations, default 8).'),
    batchSize: batch(8, 'Prompts per iteration, each answered by a group of k.'),
    ...groupPgFields,
  })
  .strict();

/** P3O (Wu et al. 2023): two responses per prompt, the clipped pairwise policy gradient on r_1 − r_2; ALGORITHMS.md §8. */
export const P3oConfig = z
  .object({
    id: z.literal('p3o'),
    beta: coefficient(100).default(0.05).describe('β: KL penalty in each response’s reward, r = r_φ − β·log(π_θ/π_ref)(y), as in PPO (the lab’s PPO default 0.05).'),
    clip: z
      .enum(['joint', 'separate'])
      .default('joint')
      .describe('joint (the paper’s V2): clip the pair’s relative ratio (π_θ(y₁)/π_old(y₁))/(π_θ(y₂)/π_old(y₂)); separate (V1): clip each response’s ratio on its own.'),
    batchSize: batch(32, 'Prompts per iteration, each answered twice.'),
    ...groupPgFields,
    epochs: z.number().int().min(1).max(16).default(4).describe('Passes over each batch of pairs (as PPO’s epochs); from the second on, the clip keeps the policy near the one that sampled.'),
  })
  .strict();

/** Best-of-n sampling from π_ref, judged by the reward model (AlpacaFarm n = 16). */
export const BestOfNConfig = z
  .object({
    id: z.literal('best_of_n'),
    n: z.number().int().min(1).max(256).default(16).describe('Candidates sampled from π_ref per prompt; the reward model keeps the best. KL = log n − (n−1)/n.'),
    batchSize: batch(64, 'Prompts per iteration.'),
  })
  .strict();

/** Expert iteration: sample n, keep the best by the reward model, SFT on them, repeat. */
export const ExpertIterationConfig = z
  .object({
    id: z.literal('expert_iteration'),
    n: z.number().int().min(2).max(256).default(16).describe('Candidates per prompt; the best by the reward model becomes a demonstration.'),
    batchSize: batch(64, 'Prompts per iteration.'),
    steps: z.number().int().min(1).max(64).default(4).describe('SFT steps on the kept responses per iteration.'),
    lr: lr(0.01),
  })
  .strict();

/** The SFT policy itself, untouched: the baseline every method is compared with. */
export const SftOnlyConfig = z
  .object({
    id: z.literal('sft'),
    batchSize: batch(64, 'Responses sampled per iteration to measure.'),
  })
  .strict();

export const MethodConfig = z.discriminatedUnion('id', [
  PpoConfig,
  DpoConfig,
  OnlineDpoConfig,
  XpoConfig,
  SimpoConfig,
  KtoConfig,
  CohConfig,
  NashMdConfig,
  RlooConfig,
  GrpoConfig,
  P3oConfig,
  BestOfNConfig,
  ExpertIterationConfig,
  SftOnlyConfig,
]);
export type MethodConfig = z.infer<typeof MethodConfig>;
export type MethodId = MethodConfig['id'];

/** The KL coefficient a β sweep varies: β for PPO and the DPO family, τ for Nash-MD; none for the rest. */
export function methodBeta(method: MethodConfig): number | null {
  switch (method.id) {
    case 'ppo':
    case 'dpo':
    case 'online_dpo':
    case 'xpo':
    case 'rloo':
    case 'grpo':
    case 'p3o':
    case 'kto':
      return method.beta;
    case 'nash_md':
      return method.tau;
    default:
      return null;
  }
}

export const SweepConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z
    .object({ kind: z.literal('beta'), values: z.array(coefficient(100)).min(2).max(16) })
    .strict()
    .describe('One population member per β, all on the same seed.'),
  z
    .object({ kind: z.literal('seed'), count: z.number().int().min(2).max(16) })
    .strict()
    .describe('Members on seeds seed, seed+1, …'),
]);

export const ExperimentConfig = z
  .object({
    version: z.literal(CONFIG_VERSION),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    iterations: z.number().int().min(1).max(10000).default(60).describe('Training iterations of the method.'),
    evalEvery: z.number().int().min(1).max(1000).default(1).describe('Exact evaluation every k iterations.'),
    task: TaskConfig.default({ id: 'bandit' }),
    policy: PolicyConfig.default({ kind: 'auto', dModel: 32, layers: 1 }),
    sft: SftConfig.default(SftConfig.parse({})),
    feedback: FeedbackConfig.default(FeedbackConfig.parse({})),
    rewardModel: RewardModelConfig.default(RewardModelConfig.parse({})),
    preferenceModel: PreferenceModelConfig.default(PreferenceModelConfig.parse({})),
    method: MethodConfig.default(PpoConfig.parse({ id: 'ppo' })),
    sweep: SweepConfig.default({ kind: 'none' }),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.sweep.kind === 'beta' && methodBeta(config.method) === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['sweep'],
        message: `a β sweep needs a method with a KL coefficient (PPO, DPO, IPO, online DPO, XPO, KTO, RLOO, GRPO, P3O, Nash-MD); ${config.method.id} has none: sweep seeds instead`,
      });
    }
    if (config.task.id === 'data') {
      // A task from your file has its labels and no one else to ask.
      if (config.feedback.yours) ctx.addIssue({ code: 'custom', path: ['feedback', 'yours'], message: 'your file labels this task: add your comparisons to the file instead' });
      if ((config.method.id === 'online_dpo' || config.method.id === 'xpo') && config.method.judge === 'pool') {
        ctx.addIssue({ code: 'custom', path: ['method', 'judge'], message: 'your file’s task has no simulated annotators: use the reward model as the judge' });
      }
      return;
    }
    const labels = config.feedback.yours?.labels ?? [];
    if (labels.length === 0) return;
    if (config.feedback.yours?.use === 'alone' && labels.length < 2) {
      ctx.addIssue({ code: 'custom', path: ['feedback', 'yours', 'labels'], message: 'label at least 2 comparisons to train on your labels alone: one is held out to measure the reward model' });
      return;
    }
    const task = taskFor(config.task);
    const replies = responseCount(task);
    // The first bad label only: a mangled file or link should get one clear sentence.
    const bad = labels.findIndex(([x, a, b]) => x >= task.prompts.length || a >= replies || b >= replies || a === b);
    if (bad < 0) return;
    const [x, a, b] = labels[bad];
    const why = x >= task.prompts.length ? `prompt ${x} is not one of the task’s ${task.prompts.length}` : a === b ? 'it compares a reply with itself' : `reply ${Math.max(a, b)} is not one of the task’s ${replies}`;
    ctx.addIssue({ code: 'custom', path: ['feedback', 'yours', 'labels', bad], message: `label ${bad + 1}: ${why}` });
  });

export type Config = z.infer<typeof ExperimentConfig>;
export type ConfigInput = z.input<typeof ExperimentConfig>;
export type PpoHyper = z.infer<typeof PpoConfig>;
export type DpoHyper = z.infer<typeof DpoConfig>;
export type OnlineDpoHyper = z.infer<typeof OnlineDpoConfig>;
export type XpoHyper = z.infer<typeof XpoConfig>;
export type CohHyper = z.infer<typeof CohConfig>;
export type SimpoHyper = z.infer<typeof SimpoConfig>;
export type KtoHyper = z.infer<typeof KtoConfig>;
export type NashMdHyper = z.infer<typeof NashMdConfig>;
export type RlooHyper = z.infer<typeof RlooConfig>;
export type GrpoHyper = z.infer<typeof GrpoConfig>;
export type P3oHyper = z.infer<typeof P3oConfig>;
export type BestOfNHyper = z.infer<typeof BestOfNConfig>;
export type ExpertIterationHyper = z.infer<typeof ExpertIterationConfig>;
export type SftOnlyHyper = z.infer<typeof SftOnlyConfig>;

/** Migrations from version k to k+1, applied in order to raw JSON. */
const MIGRATIONS: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {};

/** The longest message a ConfigError carries: it is shown in an alert and printed on one CLI line. */
export const MESSAGE_LIMIT = 240;

/** `text` cut to `limit` characters, an ellipsis marking the cut. */
export function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/**
 * A short, safe description of any JSON value for a message: never the whole value (a link
 * may carry a megabyte string or an array nested thousands deep), at most a few dozen characters.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(cut(value, 24));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** A config that cannot be used; its message names the field and what is allowed, in at most MESSAGE_LIMIT characters. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(cut(message, MESSAGE_LIMIT));
    this.name = 'ConfigError';
  }
}

/** Validates raw JSON (e.g. from a link or a file), migrating old versions; throws ConfigError with a readable message. */
export function parseConfig(raw: unknown): Config {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('Config must be a JSON object.');
  }
  let obj = { ...(raw as Record<string, unknown>) };
  let version = obj.version === undefined ? CONFIG_VERSION : obj.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ConfigError(`Config version must be a positive integer, got ${describeValue(version)}.`);
  }
  if (version > CONFIG_VERSION) {
    throw new ConfigError(`Config version ${version} is newer than this lab understands (${CONFIG_VERSION}); update the lab.`);
  }
  while (version < CONFIG_VERSION) {
    obj = MIGRATIONS[version](obj);
    version += 1;
  }
  const result = ExperimentConfig.safeParse({ ...obj, version });
  if (!result.success) throw new ConfigError(formatIssues(result.error));
  return result.data;
}

/** The default experiment, optionally overridden. */
export function defaultConfig(overrides: Partial<ConfigInput> = {}): Config {
  return parseConfig({ version: CONFIG_VERSION, ...overrides });
}

/** The first issues, each cut short: zod's messages may quote the input (an unknown key, a long string). */
function formatIssues(error: z.ZodError): string {
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return (
    error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.length ? cut(issue.path.map(String).join('.'), 60) : 'config'}: ${cut(issue.message, 80)}`)
      .join('; ') + more
  );
}

/** Population members: per-member seed and KL coefficient. P = members.length. */
export interface Member {
  index: number;
  seed: number;
  beta: number;
  label: string;
}

export function populationOf(config: Config): Member[] {
  const sweep = config.sweep;
  const beta = methodBeta(config.method) ?? 0;
  const name = config.method.id === 'nash_md' ? 'τ' : 'β';
  if (sweep.kind === 'beta') {
    return sweep.values.map((value, index) => ({ index, seed: config.seed, beta: value, label: `${name}=${value}` }));
  }
  if (sweep.kind === 'seed') {
    return Array.from({ length: sweep.count }, (_, index) => ({
      index,
      seed: config.seed + index,
      beta,
      label: `seed ${config.seed + index}`,
    }));
  }
  return [{ index: 0, seed: config.seed, beta, label: methodBeta(config.method) === null ? config.method.id : `${name}=${beta}` }];
}

/** JSON schema of the experiment config (for `npm run lab -- schema`). */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(ExperimentConfig, { io: 'input' });
}
