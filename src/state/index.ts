/**
 * The state layer's public surface for the UI: the store, its selectors and the actions.
 * Engine types are re-exported as types only, so the UI never imports from engine/.
 */
export { useLab, lastIteration, appendResult, initialLabState, type LabState, type StageProgress } from './labStore';
export { initLab, disposeLab, setConfig, step, play, pause, reset, setBackend, dismissError, showError, type EngineFactory } from './actions';
export type { BackendChoice, BackendInfo, BackendName, EngineStatus } from '../engine/protocol';
