/**
 * The stage walk's pairs view for pairwise methods: the first labelled pairs member 0's update
 * trains on, and what the update does to them — the margin h = log π/π_ref(y_w) − log
 * π/π_ref(y_l) that DPO raises, and each response's log π before and after.
 */
import type { MethodId } from '../../core/config';
import type { PairView } from '../../core/types';

export interface PairsTableProps {
  pairs: readonly PairView[];
  method: MethodId;
  iteration: number;
  /** The walk has reached the update: show before → after. */
  compare: boolean;
}

const SOURCE: Partial<Record<MethodId, string>> = {
  dpo: 'the first pairs of this iteration’s minibatch, drawn from the farm’s labelled comparisons',
  online_dpo: 'pairs this iteration sampled from π_θ and had judged',
  xpo: 'pairs of a response of π_θ and one of π_ref that this iteration had judged',
  coh: 'the first pairs of this iteration’s minibatch, relabelled as “x <good> y_w” and “x <bad> y_l” (the numbers are the policy’s, given <good>)',
  simpo: 'the first pairs of this iteration’s minibatch, drawn from the farm’s labelled comparisons',
  kto: 'the first comparisons of this iteration’s minibatch, each split into a desirable reply y_w and an undesirable one y_l, used unpaired',
};

/** What the update does to h, where it is not simply the margin it raises. */
const MOVES: Partial<Record<MethodId, string>> = {
  simpo: 'SimPO itself raises β/|y|·(log π(y_w) − log π(y_l)) with no π_ref; h is shown to compare',
  kto: 'KTO raises log π/π_ref(y_w) and lowers log π/π_ref(y_l) each on its own, around the reference point z_0',
  coh: 'Chain of Hindsight raises log π(y_w | x, good) by maximum likelihood; h is shown to compare',
};

/** Three decimals, without a "−0.000" for a tiny negative. */
const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) < 5e-4 ? 0 : v).toFixed(3) : '–');
const margin = (p: PairView, when: 'Before' | 'After') => p[`chosen${when}`] - p.chosenRef - (p[`rejected${when}`] - p.rejectedRef);
const change = (before: number, after: number, compare: boolean) => (compare ? `${fmt(before)} → ${fmt(after)}` : fmt(before));

export function PairsTable({ pairs, method, iteration, compare }: PairsTableProps) {
  const source = SOURCE[method] ?? 'the labelled pairs of this iteration';
  return (
    <section className="inspector" aria-labelledby="pairs-title" data-testid="pairs-table" data-pairs={pairs.length}>
      <h3 id="pairs-title" className="chart-title">
        Labelled pairs
      </h3>
      <p className="chart-caption">
        {`Iteration ${iteration}: ${source}. y_w is the chosen response, y_l the rejected one; h = log π/π_ref(y_w) − log π/π_ref(y_l), summed over tokens${MOVES[method] ? ` (${MOVES[method]})` : ', is the margin the update raises'}${
          compare ? ' — before → after this iteration’s update.' : ' (before the update; press Next stage to see it move).'
        }`}
      </p>
      <div className="inspector-scroll">
        <table className="inspector-table">
          <thead>
            <tr>
              <th scope="col">Prompt</th>
              <th scope="col">Chosen y_w</th>
              <th scope="col">Rejected y_l</th>
              <th scope="col">{compare ? 'h before → after' : 'h'}</th>
              <th scope="col">{compare ? 'log π(y_w) before → after' : 'log π(y_w)'}</th>
              <th scope="col">{compare ? 'log π(y_l) before → after' : 'log π(y_l)'}</th>
            </tr>
          </thead>
          <tbody>
            {pairs.map((p, i) => (
              <tr key={i}>
                <td>{p.prompt}</td>
                <td>{p.chosen}</td>
                <td>{p.rejected}</td>
                <td className="number">{change(margin(p, 'Before'), margin(p, 'After'), compare)}</td>
                <td className="number">{change(p.chosenBefore, p.chosenAfter, compare)}</td>
                <td className="number">{change(p.rejectedBefore, p.rejectedAfter, compare)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
