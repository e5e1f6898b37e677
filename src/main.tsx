/** Entry point: mounts the lab and starts the engine (a Web Worker) once. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initLab, startRunHistory } from './state';
import { App } from './ui/App';
import './ui/styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
// Outside React: StrictMode runs effects twice in development, and the engine must start once.
void initLab();
// Runs are kept in IndexedDB even when an embed hides the history panel.
void startRunHistory();
