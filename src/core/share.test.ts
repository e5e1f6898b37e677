import { compressToEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig } from './config';
import { decodeShare, encodeConfig, sharePayload, shareUrl } from './share';

const config = defaultConfig({ seed: 7, iterations: 12, sweep: { kind: 'beta', values: [0.01, 0.1] } });
const payload = encodeConfig(config);

describe('share links', () => {
  it('round-trips a config through the bare payload', () => {
    expect(decodeShare(payload)).toEqual(config);
  });

  it('uses only URL-safe characters', () => {
    // lz-string's URI alphabet: A–Z a–z 0–9 + - $
    expect(payload).toMatch(/^[A-Za-z0-9+\-$]+$/);
  });

  it.each([
    ['a full URL with a hash', `https://lab.example/alignment/#c=${payload}`],
    ['a hash', `#c=${payload}`],
    ['a query', `http://127.0.0.1:5173/?c=${payload}`],
    ['a query among other parameters', `http://127.0.0.1:5173/?x=1&c=${payload}&y=2`],
    ['a link with whitespace around it', `  https://lab.example/#c=${payload}\n`],
  ])('finds the payload in %s', (_, text) => {
    expect(sharePayload(text)).toBe(payload);
    expect(decodeShare(text)).toEqual(config);
  });

  it('builds the URL from a base, replacing an old hash', () => {
    expect(shareUrl('https://lab.example/', config)).toBe(`https://lab.example/#c=${payload}`);
    expect(shareUrl('https://lab.example/#c=old', config)).toBe(`https://lab.example/#c=${payload}`);
    expect(decodeShare(shareUrl('https://lab.example/', config))).toEqual(config);
  });

  it('fills defaults for fields a link leaves out', () => {
    const short = compressToEncodedURIComponent(JSON.stringify({ version: 1, seed: 3 }));
    expect(decodeShare(short)).toEqual(defaultConfig({ seed: 3 }));
  });

  it.each([
    ['an empty link', '#c=', /carries no config/],
    ['garbage', 'not a share link at all!!', /could not be decompressed|not valid JSON/],
    ['a link cut short', payload.slice(0, Math.floor(payload.length / 2)), /Share link is damaged/],
    ['JSON that is not an object', compressToEncodedURIComponent('[1,2,3]'), /must be a JSON object/],
    ['text that is not JSON', compressToEncodedURIComponent('{seed: 1'), /not valid JSON/],
    ['a tampered field', compressToEncodedURIComponent(JSON.stringify({ ...config, iterations: -5 })), /iterations/],
    ['an unknown field', compressToEncodedURIComponent(JSON.stringify({ ...config, extra: 1 })), /Share link is damaged/],
  ])('rejects %s with a ConfigError saying the link is damaged', (_, text, reason) => {
    let caught: unknown;
    try {
      decodeShare(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(/^Share link is damaged: /);
    expect((caught as Error).message).toMatch(reason);
  });
});
