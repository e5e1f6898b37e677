/**
 * Share links: the whole experiment (seed included) compressed into the URL, so a link
 * reproduces a run (tensorflow/playground's idea). Pure: no DOM, runs in Node for the CLI.
 *
 * Format: `#c=<lz-string compressToEncodedURIComponent(text)>`, where text is
 *   - `<checksum><JSON>` in links made since the checksum was added: 8 hex digits of FNV-1a
 *     over the JSON, so a link damaged in transit is reported as damaged instead of opening a
 *     different experiment;
 *   - `<JSON>` in older links (they start with "{"), which still open.
 *
 * A link is untrusted input: it is measured before any work is done on it (LINK_LIMITS), and
 * every message about it is short and quotes at most a few characters of it.
 */
import * as lzModule from 'lz-string';
import { ConfigError, parseConfig, type Config } from './config';
import { decompressedLength } from './link_size';
import { fnv1a } from './rng';

// lz-string is CommonJS (`module.exports = LZString`): Node's ESM loader puts it on
// `default` only, while Vite and Vitest also expose named exports. Accept both.
const lz: typeof lzModule = (lzModule as { default?: typeof lzModule }).default ?? lzModule;

export const LINK_LIMITS = {
  /** Characters of payload. The largest config the schema allows (a custom task of 32 random 200-character responses and a full-precision preference matrix) takes 21,000. */
  payload: 32_768,
  /** Characters once decompressed, checked before JSON.parse. */
  text: 262_144,
  /** Nesting of arrays and objects (a config nests 4 deep). */
  depth: 16,
} as const;

const CHECKSUM = /^[0-9a-f]{8}(?=\{)/;

/** FNV-1a of the JSON as 8 hex digits: catches damage, not forgery. */
export function checksum(json: string): string {
  return fnv1a(json).toString(16).padStart(8, '0');
}

/** The config as a URL-safe string (the `c=` payload), checksum included. */
export function encodeConfig(config: Config): string {
  const json = JSON.stringify(config);
  return lz.compressToEncodedURIComponent(checksum(json) + json);
}

/** `${base}#c=<payload>`; any hash already on `base` is replaced. */
export function shareUrl(base: string, config: Config): string {
  const hashAt = base.indexOf('#');
  return `${hashAt < 0 ? base : base.slice(0, hashAt)}#c=${encodeConfig(config)}`;
}

/**
 * The payload inside a share link: a full URL, a hash or query (`#c=…`, `?c=…`, `&c=…`),
 * or the bare payload itself. Not URLSearchParams: the payload alphabet contains '+',
 * which form decoding would turn into a space.
 */
export function sharePayload(text: string): string {
  const trimmed = text.trim();
  const match = /(?:^|[#?&])c=([^&#\s]*)/.exec(trimmed);
  return match ? match[1] : trimmed;
}

const damaged = (what: string) => new ConfigError(`Share link is damaged: ${what}`);

/** The deepest nesting of arrays and objects in JSON text (strings skipped); stops counting past `limit`. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91 /* { [ */) {
      deepest = Math.max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (c === 125 || c === 93 /* } ] */) depth--;
  }
  return deepest;
}

/**
 * Decodes a share link (or its bare payload) into a validated config.
 * @throws ConfigError "Share link is damaged: …", followed by what is wrong (too long, not
 *   decompressible, checksum mismatch, not JSON, nested too deep, or parseConfig's message).
 */
export function decodeShare(text: string): Config {
  if (text.length > LINK_LIMITS.payload + 4096) throw damaged(`it is ${text.length.toLocaleString('en')} characters long; the lab's links are at most ${LINK_LIMITS.payload.toLocaleString('en')}.`);
  const payload = sharePayload(text);
  if (!payload) throw damaged('it carries no config (expected "#c=…").');
  if (payload.length > LINK_LIMITS.payload) throw damaged(`its config is ${payload.length.toLocaleString('en')} characters long; the lab's links carry at most ${LINK_LIMITS.payload.toLocaleString('en')}.`);
  // Measured before it is unpacked: a small payload can unpack to hundreds of megabytes.
  const size = decompressedLength(payload, LINK_LIMITS.text);
  if (size === Infinity) throw damaged(`it unpacks to more than ${LINK_LIMITS.text / 1024} KB, far more than any experiment needs.`);
  let decompressed: string | null = null;
  if (size > 0) {
    try {
      decompressed = lz.decompressFromEncodedURIComponent(payload);
    } catch {
      // lz-string answers '' or null for most garbage, and throws for some.
    }
  }
  if (!decompressed) throw damaged('the config could not be decompressed (was the link cut short?).');
  const sum = CHECKSUM.exec(decompressed)?.[0];
  const json = sum ? decompressed.slice(sum.length) : decompressed;
  if (sum && sum !== checksum(json)) throw damaged('its checksum does not match (a character was changed or lost on the way).');
  if (jsonDepth(json, LINK_LIMITS.depth) > LINK_LIMITS.depth) throw damaged(`the config inside is nested more than ${LINK_LIMITS.depth} levels deep.`);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw damaged('the config inside is not valid JSON.');
  }
  try {
    return parseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) throw damaged(error.message);
    throw error;
  }
}
