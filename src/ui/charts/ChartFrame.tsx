/**
 * The frame every chart shares: title, a PNG download button, a one-sentence caption, the
 * plot, and a legend of member colours and line styles. The container carries
 * `data-testid="chart-<id>"` and `data-points` so end-to-end tests can watch it without
 * reading SVG.
 */
import { useRef, useState, type ReactNode } from 'react';
import { showError } from '../../state';
import { useStageView } from '../useStageView';
import { useWaiting } from '../waiting';
import { chartToPng, downloadBlob, pngFileName } from './exportPng';

/** A legend entry: a member's colour, or (grey) a line style shared by all members. */
export interface LegendItem {
  label: string;
  color: string;
  dashed?: boolean;
  /** Dotted (finer than dashed): the swatch matches the line. */
  dotted?: boolean;
}

/** The SVG dash pattern of a legend entry's line, the same the chart draws. */
export function dashOf(item: Pick<LegendItem, 'dashed' | 'dotted'>): string | undefined {
  return item.dotted ? '1 3' : item.dashed ? '5 4' : undefined;
}

export interface ChartFrameProps {
  /** Test id suffix: the container is `chart-<id>`. */
  id: string;
  title: string;
  /** One sentence under the title: what the chart shows and what to look for. */
  caption: ReactNode;
  /** How many points the chart plots (`data-points`). */
  points: number;
  legend: LegendItem[];
  /** Extra `data-*` attributes for tests (e.g. the number of trajectories drawn). */
  data?: Record<string, string | number>;
  /** Controls beside the title (a select, a toggle). */
  controls?: ReactNode;
  /** The plot; `null` shows `empty` instead. */
  children: ReactNode;
  empty?: string;
}

/** A short line sample in the series' colour and dash style. */
function LineSample({ color, dash }: { color: string; dash?: string }) {
  return (
    <svg width="18" height="8" aria-hidden="true" className="legend-line">
      <line x1="1" y1="4" x2="17" y2="4" stroke={color} strokeWidth="2.5" strokeDasharray={dash} strokeLinecap={dash === '1 3' ? 'round' : undefined} />
    </svg>
  );
}

/** A titled chart panel with PNG export. */
export function ChartFrame({ id, title, caption, points, legend, data = {}, controls, children, empty = 'No iterations yet: press Step or Play.' }: ChartFrameProps) {
  const waiting = useWaiting();
  const { view, roles } = useStageView();
  // A stage walk of the first iteration holds its point back until the update.
  const held = view.chartsIncludeLatest ? null : `This iteration’s point joins the charts at the “${roles.moved}” stage: press Next stage.`;
  const headingId = `chart-title-${id}`;
  const plot = useRef<HTMLDivElement>(null);
  const [busy, setBusy] = useState(false);
  const dataAttributes = Object.fromEntries(Object.entries(data).map(([k, v]) => [`data-${k}`, v]));

  async function exportPng() {
    // The plot's own SVG, not the legend swatches' little ones.
    const svg = plot.current?.querySelector<SVGSVGElement>('svg.recharts-surface');
    if (!svg) {
      showError(`Nothing to export yet: the ${title} chart has no plot.`);
      return;
    }
    setBusy(true);
    try {
      downloadBlob(await chartToPng(svg, title, legend), pngFileName(title));
    } catch (e) {
      showError(`Could not export the ${title} chart as PNG: ${e instanceof Error ? e.message : String(e)}.`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="chart" aria-labelledby={headingId} data-testid={`chart-${id}`} data-points={points} {...dataAttributes}>
      <div className="chart-head">
        <h3 id={headingId} className="chart-title">
          {title}
        </h3>
        {controls}
        <button type="button" className="chart-png" onClick={() => void exportPng()} disabled={busy || children === null} aria-label={`Download ${title} as PNG`}>
          PNG
        </button>
      </div>
      <p className="chart-caption">{caption}</p>
      <div className="chart-plot" ref={plot}>
        {children === null ? <p className="chart-empty">{waiting ?? held ?? empty}</p> : children}
      </div>
      {legend.length > 0 && (
        <ul className="legend" aria-label={`${title}: legend`}>
          {legend.map((item) => (
            <li key={`${item.label}-${item.color}-${dashOf(item) ?? 's'}`}>
              <LineSample color={item.color} dash={dashOf(item)} />
              {item.label}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
