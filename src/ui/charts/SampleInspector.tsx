/**
 * The sample inspector: a few of the first run's sampled responses from the latest iteration,
 * each token coloured by how much more (blue) or less (orange) likely the policy makes it
 * than π_ref, with the numbers in each token's accessible name; then gold and proxy reward,
 * and how often the gold preference and each annotator prefer it to a response of π_ref.
 * During a stage walk it shows only what exists after the stage on show (see `stageView`):
 * the policy that sampled, then the scores, PPO's per-token reward and advantage, and from
 * the update on the policy before and after.
 */
import type { MethodId } from '../../core/config';
import type { SampleView } from '../../core/types';
import { FULL_VIEW, type StageView } from '../stageView';
import { tokenShade } from './tokenShade';

/** What r and Â under each token are, per method that reports them. */
const ADVANTAGE_KEY: Partial<Record<MethodId, string>> = {
  ppo: 'Under each token: r, its reward (r_φ at the last token, minus β times the KL penalty at every token), and Â, its GAE advantage (before whitening).',
  rloo: 'Under each token: r, the response’s reward r_φ − β·log π/π_ref (at its last token), and Â, how far it beats the mean reward of the other answers to its prompt (the same at every token).',
  p3o: 'Under each token: r, the response’s reward r_φ − β·log π/π_ref (at its last token), and Â = r − r of the other response to its prompt (rows of one prompt are one pair; the same at every token).',
  grpo: 'Under each token: r, the response’s reward r_φ (at its last token), and Â, its reward against its group’s (the same at every token). Rows of one prompt are one group.',
};

export interface SampleInspectorProps {
  samples: readonly SampleView[] | undefined;
  iteration: number;
  /** The first run's label, e.g. "β=0.05". */
  runLabel: string;
  /** What the stage walk has reached; everything when no walk is on. */
  view?: StageView;
  /** The run's method, for what its per-token numbers mean. */
  method?: MethodId;
}

const fmt = (v: number | undefined, digits = 2) => (v !== undefined && Number.isFinite(v) ? v.toFixed(digits) : '–');
/** Two decimals with a sign; a tiny value is 0.00, not −0.00. */
const signed = (v: number) => (Math.abs(v) < 0.005 ? '0.00' : v > 0 ? `+${fmt(v)}` : fmt(v));
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** The log-probabilities of the policy on show: after the update, or the one that sampled. */
const shownLogProb = (sample: SampleView, view: StageView) => (view.after ? sample.logProb : (sample.logProbBefore ?? sample.logProb));

/** One response, token by token; with the advantages on, r_t and Â_t under each token. */
function Tokens({ sample, view }: { sample: SampleView; view: StageView }) {
  const perToken = view.advantages && sample.advantage && sample.tokenReward ? { r: sample.tokenReward, A: sample.advantage } : null;
  const logProb = shownLogProb(sample, view);
  return (
    <span className="tokens">
      {sample.tokens.map((token, t) => {
        const lp = logProb[t];
        const lr = sample.logProbRef[t];
        const shade = tokenShade(lp - lr);
        const text = `${token}: log π ${fmt(lp)}, log π_ref ${fmt(lr)}${perToken ? `, r ${signed(perToken.r[t])}, advantage ${signed(perToken.A[t])}` : ''}`;
        return (
          <span key={t} className="token-column">
            <span className="token" style={{ background: shade.background, color: shade.color }} title={text}>
              <span aria-hidden="true">{token}</span>
              <span className="visually-hidden">{text}</span>
            </span>
            {perToken && (
              <span className="token-numbers" aria-hidden="true" data-testid="token-advantage">
                <span>r {signed(perToken.r[t])}</span>
                <span>Â {signed(perToken.A[t])}</span>
              </span>
            )}
          </span>
        );
      })}
    </span>
  );
}

/** The colour key: a row of swatches from −2 to +2 nats. */
function ShadeKey({ after }: { after: boolean }) {
  const stops = [-2, -1, 0, 1, 2];
  return (
    <p className="shade-key">
      <span>{after ? 'Token colour, log π − log π_ref:' : 'Token colour, log π − log π_ref (π before this update):'}</span>
      {stops.map((d) => {
        const shade = tokenShade(d);
        return (
          <span key={d} className="token" style={{ background: shade.background, color: shade.color }}>
            {d > 0 ? `+${d}` : d}
          </span>
        );
      })}
      <span>(blue: the policy likes it more than π_ref; orange: less)</span>
    </p>
  );
}

