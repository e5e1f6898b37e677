/**
 * The stage strip: the stages of one iteration of the chosen method (sample → score →
 * advantages → update, or the method's own), with the narration each stage built from this
 * run's numbers. Next stage walks them one at a time; in slow motion Play animates them.
 */
import { useEffect } from 'react';
import { METHOD_INFO } from '../core/method_info';
import type { IterationResult } from '../core/types';
import { currentWalk, followPlayback, useLab, useStepper, type StageWalk } from '../state';
import { useStageView } from './useStageView';

type StageState = 'done' | 'current' | 'pending';

function stageState(index: number, walk: StageWalk | null): StageState {
  if (!walk) return 'done';
  return index < walk.stage ? 'done' : index === walk.stage ? 'current' : 'pending';
}

const ms = (x: number) => (x < 10 ? `${x.toFixed(1)} ms` : `${Math.round(x)} ms`);

/** One sentence on what the strip is showing, so nobody wonders whether training is paused mid-iteration. */
function explanation(latest: IterationResult | undefined, walk: StageWalk | null, running: boolean, methodTitle: string, charted: boolean, moved: string | null): string {
  if (running) return 'Running one iteration in the training worker…';
  if (!latest) return `The stages of one ${methodTitle} iteration. Press Next stage to run an iteration and walk through them one at a time.`;
  const total = latest.stages.reduce((sum, s) => sum + s.ms, 0);
  if (!walk) return `Iteration ${latest.iteration}: all ${latest.stages.length} stages took ${ms(total)} in the worker. Next stage walks through the next iteration one stage at a time.`;
  const where = `stage ${walk.stage + 1} of ${latest.stages.length}`;
  if (walk.by === 'animation') return `Slow motion: replaying iteration ${latest.iteration}, ${where}.`;
  const last = walk.stage + 1 === latest.stages.length;
  const charts = charted
    ? 'its point is on the charts'
    : `its point joins the charts at the “${moved}” stage`;
  return (
    `Iteration ${latest.iteration} ran in one call (${ms(total)}); ${charts}. Showing ${where}. ` +
    (last ? 'That was its last stage: Next stage runs the next iteration.' : 'Press Next stage for the next.')
  );
}

/** The stage strip and its narration, below the run buttons. */
export function StageStepper() {
  const history = useLab((s) => s.history);
  const methodId = useLab((s) => s.config.method.id);
  const { view, roles } = useStageView();
  const storedWalk = useStepper((s) => s.walk);
  const running = useStepper((s) => s.running);
  useEffect(() => followPlayback(), []);

  const latest = history.at(-1);
  const walk = currentWalk(storedWalk, history);
  const info = METHOD_INFO[methodId];
  const stages = latest ? latest.stages.map((s) => s.name) : [...info.stages];
  const current = walk && latest ? latest.stages[walk.stage] : undefined;

  return (
    <section className="stepper" aria-labelledby="stepper-title">
      <h3 id="stepper-title" className="stepper-title">
        Stages
      </h3>
      <ol className="stage-strip" aria-label="Stages of one iteration">
        {stages.map((name, i) => {
          const state = latest ? stageState(i, walk) : 'pending';
          const report = latest && state !== 'pending' ? latest.stages[i] : undefined;
          return (
            <li key={`${i}-${name}`} className={`strip-stage strip-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
              <span className="strip-name">{name}</span>
              {report && <span className="strip-ms">{ms(report.ms)}</span>}
            </li>
          );
        })}
      </ol>
      <p className="stepper-explain" data-testid="stepper-explain">
        {explanation(latest, walk, running, info.title, view.chartsIncludeLatest, roles.moved)}
      </p>
      {/* Announced only while someone steps: during Play it would chatter every iteration. */}
      <p className="narration" data-testid="stage-narration" aria-live={walk?.by === 'button' ? 'polite' : 'off'}>
        {current && (
          <>
            <strong>{current.name}:</strong> {current.narration}
          </>
        )}
      </p>
    </section>
  );
}
