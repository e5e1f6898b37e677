import { describe, expect, it } from 'vitest';
import { comparisonRows, toComparisonsCsv, toComparisonsJsonl } from './comparisons_file';
import { ConfigError, DATA_LIMITS, dataTextChars, defaultConfig, parseConfig, type DataTaskConfig } from './config';
import { parsePreferenceFile, PreferenceFileError } from './preference_file';
import { Rng } from './rng';
import { decodeShare, encodeConfig, LINK_LIMITS } from './share';
import { labelPairs } from './tasks/annotators';
import { bandit } from './tasks/bandit';

const error = (text: string, name = 'pairs.csv'): string => {
  try {
    parsePreferenceFile(text, name);
  } catch (e) {
    expect(e).toBeInstanceOf(PreferenceFileError);
    return (e as Error).message;
  }
  throw new Error('expected the file to be refused');
};

describe('reading a preference file', () => {
  it('reads the CSV the comparisons export writes: the same rows, prompts, replies and annotators', () => {
    const rng = new Rng(3);
    const pairs = Array.from({ length: 40 }, () => {
      const [a, b] = [rng.int(6), rng.int(6)];
      return { x: rng.int(3), first: [a], second: [a === b ? (b + 1) % 6 : b] };
    });
    const rows = comparisonRows(bandit, labelPairs(bandit, pairs, 0.5, rng));
    for (const text of [toComparisonsCsv(rows), toComparisonsJsonl(rows)]) {
      const task = parsePreferenceFile(text, 'farm.csv');
      expect(task.title).toBe('farm');
      expect(task.pairs).toHaveLength(40);
      const back = task.pairs.map(([x, w, l, a]) => ({ prompt: task.prompts[x], chosen: task.responses[w], rejected: task.responses[l], annotator: task.annotators[a] }));
      expect(back).toEqual(rows);
      // Replies keep their text, commas, quotes and exclamation marks included.
      expect(new Set(task.responses)).toEqual(new Set(rows.flatMap((r) => [r.chosen, r.rejected])));
      expect(() => parseConfig({ task })).not.toThrow();
    }
  });

  it('reads quoted fields, a missing annotator column, blank lines and surrounding spaces', () => {
    const task = parsePreferenceFile('Prompt, Chosen ,rejected\n"Hi, there","She said ""yes""",  no  \n\n"Hi, there",maybe,no\n', 'mine.csv');
    expect(task).toEqual({ id: 'data', title: 'mine', prompts: ['Hi, there'], responses: ['She said "yes"', 'no', 'maybe'], pairs: [[0, 0, 1, 0], [0, 2, 1, 0]], annotators: ['file'] });
  });

  it('names the row and column of what is wrong', () => {
    expect(error('prompt,chosen\nHi,Hello\n')).toMatch(/no "rejected" column \(it has "prompt", "chosen"\)/);
    expect(error('prompt,chosen,rejected\nHi,Hello,Bye\nHi,,Bye\n')).toBe('row 2, column "chosen": empty; every row needs a prompt, a chosen and a rejected reply.');
    expect(error('prompt,chosen,rejected\nHi,Hello,Bye\nHi,Hello,Bye,Ciao\n')).toMatch(/^row 2: Too many fields.*double quotes\)\.$/);
    expect(error('prompt,chosen,rejected\nHi,Hello,Bye\nHi,Same,Same\n')).toBe('row 2: the chosen and the rejected reply are the same text.');
    expect(error('{"prompt":"a","chosen":"b","rejected":"c"}\n\n{"prompt":"a","chosen":"b"\n', 'f.jsonl')).toMatch(/^line 3 is not JSON/);
    expect(error('{"prompt":"a","chosen":"b","rejected":"c"}\n{"prompt":"a","chosen":"b","rejected":7}\n', 'f.jsonl')).toBe('line 2, column "rejected": expected text, got number.');
    expect(error('prompt,chosen,rejected\nHi,Hello,Bye\n')).toMatch(/has 1 row; at least 2/);
  });

  it('refuses a file beyond the bounds a task can hold, saying which bound', () => {
    const csv = (n: number, row: (i: number) => string) => ['prompt,chosen,rejected', ...Array.from({ length: n }, (_, i) => row(i))].join('\n');
    expect(error(csv(DATA_LIMITS.pairs + 1, () => 'a,b,c'))).toMatch(/1,001 rows; a task from your data holds at most 1,000/);
    expect(error(csv(40, (i) => `a,r${i},s${i}`))).toMatch(/^row 33, column "chosen" brings a reply beyond the 64 distinct ones/);
    expect(error(csv(20, (i) => `p${i},b,c`))).toMatch(/^row 17 brings a prompt beyond the 16 distinct ones/);
    expect(error(csv(2, (i) => `p,${'x'.repeat(301)},c${i}`))).toMatch(/^row 1, column "chosen": the reply is 301 characters long; at most 300/);
    expect(error(csv(30, (i) => `p,${String(i).padStart(250, 'x')},c`))).toMatch(/hold 7,.* characters; a task from your data holds at most 4,000/);
    expect(error('x'.repeat(1_000_001))).toMatch(/1,000,001 characters; at most 1,000,000/);
  });
});

