/**
 * URL sync: the config lives in `location.hash` as `#c=<lz-string JSON>` so that a
 * link reproduces an experiment. The hash is derived from the store, never the reverse,
 * except once at startup (and when someone pastes a new link into the same tab).
 */
import type { Config } from '../core/config';
import { estimateCost, overBudget } from '../core/cost';
import { decodeShare, encodeConfig } from '../core/share';
import { embedSuffix, pageEmbed } from './embed';

/** Whether a hash carries a share payload at all (`#c=…`, possibly among other params). */
export function hasSharePayload(hash: string): boolean {
  return /(?:^#?|[&?])c=/.test(hash);
}

/** Outcome of reading a hash: a config, nothing to read, or a message for the alert (damaged, or more than the lab can run). */
export type HashRead = { kind: 'config'; config: Config } | { kind: 'none' } | { kind: 'damaged'; reason: string } | { kind: 'refused'; reason: string };

/** Decodes the config a hash carries; a damaged or oversized link yields a message, never a throw. */
export function readHash(hash: string): HashRead {
  if (!hasSharePayload(hash)) return { kind: 'none' };
  let config: Config;
  try {
    config = decodeShare(hash);
  } catch (error) {
    return { kind: 'damaged', reason: error instanceof Error ? error.message : String(error) };
  }
  // Measured before anything is prepared: a valid link can still ask for terabytes.
  const refusal = overBudget(estimateCost(config));
  return refusal ? { kind: 'refused', reason: refusal } : { kind: 'config', config };
}

/** The alert text for a valid link that asks for more than the lab can run. */
export function refusedLinkMessage(reason: string, atStartup: boolean): string {
  return `${reason} ${atStartup ? 'The lab opened with its defaults.' : 'The lab kept its current settings.'}`;
}

/** The alert text for a damaged link; `atStartup` says whether the defaults were used. */
export function damagedLinkMessage(reason: string, atStartup: boolean): string {
  // decodeShare's messages open with their own "Share link is damaged:"; say it once.
  const trimmed = reason.replace(/^Share link is damaged:\s*/i, '').replace(/[.\s]+$/, '');
  const outcome = atStartup ? 'the lab opened with its defaults' : 'the lab kept its current settings';
  return `This link is damaged or was edited: ${trimmed}; ${outcome}.`;
}

/** The hash that carries a config. */
export function hashFor(config: Config): string {
  return `#c=${encodeConfig(config)}`;
}

/** Whether a link asks for presentation mode (`&present=1`). */
export function readPresent(hash: string): boolean {
  return /(?:^#?|[&?#])present=1(?:&|$)/.test(hash);
}

/**
 * Writes the config into the address bar without adding a history entry per edit
 * (a β typed three times should not take three Back presses to leave the page).
 */
export function writeHash(config: Config, present = false): void {
  if (typeof window === 'undefined') return;
  // Embed parameters (`&hide=…`) and presentation mode stay in the link, so a shared embed or projector link stays one.
  const hash = hashFor(config) + embedSuffix(pageEmbed()) + (present ? '&present=1' : '');
  if (window.location.hash === hash) return;
  window.history.replaceState(window.history.state, '', hash);
}
