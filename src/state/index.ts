/**
 * The state layer's public surface for the UI: the store, its selectors and the actions.
 * Engine types are re-exported as types only, so the UI never imports from engine/.
 */
export { useLab, lastIteration, appendResult, initialLabState, secondsLeft, type LabState, type StageProgress, type TimedProgress } from './labStore';
export { initLab, disposeLab, setConfig, step, play, pause, reset, setBackend, setPresent, dismissError, showError, type EngineFactory } from './actions';
export {
  useStepper,
  currentWalk,
  runAvailability,
  stepStage,
  stepIteration,
  playAtSpeed,
  togglePlay,
  setSpeed,
  followPlayback,
  SPEEDS,
  SPEED_IDS,
  type Speed,
  type StageWalk,
  type RunAvailability,
} from './stepper';
export { importPreferenceFile, exportComparisons } from './preferenceData';
export { useLabeller, currentOffer, answer, skip, allLabels, yourAgreement, applyYourLabels, clearYourLabels } from './labeller';
export type { BackendChoice, BackendInfo, BackendName, EngineStatus } from '../engine/protocol';
export {
  useRuns,
  startRunHistory,
  renameRun,
  deleteRun,
  undoDelete,
  reopenRun,
  toggleCompare,
  toggleVisible,
  exportRun,
  importRunText,
  type RunsState,
  type ExportFile,
} from './runStore';
export { defaultRunName, type SavedRun } from './runFile';
export { readEmbed, pageEmbed, embedNotice, EMBED_PANELS, type EmbedPanel, type EmbedParams } from './embed';
