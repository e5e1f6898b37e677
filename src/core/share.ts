/**
 * Share links: the whole experiment (seed included) compressed into the URL, so a link
 * reproduces a run (tensorflow/playground's idea). Pure: no DOM, runs in Node for the CLI.
 *
 * Format: `#c=<lz-string compressToEncodedURIComponent(JSON.stringify(config))>`.
 */
import * as lzModule from 'lz-string';
import { ConfigError, parseConfig, type Config } from './config';

// lz-string is CommonJS (`module.exports = LZString`): Node's ESM loader puts it on
// `default` only, while Vite and Vitest also expose named exports. Accept both.
const lz: typeof lzModule = (lzModule as { default?: typeof lzModule }).default ?? lzModule;

/** The config as a URL-safe string (the `c=` payload). */
export function encodeConfig(config: Config): string {
  return lz.compressToEncodedURIComponent(JSON.stringify(config));
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

/**
 * Decodes a share link (or its bare payload) into a validated config.
 * @throws ConfigError "Share link is damaged: …", followed by what is wrong: not
 *   decompressible, not JSON, or (parseConfig's message) not a valid config.
 */
export function decodeShare(text: string): Config {
  const payload = sharePayload(text);
  if (!payload) throw new ConfigError('Share link is damaged: it carries no config (expected "#c=…").');
  let json: string | null;
  try {
    json = lz.decompressFromEncodedURIComponent(payload);
  } catch {
    json = null;
  }
  // lz-string answers '' or null (not an exception) for most garbage.
  if (!json) throw new ConfigError('Share link is damaged: the config could not be decompressed (was the link cut short?).');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new ConfigError('Share link is damaged: the config inside is not valid JSON.');
  }
  try {
    return parseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`Share link is damaged: ${error.message}`);
    throw error;
  }
}
