/**
 * The embed parameters of the link the page was opened with (`#c=…&hide=settings,history`),
 * fixed for the page's life: a course page's embed does not change while it is open.
 */
import { pageEmbed, type EmbedPanel, type EmbedParams } from '../state';

/** The validated embed parameters, and a test for one panel. */
export function useEmbed(): EmbedParams & { shows: (panel: EmbedPanel) => boolean } {
  const params = pageEmbed();
  return { ...params, shows: (panel) => !params.hidden.includes(panel) };
}
