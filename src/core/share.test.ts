import { compressToEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, MESSAGE_LIMIT } from './config';
import { checksum, decodeShare, encodeConfig, LINK_LIMITS, sharePayload, shareUrl } from './share';

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

  const reason = (text: string): string => {
    try {
      decodeShare(text);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('decoded');
  };

  it('opens links made before the checksum (the JSON alone)', () => {
    const old = compressToEncodedURIComponent(JSON.stringify(config));
    expect(decodeShare(old)).toEqual(config);
  });

  it('reports a link whose checksum does not match as damaged, not as another experiment', () => {
    const json = JSON.stringify(config);
    const changed = json.replace('"seed":7', '"seed":8');
    expect(decodeShare(compressToEncodedURIComponent(checksum(changed) + changed)).seed).toBe(8);
    expect(reason(compressToEncodedURIComponent(checksum(json) + changed))).toMatch(/checksum does not match/);
  });

  it('refuses an oversized link before decompressing it', () => {
    expect(reason('A'.repeat(LINK_LIMITS.payload + 1))).toMatch(/at most 32,768/);
    expect(reason(`#c=${'A'.repeat(LINK_LIMITS.payload + 5000)}`)).toMatch(/at most 32,768/);
  });

  it('refuses a small link that unpacks to megabytes (a decompression bomb)', () => {
    const bomb = compressToEncodedURIComponent(`{"version":1,"x":"${'a'.repeat(1_000_000)}"}`);
    expect(bomb.length).toBeLessThan(LINK_LIMITS.payload);
    expect(reason(bomb)).toMatch(/unpacks to more than 256 KB/);
  });

  it('refuses JSON nested thousands deep with a short message (no stack overflow)', () => {
    const deep = `{"version":${'['.repeat(4000)}1${']'.repeat(4000)}}`;
    expect(reason(compressToEncodedURIComponent(deep))).toMatch(/nested more than 16 levels/);
    // Within the depth limit a nested version is described, never printed.
    expect(reason(compressToEncodedURIComponent(`{"version":${'['.repeat(10)}1${']'.repeat(10)}}`))).toMatch(/version must be a positive integer, got an array of 1/);
  });

  it.each([
    ['a megabyte string in version', { version: 'v'.repeat(100_000) }],
    ['a megabyte unknown key', { version: 1, ['k'.repeat(100_000)]: 1 }],
    ['a megabyte string in a field', { version: 1, task: { id: 'custom', title: 't'.repeat(100_000), responses: ['a', 'b'], reward: [0, 1] } }],
  ])('keeps the message short for %s', (_, raw) => {
    const message = reason(compressToEncodedURIComponent(JSON.stringify(raw)));
    expect(message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
  });
});