describe('a task from your data in a config and a link', () => {
  const task = parsePreferenceFile('prompt,chosen,rejected\nHi,Hello,Bye\nHi,Hey,Bye\n', 'pairs.csv');

  it('is checked like any config: a row pointing past the lists is refused with its number', () => {
    const bad: DataTaskConfig = { ...task, pairs: [...task.pairs, [0, 1, 9, 0]] };
    expect(() => parseConfig({ task: bad })).toThrow(/task\.pairs\.2: row 3: reply 9 is not one of the 3/);
    expect(() => parseConfig({ task: { ...task, pairs: [[0, 1, 1, 0], [0, 0, 1, 0]] } })).toThrow(/row 1: it compares a reply with itself/);
  });

  it('has nobody to ask: your own labels and the pool judge are refused with what to do instead', () => {
    expect(() => parseConfig({ task, feedback: { yours: { labels: [[0, 0, 1, 1]] } } })).toThrow(/your file labels this task: add your comparisons to the file instead/);
    expect(() => parseConfig({ task, method: { id: 'online_dpo', judge: 'pool' } })).toThrow(ConfigError);
    expect(() => parseConfig({ task, method: { id: 'xpo', judge: 'pool' } })).toThrow(/use the reward model as the judge/);
    expect(() => parseConfig({ task, method: { id: 'online_dpo' } })).not.toThrow();
  });

  it('the largest task the bounds allow, of random text no compressor can shrink, still fits in a link', () => {
    const rng = new Rng(1);
    // Random CJK characters: each costs lz-string a 16-bit literal, the worst case for a link.
    const text = (n: number) => String.fromCharCode(...Array.from({ length: n }, () => 0x4e00 + rng.int(0x5000)));
    // The text budget spent to the character: title, annotators, prompts, then replies.
    const [title, annotators] = [text(80), Array.from({ length: DATA_LIMITS.annotators }, () => text(40))];
    const prompts = Array.from({ length: DATA_LIMITS.prompts }, () => text(40));
    const left = DATA_LIMITS.textChars - 80 - 40 * DATA_LIMITS.annotators - 40 * DATA_LIMITS.prompts;
    const responses = Array.from({ length: DATA_LIMITS.responses }, (_, i) => text(Math.floor(left / DATA_LIMITS.responses) + (i < left % DATA_LIMITS.responses ? 1 : 0)));
    const pairs = Array.from({ length: DATA_LIMITS.pairs }, (): [number, number, number, number] => {
      const w = rng.int(DATA_LIMITS.responses);
      return [rng.int(DATA_LIMITS.prompts), w, (w + 1 + rng.int(DATA_LIMITS.responses - 1)) % DATA_LIMITS.responses, rng.int(DATA_LIMITS.annotators)];
    });
    const config = defaultConfig({ task: { id: 'data', title, prompts, responses, pairs, annotators } });
    expect(dataTextChars(config.task as DataTaskConfig)).toBe(DATA_LIMITS.textChars);
    const payload = encodeConfig(config);
    expect(payload.length).toBeLessThanOrEqual(LINK_LIMITS.payload);
    expect(decodeShare(payload)).toEqual(config);
  });
});
