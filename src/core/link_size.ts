/**
 * How long a share link's payload decompresses to, found without decompressing it.
 *
 * lz-string (1.5, whose format every link ever shared uses) offers no limit on its output: a
 * 16 KB payload can unpack to 32 million characters (300 ms and 200 MB here; the 45 KB
 * link to 100 MB of JSON froze the tab for 10–19 s). This walks the same bit stream as
 * lz-string's `_decompress` for `decompressFromEncodedURIComponent`, keeping only the length
 * of each dictionary entry, and stops as soon as the total passes the limit: linear in the
 * payload, a millisecond for the largest link the lab accepts.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

/**
 * Characters `payload` decompresses to; `Infinity` once that passes `limit`; 0 where it is
 * not what lz-string writes (lz-string then gives '' or null, or throws, or for a first code
 * of 3, garbage). Where this is positive and finite, lz-string's output has exactly that length.
 */
export function decompressedLength(payload: string, limit: number): number {
  const input = payload.replace(/ /g, '+');
  // A character outside the alphabet reads as 0 bits, as in lz-string (undefined & x = 0).
  const valueAt = (i: number) => VALUE.get(input.charAt(i)) ?? 0;
  let val = valueAt(0);
  let position = 32;
  let index = 1;
  const read = (width: number): number => {
    let bits = 0;
    for (let power = 1; power !== 2 ** width; power *= 2) {
      const bit = val & position;
      position >>= 1;
      if (position === 0) {
        position = 32;
        val = valueAt(index++);
      }
      if (bit) bits += power;
    }
    return bits;
  };

  const first = read(2);
  // 2 ends an empty text; 3 is a code lz-string never writes first (its decoder then runs on
  // an undefined entry): neither is a link, so neither is worth decompressing.
  if (first >= 2) return 0;
  read(first === 0 ? 8 : 16);
  /** Length of each dictionary entry; entries 0–2 are the three control codes. */
  const lengths = [0, 0, 0, 1];
  let dictSize = 4;
  let numBits = 3;
  let enlargeIn = 4;
  let w = 1;
  let total = 1;
  for (;;) {
    if (index > input.length) return 0;
    let c = read(numBits);
    if (c === 2) return total;
    if (c < 2) {
      read(c === 0 ? 8 : 16);
      lengths[dictSize++] = 1;
      c = dictSize - 1;
      enlargeIn--;
    }
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
    let entry: number;
    if (c < dictSize) entry = lengths[c];
    else if (c === dictSize) entry = w + 1;
    else return 0;
    total += entry;
    if (total > limit) return Infinity;
    lengths[dictSize++] = w + 1;
    enlargeIn--;
    w = entry;
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
  }
}
