/**
 * The policy itself, for one-step tasks: for one prompt, π_θ(y|x) for every response beside
 * π_ref and the exact optimum π*_β ∝ π_ref·exp(r_φ/β) it should approach. The numbers are in
 * a table under the bars, for screen readers and for checking.
 */
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Member } from '../../core/config';
import type { PolicyBars } from '../../core/types';
import { memberColor } from '../chartData';
import { ChartFrame } from './ChartFrame';
import { AXIS_PROPS, formatValue, GRID_COLOR } from './format';

const REF_COLOR = '#8a919e';
const OPT_COLOR = '#1c2330';
/** Purple, apart from every run colour and π_ref's grey: the policy before the update. */
const BEFORE_COLOR = '#8c6bb1';

export interface PolicyBarsChartProps {
  /** The latest iteration's bars; null before the first step. */
  bars: PolicyBars | null;
  /** During a stage walk at the update: the policy before it, drawn beside π_θ after. */
  before?: PolicyBars | null;
  /** False while a stage walk has not reached the update: `bars` is then the policy before it. */
  afterUpdate?: boolean;
  iteration: number;
  members: readonly Member[];
}

/** One row per response: the probabilities of π_θ (and π_θ before the update), π_ref and π* for the chosen prompt and member. */
export function barRows(bars: PolicyBars, member: number, prompt: number, before?: PolicyBars | null) {
  const m = bars.members[member];
  const b = before?.members[member];
  return bars.responses.map((response, y) => ({
    response,
    ...(b ? { before: b.policy[prompt][y] } : {}),
    policy: m.policy[prompt][y],
    reference: m.reference[prompt][y],
    ...(m.optimum ? { optimum: m.optimum[prompt][y] } : {}),
  }));
}

/** Grouped bars for a chosen prompt (and member, in a sweep). */
export function PolicyBarsChart({ bars, before = null, afterUpdate = true, iteration, members }: PolicyBarsChartProps) {
  const [prompt, setPrompt] = useState(0);
  const [member, setMember] = useState(0);
  const p = bars ? Math.min(member, bars.members.length - 1) : 0;
  const x = bars ? Math.min(prompt, bars.prompts.length - 1) : 0;
  const rows = bars ? barRows(bars, p, x, before) : [];
  const hasOptimum = Boolean(bars?.members[p]?.optimum);
  const nash = bars?.target === 'nash';
  const target = nash ? 'π*_τ' : 'π*_β';
  const label = members[p]?.label ?? `member ${p + 1}`;
  const color = memberColor(p);
  const legend = bars
    ? [
        ...(before ? [{ label: 'π_θ before this update', color: BEFORE_COLOR }] : []),
        { label: `π_θ (${label})${afterUpdate ? '' : ' before this update'}`, color },
        { label: 'π_ref', color: REF_COLOR },
        ...(hasOptimum ? [{ label: target, color: OPT_COLOR }] : []),
      ]
    : [];
  const controls = bars && (
    <>
      <label className="chart-control">
        Prompt
        <select value={x} onChange={(e) => setPrompt(Number(e.target.value))}>
          {bars.prompts.map((text, i) => (
            <option key={i} value={i}>
              {text}
            </option>
          ))}
        </select>
      </label>
      {bars.members.length > 1 && (
        <label className="chart-control">
          Run
          <select value={p} onChange={(e) => setMember(Number(e.target.value))}>
            {bars.members.map((_, i) => (
              <option key={i} value={i}>
                {members[i]?.label ?? `member ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
  const when = !afterUpdate
    ? `The policy before iteration ${iteration}’s update, for one prompt (the walk has not reached the update yet): π_θ beside`
    : before
      ? `How iteration ${iteration}’s update moved the policy for one prompt: π_θ before and after, beside`
      : `The policy after iteration ${iteration} for one prompt: π_θ beside`;
  const caption = bars
    ? `${when} the reference π_ref${
        nash
          ? ' and π*_τ, the τ-regularised Nash equilibrium of the gold preference that Nash-MD converges to (a mixture when preferences cycle)'
          : hasOptimum
            ? ' and the exact optimum π*_β ∝ π_ref·exp(r_φ/β) at this run’s β'
            : ' (π*_β is not where this method heads, so no target is drawn)'
      }.`
    : 'The policy’s probability of each response, beside π_ref and π*_β, after the first step.';

  return (
    <ChartFrame id="policy-bars" title="Policy vs π_ref and π*" caption={caption} points={rows.length} legend={legend} controls={controls} empty="No policy yet: press Step or Play.">
      {!bars ? null : (
        <>
          <div className="bars-plot">
            <ResponsiveContainer width="100%" height="100%" minHeight={120}>
              {/* Keyed: recharts orders series by when they mounted, and "before" belongs above "after". */}
              {/* Horizontal bars: the responses are sentences, and only a category axis on the side has room for them. */}
              <BarChart key={before ? 'before-after' : 'after'} data={rows} layout="vertical" margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
                <CartesianGrid stroke={GRID_COLOR} strokeDasharray="3 3" horizontal={false} />
                <XAxis type="number" domain={[0, 1]} {...AXIS_PROPS} />
                <YAxis type="category" dataKey="response" width={150} interval={0} {...AXIS_PROPS} tick={{ fontSize: 10, fill: '#3d4451' }} tickFormatter={shortLabel} />
                <Tooltip formatter={formatValue} isAnimationActive={false} />
                {before && <Bar dataKey="before" name="π_θ before" fill={BEFORE_COLOR} isAnimationActive={false} />}
                <Bar dataKey="policy" name={before ? 'π_θ after' : 'π_θ'} fill={color} isAnimationActive={false} />
                <Bar dataKey="reference" name="π_ref" fill={REF_COLOR} isAnimationActive={false} />
                {hasOptimum && <Bar dataKey="optimum" name={target} fill={OPT_COLOR} isAnimationActive={false} />}
              </BarChart>
            </ResponsiveContainer>
          </div>
          <details className="bars-numbers">
            <summary>Numbers</summary>
            <table>
              <caption className="visually-hidden">Probabilities for “{bars.prompts[x]}”</caption>
              <thead>
                <tr>
                  <th scope="col">Response</th>
                  {before && <th scope="col">π_θ before</th>}
                  <th scope="col">{before ? 'π_θ after' : 'π_θ'}</th>
                  <th scope="col">π_ref</th>
                  {hasOptimum && <th scope="col">{target}</th>}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.response}>
                    <th scope="row">{r.response}</th>
                    {before && <td>{r.before?.toFixed(4)}</td>}
                    <td>{r.policy.toFixed(4)}</td>
                    <td>{r.reference.toFixed(4)}</td>
                    {hasOptimum && <td>{r.optimum?.toFixed(4)}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </ChartFrame>
  );
}

/** A response as an axis label: long ones are cut, the full text is in the tooltip and the Numbers table. */
function shortLabel(text: string): string {
  return text.length > 24 ? `${text.slice(0, 23)}…` : text;
}
