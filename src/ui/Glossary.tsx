/**
 * The words the lab uses, in plain language: a popover in the header (a disclosure, so it
 * works with the keyboard and a screen reader without script).
 */

const TERMS: readonly [term: string, meaning: string][] = [
  ['π_θ (the policy)', 'The model being trained: for each prompt, a probability for every response.'],
  ['π_ref (the reference)', 'The policy after supervised fine-tuning (SFT) on demonstrations, before any feedback. Every method is held close to it.'],
  ['r_φ (reward model, proxy reward)', 'A small network trained on the annotators’ comparisons to score responses. It is only an estimate of what people want: the proxy.'],
  ['Gold reward', 'The task’s hidden true score, which no method sees. A gap between proxy and gold is over-optimisation.'],
  ['KL(π‖π_ref)', 'How far the policy has moved from the reference, in nats: 0 when they are equal. β (τ for Nash-MD) sets its price.'],
  ['k1, k3', 'Two estimates of KL from samples: k1 = −log r (unbiased, can be negative), k3 = (r − 1) − log r (unbiased and never negative), with r = π_ref/π_θ of the sampled response.'],
  ['π*_β', 'The exact best policy for a reward at KL price β: π_ref·exp(r/β), normalised. The frontier is π*_β for every β.'],
  ['GAE (λ)', 'Generalised advantage estimation: how PPO spreads a reward over the tokens that led to it; λ trades bias for variance.'],
  ['Win rate', 'How often a response of the policy beats one of π_ref, judged by the gold preference or by the annotator pool (AlpacaFarm’s measure). ½ means no better.'],
  ['Annotator pool', 'Simulated labellers, each with its own noise and biases (e.g. preferring longer replies), as in AlpacaFarm. They label the comparisons the judges learn from.'],
  ['Nash equilibrium (π*_τ)', 'When preferences cycle (A beats B beats C beats A) no single best response exists; the equilibrium is the mixture no other policy beats more often than not. Nash-MD heads for it.'],
  ['Readback', 'Copying numbers from the GPU to the page; the lab does it once per iteration, because each copy waits for the GPU.'],
];

export function Glossary() {
  return (
    <details className="glossary">
      <summary className="header-button">Glossary</summary>
      {/* Focusable: the panel scrolls on a short screen, and keyboard users must be able to scroll it. */}
      <div className="glossary-panel" role="region" aria-label="Glossary" tabIndex={0}>
        <dl>
          {TERMS.map(([term, meaning]) => (
            <div key={term}>
              <dt>{term}</dt>
              <dd>{meaning}</dd>
            </div>
          ))}
        </dl>
      </div>
    </details>
  );
}
