/**
 * What preparation produced, AlpacaFarm-style: how well the learned judges agree with the
 * annotators and with the gold preference, a sample of the labelled comparisons (and who
 * labelled them), and the gold preference's Nash equilibrium where it was computed.
 */
import { useState } from 'react';
import type { ComparisonView, Metrics, NashView } from '../core/types';
import { exportComparisons, useLab } from '../state';
import { downloadText } from './downloadText';

const percent = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)}%`);
const fixed = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(3));

function JudgeRow({ name, prefix, metrics, notTrained, gold }: { name: string; prefix: string; metrics: Metrics | undefined; notTrained?: string; gold: boolean }) {
  if (notTrained) {
    return (
      <tr>
        <th scope="row">{name}</th>
        <td colSpan={gold ? 3 : 2} className="muted">
          {notTrained}
        </td>
      </tr>
    );
  }
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>{percent(metrics?.[`${prefix}/accuracy`])}</td>
      {gold && <td>{percent(metrics?.[`${prefix}/gold_accuracy`])}</td>}
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
  // A task from your file has its labels only: no gold preference, no simulated annotators.
  const gold = useLab((s) => s.config.task.id !== 'data');
  const [exporting, setExporting] = useState(false);
  const download = async (format: 'csv' | 'jsonl') => {
    setExporting(true);
    try {
      const file = await exportComparisons(format);
      if (file) downloadText(file);
    } finally {
      setExporting(false);
    }
  };
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
              {gold
                ? `Learned judges on held-out comparisons${label ? ` (${label})` : ''}: agreement with the annotators’ labels and with the gold preference.`
                : `Learned judges on your file’s held-out rows${label ? ` (${label})` : ''}: agreement with its labels. Your data has no gold preference to measure them against.`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Judge</th>
                <th scope="col">Accuracy (labels)</th>
                {gold && <th scope="col">Accuracy (gold)</th>}
                <th scope="col">Train loss</th>
              </tr>
            </thead>
            <tbody>
              <JudgeRow name="Reward model (Bradley–Terry)" prefix="rm" metrics={prepared.rewardModel[0]} gold={gold} />
              <JudgeRow
                name="Preference model (pairwise)"
                prefix="pm"
                gold={gold}
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
          <p className="comparisons-export">
            {`All ${gold ? 'labelled comparisons' : 'rows'} of the first run, in the format “Your preference data” reads: `}
            <button type="button" disabled={exporting} onClick={() => void download('csv')}>
              Download comparisons (CSV)
            </button>{' '}
            <button type="button" disabled={exporting} onClick={() => void download('jsonl')}>
              JSON lines
            </button>
          </p>
        </>
      )}
    </section>
  );
}
