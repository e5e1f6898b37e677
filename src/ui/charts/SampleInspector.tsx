/**
 * The sample inspector: a few of the first run's sampled responses from the latest iteration,
 * each token coloured by how much more (blue) or less (orange) likely the policy makes it
 * than π_ref, with the numbers in each token's accessible name; then gold and proxy reward,
 * and how often the gold preference and each annotator prefer it to a response of π_ref.
 */
import type { SampleView } from '../../core/types';
import { tokenShade } from './tokenShade';

export interface SampleInspectorProps {
  samples: readonly SampleView[] | undefined;
  iteration: number;
  /** The first run's label, e.g. "β=0.05". */
  runLabel: string;
}

const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

/** One response, token by token. */
function Tokens({ sample }: { sample: SampleView }) {
  return (
    <span className="tokens">
      {sample.tokens.map((token, t) => {
        const lp = sample.logProb[t];
        const lr = sample.logProbRef[t];
        const shade = tokenShade(lp - lr);
        const text = `${token}: log π ${fmt(lp)}, log π_ref ${fmt(lr)}`;
        return (
          <span key={t} className="token" style={{ background: shade.background, color: shade.color }} title={text}>
            <span aria-hidden="true">{token}</span>
            <span className="visually-hidden">{text}</span>
          </span>
        );
      })}
    </span>
  );
}

/** The colour key: a row of swatches from −2 to +2 nats. */
function ShadeKey() {
  const stops = [-2, -1, 0, 1, 2];
  return (
    <p className="shade-key">
      <span>Token colour, log π − log π_ref:</span>
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

/** The table of samples. */
export function SampleInspector({ samples, iteration, runLabel }: SampleInspectorProps) {
  const against = samples?.[0]?.against;
  return (
    <section className="inspector" aria-labelledby="inspector-title" data-testid="sample-inspector" data-samples={samples?.length ?? 0}>
      <h3 id="inspector-title" className="chart-title">
        Sample inspector
      </h3>
      {!samples?.length ? (
        <p className="chart-caption">No samples yet: press Step or Play to see the policy’s responses.</p>
      ) : (
        <>
          <p className="chart-caption">
            {`Responses of ${runLabel} sampled in iteration ${iteration}. Win columns: P(this ≻ a response of π_ref for the same prompt)`}
            {against === 'expected' ? ', exact over all of π_ref’s responses.' : ', against the one response of π_ref shown.'}
          </p>
          <ShadeKey />
          <div className="inspector-scroll">
            <table className="inspector-table">
              <thead>
                <tr>
                  <th scope="col">Prompt</th>
                  <th scope="col">Response</th>
                  {against === 'sampled' && <th scope="col">π_ref’s response</th>}
                  <th scope="col">Gold</th>
                  <th scope="col">Proxy</th>
                  <th scope="col">Gold win</th>
                  <th scope="col">Pool win</th>
                  <th scope="col">Annotators’ win</th>
                </tr>
              </thead>
              <tbody>
                {samples.map((s, i) => (
                  <tr key={i}>
                    <td>{s.prompt}</td>
                    <td>
                      <Tokens sample={s} />
                    </td>
                    {against === 'sampled' && <td>{s.reference}</td>}
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