/** What the caption says the rows are, at this point of the walk. */
function rowsCaption(runLabel: string, iteration: number, view: StageView, against: SampleView['against'] | undefined, judged: boolean): string {
  const wins = judged
    ? `Win columns: P(this ≻ a response of π_ref for the same prompt)${against === 'expected' ? ', exact over all of π_ref’s responses.' : ', against the one response of π_ref shown.'}`
    : 'Your data has no gold reward and no annotators to judge them by: the proxy is the reward model’s score.';
  const sampled = `Responses of ${runLabel} sampled in iteration ${iteration}`;
  if (!view.after) return `${sampled}, coloured by the policy that sampled them (before this iteration’s update). ${view.scores ? wins : 'Their scores come at the next stage.'}`;
  if (view.compare) return `${sampled}. log π(y|x) before → after: how this iteration’s update moved the policy on each response. ${wins}`;
  return `${sampled}. ${wins}`;
}

/** The table of samples. */
export function SampleInspector({ samples, iteration, runLabel, view = FULL_VIEW, method = 'ppo' }: SampleInspectorProps) {
  const against = samples?.[0]?.against;
  const shown = view.responses ? samples : undefined;
  const advantages = view.advantages && Boolean(samples?.[0]?.advantage);
  // A task from your data has no gold reward and no pool: only the proxy column exists.
  const judged = samples?.[0]?.gold !== undefined;
  return (
    <section className="inspector" aria-labelledby="inspector-title" data-testid="sample-inspector" data-samples={shown?.length ?? 0}>
      <h3 id="inspector-title" className="chart-title">
        Sample inspector
      </h3>
      {!samples?.length ? (
        <p className="chart-caption">No samples yet: press Step or Play to see the policy’s responses.</p>
      ) : !shown ? (
        <p className="chart-caption" data-testid="inspector-waiting">{`Iteration ${iteration}’s responses are drawn at its “${view.drawnAt}” stage, from the updated policy: press Next stage to get there.`}</p>
      ) : (
        <>
          <p className="chart-caption">{rowsCaption(runLabel, iteration, view, against, judged)}</p>
          <ShadeKey after={view.after} />
          {advantages && (
            <p className="shade-key" data-testid="advantage-key">
              {ADVANTAGE_KEY[method] ?? 'Under each token: r, its reward, and Â, its advantage.'}
            </p>
          )}
          <div className="inspector-scroll">
            <table className="inspector-table">
              <thead>
                <tr>
                  <th scope="col">Prompt</th>
                  <th scope="col">Response</th>
                  {view.compare && <th scope="col">log π(y|x) before → after</th>}
                  {against === 'sampled' && <th scope="col">π_ref’s response</th>}
                  {view.scores && judged && (
                    <>
                      <th scope="col">Gold</th>
                      <th scope="col">Proxy</th>
                      <th scope="col">Gold win</th>
                      <th scope="col">Pool win</th>
                      <th scope="col">Annotators’ win</th>
                    </>
                  )}
                  {view.scores && !judged && <th scope="col">Proxy</th>}
                </tr>
              </thead>
              <tbody>
                {shown.map((s, i) => (
                  <tr key={i}>
                    <td>{s.prompt}</td>
                    <td>
                      <Tokens sample={s} view={view} />
                    </td>
                    {view.compare && <td className="number">{`${fmt(sum(s.logProbBefore ?? s.logProb), 3)} → ${fmt(sum(s.logProb), 3)}`}</td>}
                    {against === 'sampled' && <td>{s.reference}</td>}
                    {view.scores && !judged && <td>{fmt(s.proxy)}</td>}
                    {view.scores && judged && (
                      <>
                        <td>{fmt(s.gold)}</td>
                        <td>{fmt(s.proxy)}</td>
                        <td>{fmt(s.goldWin)}</td>
                        <td>{fmt(s.poolWin)}</td>
                        <td>
                          <ul className="verdicts">
                            {s.verdicts.map((v) => (
                              <li key={v.annotator} title={v.bias}>
                                {v.annotator} {fmt(v.winProb)}
                              </li>
                            ))}
                          </ul>
                        </td>
                      </>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
