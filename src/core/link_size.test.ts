import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { decompressedLength } from './link_size';
import { Rng } from './rng';

describe('decompressedLength: a share payload’s size before decompressing it', () => {
  const rng = new Rng(12);
  const text = (n: number, alphabet: string) => Array.from({ length: n }, () => alphabet[rng.int(alphabet.length)]).join('');

  it('equals lz-string’s output length on texts of every kind', () => {
    const texts = [
      'a',
      '{"version":1,"seed":3}',
      JSON.stringify({ task: { id: 'custom', responses: ['é', '😀 ünïcode', 'x'.repeat(300)] } }),
      ...Array.from({ length: 40 }, (_, i) => text(1 + i * 97, i % 2 ? 'ab' : 'abcdefghijklmnopqrstuvwxyz{}":,0123456789')),
      text(5000, '\u4e00\u4e01\u4e02\u00e9\u{1F600}'),
    ];
    for (const t of texts) {
      const payload = compressToEncodedURIComponent(t);
      expect(decompressedLength(payload, Infinity)).toBe(t.length);
    }
  });

  it('on garbage and damaged payloads, a positive answer is lz-string’s output length (0 refuses the payload)', () => {
    const good = compressToEncodedURIComponent(JSON.stringify({ a: 'hello world', b: [1, 2, 3] }));
    const samples = [
      'xxx',
      'not a link!!',
      good.slice(0, good.length >> 1),
      ...Array.from({ length: 200 }, () => {
        const at = rng.int(good.length);
        return good.slice(0, at) + 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$'[rng.int(64)] + good.slice(at + 1);
      }),
      ...Array.from({ length: 200 }, () => text(1 + rng.int(200), 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$')),
    ];
    let measured = 0;
    for (const payload of samples) {
      const n = decompressedLength(payload, Infinity);
      if (n > 0) {
        measured++;
        expect(decompressFromEncodedURIComponent(payload).length).toBe(n);
      }
    }
    expect(measured).toBeGreaterThan(50);
  });

  it('stops at the limit: a 1.5 KB payload that unpacks to 500,000 characters is refused at 262,144', () => {
    const bomb = compressToEncodedURIComponent('a'.repeat(500_000));
    expect(bomb.length).toBeLessThan(1600);
    expect(decompressedLength(bomb, 500_000)).toBe(500_000);
    expect(decompressedLength(bomb, 262_144)).toBe(Infinity);
  });
});
