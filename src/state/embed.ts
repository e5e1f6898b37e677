/**
 * Embed mode: link parameters that hide chosen panels, for course pages
 * (tensorflow/playground's `*_hide` idea). The link says `#c=…&hide=settings,history`;
 * names are checked against a fixed list, unknown ones are dropped with a notice, and only
 * the known names are ever written back into the address bar or shown.
 */

/** The panels an embed link may hide. */
export const EMBED_PANELS = ['header', 'settings', 'history', 'compare', 'feedback'] as const;
export type EmbedPanel = (typeof EMBED_PANELS)[number];

/** What a link asks to hide, and what it asked for that is not a panel. */
export interface EmbedParams {
  hidden: EmbedPanel[];
  /** Unknown names, cut to a short length (they are echoed in a notice as plain text). */
  unknown: string[];
}

function isPanel(name: string): name is EmbedPanel {
  return (EMBED_PANELS as readonly string[]).includes(name);
}

/** The raw `hide=` values of a hash or query (every `hide=` occurrence, comma-separated). */
function hideValues(hash: string): string[] {
  const values: string[] = [];
  for (const match of hash.matchAll(/(?:^#?|[&?#])hide=([^&#]*)/g)) {
    let text = match[1];
    try {
      text = decodeURIComponent(text);
    } catch {
      // A malformed escape is kept raw: it will simply be an unknown name.
    }
    values.push(...text.split(','));
  }
  return values.map((v) => v.trim()).filter(Boolean);
}

/** Reads the embed parameters of a hash; never throws. */
export function readEmbed(hash: string): EmbedParams {
  const hidden: EmbedPanel[] = [];
  const unknown: string[] = [];
  for (const raw of hideValues(hash)) {
    const name = raw.toLowerCase();
    if (isPanel(name)) {
      if (!hidden.includes(name)) hidden.push(name);
    } else {
      const short = raw.length > 60 ? `${raw.slice(0, 60)}…` : raw;
      if (!unknown.includes(short) && unknown.length < 5) unknown.push(short);
    }
  }
  // A fixed order, so the same choice always gives the same link.
  hidden.sort((a, b) => EMBED_PANELS.indexOf(a) - EMBED_PANELS.indexOf(b));
  return { hidden, unknown };
}

/** The `&hide=…` suffix for the valid panels (empty when nothing is hidden). */
export function embedSuffix(params: Pick<EmbedParams, 'hidden'>): string {
  return params.hidden.length ? `&hide=${params.hidden.join(',')}` : '';
}

/** The notice for unknown names, or null when every name was known. */
export function embedNotice(params: EmbedParams): string | null {
  if (!params.unknown.length) return null;
  const names = params.unknown.map((n) => `“${n}”`).join(', ');
  return `This link asks to hide ${names}, which the lab does not have; it can hide ${EMBED_PANELS.join(', ')}.`;
}

let atLoad: EmbedParams | null = null;

/**
 * The embed parameters of the address the page was opened with, read on first call and then
 * fixed: the startup rewrite of the hash drops unknown names, and the notice must still see them.
 */
export function pageEmbed(): EmbedParams {
  atLoad ??= readEmbed(typeof window === 'undefined' ? '' : window.location.hash);
  return atLoad;
}
