/**
 * Fuzzing what arrives from outside (issue 13): thousands of generated share links and run
 * files, from a fixed seed. Whatever arrives, the lab answers with a config or with its own
 * short message: no other exception, no message over the cap, no prototype touched.
 */
import { compressToEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { defaultConfig, MESSAGE_LIMIT, parseConfig } from '../core/config';
import { Rng } from '../core/rng';
import { checksum, encodeConfig } from '../core/share';
import { parseRunFile, RunFileError, toRunFile } from './runFile';
import { damagedLinkMessage, readHash } from './url';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
const KEYS = ['version', 'seed', 'iterations', 'task', 'id', 'method', 'beta', 'sweep', 'values', '__proto__', 'constructor', 'prototype', 'toString', 'x'.repeat(5000)];

/** A random JSON value: deep, wide, long strings, odd keys, extreme numbers. */
function randomJson(rng: Rng, depth: number): unknown {
  const pick = rng.int(depth > 40 ? 4 : 8);
  switch (pick) {
    case 0:
      return [0, -0, 1, -1, 1e308, -1e308, 1e-300, 0.5, 2 ** 31, 2 ** 53 + 1][rng.int(10)];
    case 1:
      return rng.int(3) === 0 ? 's'.repeat(rng.int(20_000)) : ['bandit', 'custom', 'ppo', 'dpo', 'beta', '', '<script>'][rng.int(7)];
    case 2:
      return [true, false, null][rng.int(3)];
    case 3:
      return rng.int(100);
    case 4:
    case 5:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: rng.int(5) }, () => [KEYS[rng.int(KEYS.length)], randomJson(rng, depth + 1)]));
  }
}

/** `text` with one character replaced by a different one of the link alphabet. */
function oneCharChanged(rng: Rng, text: string): string {
  const at = rng.int(text.length);
  let c = text[at];
  while (c === text[at]) c = ALPHABET[rng.int(ALPHABET.length)];
  return text.slice(0, at) + c + text.slice(at + 1);
}

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();

describe('fuzz: share links', () => {
  const base = [
    defaultConfig({ seed: 7 }),
    defaultConfig({ method: { id: 'dpo' }, sweep: { kind: 'beta', values: [0.01, 0.1, 1] } }),
    defaultConfig({ task: { id: 'helpful' }, sft: { demos: 2048 }, iterations: 123 }),
  ];

  it('answers 4,000 generated links with a config or a short message, and never opens a damaged link as another experiment', () => {
    const rng = new Rng(2026);
    const before = prototypeKeys();
    let silent = 0;
    let opened = 0;
    for (let i = 0; i < 4000; i++) {
      const config = base[rng.int(base.length)];
      let hash: string;
      let original: unknown = null;
      switch (i % 5) {
        case 0: // one character changed in a link the lab made
          hash = `#c=${oneCharChanged(rng, encodeConfig(config))}`;
          original = config;
          break;
        case 1: // cut short
          hash = `#c=${encodeConfig(config).slice(0, 1 + rng.int(encodeConfig(config).length - 1))}`;
          break;
        case 2: { // random JSON, with or without a checksum
          const json = JSON.stringify(randomJson(rng, 0)) ?? 'null';
          hash = `#c=${compressToEncodedURIComponent(rng.int(2) ? checksum(json) + json : json)}`;
          break;
        }
        case 3: // random characters of the link alphabet
          hash = `#c=${Array.from({ length: 1 + rng.int(400) }, () => ALPHABET[rng.int(ALPHABET.length)]).join('')}`;
          break;
        default: { // a valid config with one field replaced by random JSON
          const raw = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
          raw[KEYS[rng.int(KEYS.length)]] = randomJson(rng, 0);
          const json = JSON.stringify(raw);
          hash = `#c=${compressToEncodedURIComponent(checksum(json) + json)}`;
        }
      }
      const read = readHash(hash);
      if (read.kind === 'config') {
        opened++;
        expect(parseConfig(JSON.parse(JSON.stringify(read.config)))).toEqual(read.config);
        if (original && JSON.stringify(read.config) !== JSON.stringify(original)) silent++;
      } else {
        expect(read.kind).toBe('damaged');
        if (read.kind === 'damaged') expect(damagedLinkMessage(read.reason, true).length).toBeLessThanOrEqual(300);
      }
    }
    expect(silent).toBe(0);
    expect(opened).toBeGreaterThan(100); // the generator does make valid links too
    expect(prototypeKeys()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('fuzz: run files', () => {
  it('answers 1,500 generated run files with a run or a short RunFileError', () => {
    const rng = new Rng(13);
    const before = prototypeKeys();
    const valid = JSON.parse(
      toRunFile({
        id: 'a', name: 'run', createdAt: 0, updatedAt: 0, backend: 'WASM', config: defaultConfig({ iterations: 2 }),
        iterations: [1, 2].map((iteration) => ({ iteration, members: [{ 'reward/gold': 0.5, 'kl/k3': 0.1 }], stages: [], readbacks: 1 })),
      }),
    ) as Record<string, unknown>;
    let imported = 0;
    for (let i = 0; i < 1500; i++) {
      const file = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
      // Replace something at a random depth: a top-level field, an iteration, a member's metrics.
      const target = [file, (file.iterations as Record<string, unknown>[])[rng.int(2)], ((file.iterations as { members: Record<string, unknown>[] }[])[0].members[0])][rng.int(3)];
      target[KEYS.concat(['format', 'name', 'iterations', 'members', 'kl/k3', 'config'])[rng.int(KEYS.length + 6)]] = randomJson(rng, 0);
      const text = rng.int(10) === 0 ? JSON.stringify(randomJson(rng, 0)) ?? '' : JSON.stringify(file);
      try {
        parseRunFile(text, 'b', 0);
        imported++;
      } catch (error) {
        expect(error).toBeInstanceOf(RunFileError);
        expect((error as Error).message.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
      }
    }
    expect(imported).toBeGreaterThan(50);
    expect(prototypeKeys()).toEqual(before);
  });
});
