/**
 * The page at 1280×720: a header (title, backend badge), the settings on the left, and the
 * run controls above a 2×2 grid of charts. Narrow screens stack the columns.
 */
import { BackendBadge, BackendFallbackNotice } from './BackendBadge';
import { Charts } from './Charts';
import { ConfigPanel } from './ConfigPanel';
import { ErrorAlert } from './ErrorAlert';
import { FarmPanel } from './FarmPanel';
import { RunControls } from './RunControls';

/** The whole lab. */
export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Alignment Lab</h1>
        <p className="app-tagline">Learning from feedback on AlpacaFarm-style toy tasks, trained in this tab</p>
        <BackendBadge />
      </header>
      {/* Above both columns: on a tablet the settings stack first, and a damaged-link message must still be seen first. */}
      <ErrorAlert />
      <aside className="sidebar" aria-label="Settings">
        <ConfigPanel />
      </aside>
      <main className="main">
        <BackendFallbackNotice />
        <RunControls />
        <Charts />
        <FarmPanel />
      </main>
    </div>
  );
}
