/**
 * What preparation produced, AlpacaFarm-style: how well the learned judges agree with the
 * annotators and with the gold preference, a sample of the labelled comparisons (and who
 * labelled them), and the gold preference's Nash equilibrium where it was computed.
 */
import type { ComparisonView, Metrics, NashView } from '../core/types';
import { useLab } from '../state';

const percent = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)}%`);
const fixed = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(3));

function JudgeRow({ name, prefix, metrics, notTrained }: { name: string; prefix: string; metrics: Metrics | undefined; notTrained?: string }) {
  if (notTrained) {
    return (
      <tr>
        <th scope="row">{name}</th>
        <td colSpan={3} className="muted">
          {notTrained}
        </td>
      </tr>
    );
  }
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>{percent(metrics?.[`${prefix}/accuracy`])}</td>
      <td>{percent(metrics?.[`${prefix}/gold_accuracy`])}</td>
      <td>{fixed(metrics?.[`${prefix}/loss`])}</td>
    </tr>
  );
}

function Comparison({ c }: { c: ComparisonView }) {
  const mark = (side: 'first' | 'second') => (c.winner === side ? ' ✓' : '');
  return (
    <tr>
      <td>{c.prompt}</td>
      <td className={c.winner === 'first' ? 'winner' : undefined}>
        {c.first}
        {mark('first')}
      </td>
      <td className={c.winner === 'second' ? 'winner' : undefined}>
        {c.second}
        {mark('second')}
      </td>
      <td title={c.bias}>
        {c.annotator}
        {c.coinToss ? ' (coin toss)' : ''}
      </td>
    </tr>
  );
}

/** Only the support of each prompt's equilibrium: "rock 29% · paper 57% · …". */
function NashSummary({ nash }: { nash: NashView }) {
  return (
    <ul className="nash-list">
      {nash.prompts.map((prompt, x) => (
        <li key={prompt}>
          <strong>{prompt}</strong>:{' '}
          {nash.pi[x]
            .map((p, y) => ({ p, y }))
            .filter(({ p }) => p > 5e-3)
            .map(({ p, y }) => `${nash.responses[y]} ${percent(p)}`)
            .join(' · ')}
        </li>
      ))}
    </ul>
  );
}

/** The feedback-and-judges panel; empty (with a hint) until the first Step has prepared the run. */
export function JudgesPanel() {
  const prepared = useLab((s) => s.prepared);
  const label = useLab((s) => s.info?.members[0]?.label);
  return (
    <section className="judges-panel" aria-labelledby="judges-title">
      <h2 id="judges-title" className="panel-title">
        Feedback and judges
      </h2>
      {!prepared ? (
        <p className="muted">Step once: SFT, the annotators’ comparisons and the judges appear here.</p>
      ) : (
        <>
          <table className="judges">
            <caption>
              Learned judges on held-out comparisons{label ? ` (${label})` : ''}: agreement with the annotators’ labels and with the
              gold preference.
            </caption>
            <thead>
              <tr>
                <th scope="col">Judge</th>
                <th scope="col">Accuracy (labels)</th>
                <th scope="col">Accuracy (gold)</th>
                <th scope="col">Train loss</th>
              </tr>
            </thead>
            <tbody>
              <JudgeRow name="Reward model (Bradley–Terry)" prefix="rm" metrics={prepared.rewardModel[0]} />
              <JudgeRow
                name="Preference model (pairwise)"
                prefix="pm"
                metrics={prepared.preferenceModel[0]}
                notTrained={prepared.preferenceModel.length === 0 ? 'Not trained: only Nash-MD plays against it.' : undefined}
              />
            </tbody>
          </table>
          {prepared.nash && (
            <details>
              <summary>Nash equilibrium of the gold preference</summary>
              <NashSummary nash={prepared.nash} />
            </details>
          )}
          <details>
            <summary>{prepared.comparisons.length} labelled comparisons (sample) and who labelled them</summary>
            <table className="comparisons">
              <thead>
                <tr>
                  <th scope="col">Prompt</th>
                  <th scope="col">First</th>
                  <th scope="col">Second</th>
                  <th scope="col">Annotator</th>
                </tr>
              </thead>
              <tbody>
                {prepared.comparisons.map((c, i) => (
                  <Comparison key={i} c={c} />
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}
