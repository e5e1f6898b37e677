/** Hands a text file made by the state layer to the browser's download. */
import type { ExportFile } from '../state';
import { downloadBlob } from './charts/exportPng';

export function downloadText(file: ExportFile): void {
  downloadBlob(new Blob([file.text], { type: file.mime }), file.fileName);
}
