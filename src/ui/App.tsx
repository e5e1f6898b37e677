/**
 * The page at 1280×720: a header (title, backend badge), the settings on the left, and the
 * run controls above a 2×2 grid of charts. Narrow screens stack the columns.
 */
import { BackendBadge, BackendFallbackNotice } from './BackendBadge';
import { Charts } from './Charts';
import { ConfigPanel } from './ConfigPanel';
import { ErrorAlert } from './ErrorAlert';
import { Glossary } from './Glossary';
import { JudgesPanel } from './JudgesPanel';
import { Labeller } from './Labeller';
import { RunControls } from './RunControls';
import { ScenarioPicker } from './ScenarioPicker';
import { ComparePanel } from './ComparePanel';
import { HistoryPanel } from './HistoryPanel';
import { ShareButton } from './ShareButton';
import { embedNotice, setPresent, useLab } from '../state';
import { useEmbed } from './useEmbed';

/** The whole lab. */
export function App() {
  // Embed links (`&hide=…`) leave chosen panels out, for course pages.
  const embed = useEmbed();
  const embedMessage = embedNotice(embed);
  const present = useLab((s) => s.present);
  const classes = ['app', embed.shows('settings') ? '' : 'app-no-sidebar', present ? 'present' : ''].filter(Boolean).join(' ');
  return (
    <div className={classes}>
      <header className="app-header" hidden={!embed.shows('header')}>
        <h1 className="app-title">Alignment Lab</h1>
        <p className="app-tagline">Learning from feedback on AlpacaFarm-style toy tasks, trained in this tab</p>
        <Glossary />
        <button type="button" className="header-button present-toggle" aria-pressed={present} title="Larger type and thicker lines, for a projector (kept in the link)" onClick={() => setPresent(!present)}>
          Present
        </button>
        <ShareButton />
        <BackendBadge />
      </header>
      {/* Above both columns: on a tablet the settings stack first, and a damaged-link message must still be seen first. */}
      <ErrorAlert />
      <aside className="sidebar" aria-label="Settings" hidden={!embed.shows('settings')}>
        <ScenarioPicker />
        <ConfigPanel />
      </aside>
      <main className="main">
        {embedMessage && (
          <p className="notice embed-notice" role="status">
            {embedMessage}
          </p>
        )}
        <BackendFallbackNotice />
        <RunControls />
        <Charts />
        {embed.shows('feedback') && <JudgesPanel />}
        {embed.shows('feedback') && <Labeller />}
        {embed.shows('compare') && <ComparePanel />}
        {embed.shows('history') && <HistoryPanel />}
      </main>
    </div>
  );
}
