/** One line per stage, built from this iteration's real numbers (member 0 when P > 1). */
import type { PpoHyper } from './config';
import type { Metrics } from './types';

const f = (x: number | undefined, digits = 3): string => (x === undefined ? '–' : x.toFixed(digits));
const pct = (x: number | undefined): string => (x === undefined ? '–' : `${(100 * x).toFixed(0)}%`);

export function narrate(stage: string, members: Metrics[], hp: PpoHyper): string {
  const m = members[0];
  const runs = members.length > 1 ? ` in each of ${members.length} runs` : '';
  switch (stage) {
    case 'sample':
      return `Sampled ${hp.batchSize} responses${runs} from the current policy.`;
    case 'score':
      return `Reward model scored them: mean proxy reward ${f(m['reward/proxy'])} (gold ${f(m['reward/gold'])}); KL to π_ref ≈ ${f(m['kl/k3'])} (k3).`;
    case 'advantages':
      return `Per-token KL penalty β = ${f(m['ppo/beta'], 4)} gives mean penalised return ${f(m['reward/penalized'])}; value head explains ${pct(m['value/explained_variance'])} of the return variance.`;
    case 'update':
      return `${hp.epochs} epochs × ${hp.minibatches} minibatches: ${pct(m['ppo/clipfrac'])} of ratios clipped, approx KL ${f(m['ppo/approx_kl'], 4)}, policy loss ${f(m['loss/policy'])}.`;
    case 'readback':
      return 'Metrics copied from the device in one readback.';
    default:
      return stage;
  }
}
