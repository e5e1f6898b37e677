import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../core/config';
import { damagedLinkMessage, hasSharePayload, hashFor, readHash, readPresent, refusedLinkMessage } from './url';

describe('share-link hash', () => {
  it.each([
    ['#c=abc', true],
    ['#x=1&c=abc', true],
    ['', false],
    ['#', false],
    ['#abc=1', false],
  ])('hasSharePayload(%j) is %s', (hash, expected) => {
    expect(hasSharePayload(hash)).toBe(expected);
  });

  it('reads back the config it wrote', () => {
    const config = defaultConfig({ seed: 7, iterations: 12 });
    expect(readHash(hashFor(config))).toEqual({ kind: 'config', config });
  });

  it('reports a damaged link instead of throwing', () => {
    const read = readHash('#c=xxx');
    expect(read.kind).toBe('damaged');
  });

  it('a hash without a payload is not an error', () => {
    expect(readHash('')).toEqual({ kind: 'none' });
  });

  it('says once that the link is damaged, and what the lab did about it', () => {
    expect(damagedLinkMessage('Share link is damaged: the config inside is not valid JSON.', true)).toBe(
      'This link is damaged or was edited: the config inside is not valid JSON; the lab opened with its defaults.',
    );
    expect(damagedLinkMessage('seed: too big', false)).toBe('This link is damaged or was edited: seed: too big; the lab kept its current settings.');
  });

  it('refuses a valid link that asks for more than the lab can run, before anything is prepared', () => {
    const huge = defaultConfig({ task: { id: 'sorting' }, sweep: { kind: 'seed', count: 16 }, method: { id: 'best_of_n', n: 256, batchSize: 4096 } });
    const read = readHash(hashFor(huge));
    expect(read.kind).toBe('refused');
    if (read.kind !== 'refused') return;
    expect(read.reason).toMatch(/^This experiment would need about .* of memory/);
    expect(refusedLinkMessage(read.reason, true)).toMatch(/The lab opened with its defaults\.$/);
    expect(refusedLinkMessage(read.reason, false).length).toBeLessThanOrEqual(300);
  });

  it.each([
    ['#c=abc&present=1', true],
    ['#c=abc&present=1&hide=header', true],
    ['#present=1', true],
    ['#c=abc', false],
    ['#c=abc&present=0', false],
    ['#c=abc&notpresent=1', false],
  ])('reads presentation mode from %s: %s', (hash, on) => {
    expect(readPresent(hash)).toBe(on);
  });
});
