import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeConfig } from './core/share';
import { tinyConfig } from './core/testing';

const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Runs the CLI as a user would; tsx directly (not npx) keeps npm's notices off stderr. */
function lab(...args: string[]) {
  // Under the test timeout: a hang fails, a slow machine does not.
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8', timeout: 25 * 60_000 });
  const stderr = result.stderr.split('\n').filter(Boolean);
  return { code: result.status, stdout: result.stdout, stderr };
}

const tiny = tinyConfig(3);

describe('npm run lab', () => {
  it('runs a config file: one JSON line per iteration, then the summary', () => {
    const out = join(dir, 'result.json');
    const { code, stdout, stderr } = lab('run', file('tiny.json', JSON.stringify(tiny)), '--out', out);
    expect(stderr.filter((l) => l.startsWith('error:'))).toEqual([]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines.slice(0, 3).map((l) => l.iteration)).toEqual([1, 2, 3]);
    for (const name of ['reward/proxy', 'reward/gold', 'kl/k3']) expect(Number.isFinite(lines[2].members[0][name]), name).toBe(true);
    const { summary } = lines[3];
    expect(summary.config).toEqual(tiny);
    expect(Number.isFinite(summary.members[0].metrics['reward/gold'])).toBe(true);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(summary);
    // Progress went to stderr, not into the JSON stream.
    expect(stderr.some((l) => l.startsWith('prepare sft'))).toBe(true);
  });

  it('writes the farm’s comparisons, your labels first, as CSV or JSON lines', () => {
    const config = { ...tinyConfig(1), feedback: { comparisons: 16, yours: { labels: [[0, 1, 2, 0]] } } };
    const source = file('yours.json', JSON.stringify(config));
    const csv = lab('comparisons', source);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.trim().split('\n');
    expect(rows[0]).toBe('prompt,chosen,rejected,annotator');
    // Bandit prompt 0 and replies 2 ≻ 1 (the label says the second is better), labelled by you; commas quoted.
    expect(rows[1]).toBe('"“Hello, anyone there?”","Thank you for reaching out. I completely understand, and I will look into every detail of this for you right away.",Happy to help! What do you need?,you');
    expect(rows).toHaveLength(1 + 1 + 16);
    expect(csv.stderr).toContain('17 comparisons');
    const out = join(dir, 'pairs.jsonl');
    expect(lab('comparisons', source, '--format', 'jsonl', '--out', out).code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(17);
    expect(Object.keys(lines[5])).toEqual(['prompt', 'chosen', 'rejected', 'annotator']);
    expect(lab('comparisons', source, '--format', 'xml').stderr).toEqual(['error: --format must be csv or jsonl, got "xml"']);
  });

  it('imports your own preference file into a config that runs, and names the row of a bad one', () => {
    const rows = ['prompt,chosen,rejected,annotator', ...Array.from({ length: 12 }, (_, i) => `"Hi, there",${i % 2 ? 'Hello!' : 'Good day.'},Go away.,${i % 3 ? 'ana' : 'ben'}`)];
    const csv = file('mine.csv', rows.join('\n'));
    const out = join(dir, 'mine.json');
    const imported = lab('import', csv, '--out', out);
    expect(imported.code).toBe(0);
    expect(imported.stderr[0]).toBe(`12 rows: 1 prompt, 3 replies, 2 annotators; config written to ${out}`);
    expect(imported.stderr[1]).toMatch(/^open it in the lab: #c=[A-Za-z0-9+$-]+$/);
    const config = JSON.parse(readFileSync(out, 'utf8'));
    expect(config.task).toMatchObject({ id: 'data', title: 'mine', prompts: ['Hi, there'], responses: ['Good day.', 'Go away.', 'Hello!'], annotators: ['ben', 'ana'] });
    const short = { ...config, iterations: 2, sft: { ...config.sft, steps: 10 }, rewardModel: { ...config.rewardModel, steps: 10 } };
    const { code, stdout } = lab('run', file('mine-short.json', JSON.stringify(short)), '--quiet');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(Object.keys(lines[1].members[0])).toContain('agreement/held_out');
    expect(Object.keys(lines[1].members[0]).filter((k) => k.includes('gold'))).toEqual([]);
    const bad = lab('import', file('bad.csv', 'prompt,chosen,rejected\nHi,Hello,Bye\nHi,,Bye\n'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toEqual([`error: ${join(dir, 'bad.csv')}: row 2, column "chosen": empty; every row needs a prompt, a chosen and a rejected reply.`]);
  });

  it('runs a share link', () => {
    const { code, stdout } = lab('run', `http://127.0.0.1:5173/#c=${encodeConfig(tinyConfig(1))}`, '--quiet');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(2);
  });

  it.each([
    ['an invalid config', () => file('bad.json', JSON.stringify({ version: 1, iterations: -3 })), /^error: .*bad\.json: iterations: /],
    ['a file that is not JSON', () => file('broken.json', '{oops'), /^error: .*broken\.json is not valid JSON/],
    ['a missing file', () => join(dir, 'missing.json'), /^error: no such file: /],
    ['a damaged share link', () => 'http://127.0.0.1:5173/#c=garbage!!', /^error: Share link is damaged: /],
    ['a file saved with a byte-order mark (read, then checked)', () => file('bom.json', `\uFEFF${JSON.stringify({ version: 1, iterations: -3 })}`), /^error: .*bom\.json: iterations: /],
    ['a mistyped file name without .json', () => join(dir, 'tiny-config'), /^error: no such file: .*tiny-config$/],
  ])('rejects %s with exit 1 and one error line', (_, source, message) => {
    const { code, stdout, stderr } = lab('run', source());
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(message);
  });

  it('says which backends there are, in one error line, for a bad --backend', () => {
    const { code, stderr } = lab('run', file('t.json', JSON.stringify(tiny)), '--backend', 'tpu');
    expect(code).toBe(1);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^error: --backend must be one of [a-z, ]*auto, got "tpu"$/);
  });

  it('on divergence, writes the last good iteration’s summary to --out and exits 1 with what blew up', () => {
    const out = join(dir, 'diverged.json');
    const config = { ...tinyConfig(60), method: { ...tinyConfig(60).method, adaptiveKl: { target: 0.001, horizon: 1 } } };
    const { code, stdout, stderr } = lab('run', file('diverge.json', JSON.stringify(config)), '--out', out, '--quiet');
    expect(code).toBe(1);
    const last = stdout.trim().split('\n').map((l) => JSON.parse(l)).at(-1);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(new RegExp(`^error: Training diverged at iteration ${last.iteration + 1} .*The last good iteration's summary is in .*diverged\\.json\\.$`));
    const summary = JSON.parse(readFileSync(out, 'utf8'));
    expect(summary.iterations).toBe(last.iteration);
    expect(summary.members[0].metrics['reward/proxy']).toBe(last.members[0]['reward/proxy']);
  });

  it('refuses an experiment over the cost budget unless --allow-large, before preparing anything', () => {
    const huge = file('huge.json', JSON.stringify({ version: 1, task: { id: 'sorting' }, method: { id: 'best_of_n', n: 256, batchSize: 4096 } }));
    const { code, stdout, stderr } = lab('run', huge);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^error: This experiment would need about .* of memory .*Pass --allow-large to run it anyway\.$/);
  });

  it('prints usage and exits 2 on an unknown command', () => {
    const { code, stderr } = lab('frobnicate');
    expect(code).toBe(2);
    expect(stderr.join('\n')).toMatch(/unknown command "frobnicate"[\s\S]*usage:/);
  });

  it('prints the config schema', () => {
    const { code, stdout } = lab('schema');
    expect(code).toBe(0);
    const schema = JSON.parse(stdout);
    expect(schema.properties).toHaveProperty('iterations');
    expect(schema.properties).toHaveProperty('method');
  });
});
