/**
 * `count-speakers batch` end to end with the real engine on real recordings (skips visibly
 * without ../shared/data): broken files are recorded and the batch goes on; resume skips what
 * is done; kill -9 mid-run then a rerun leaves every file exactly once in the results.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultJobs, parseBatchArgs, rttmPathOf, runBatch } from '../../src/cli/batch.js';
import { capture } from './capture.js';
import { cliCommand } from './spawnCli.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');
const hasData = existsSync(path.join(dataDir, 'ina', 'lamartine.wav')) && existsSync(path.join(dataDir, 'librispeech', 'speakers.csv'));
if (!hasData) console.warn(`[batch.test] skipping the end-to-end batch tests: no shared data at ${dataDir} (set COUNT_SPEAKERS_DATA)`);

interface Line {
  file: string;
  M?: number;
  F?: number;
  elapsedSec?: number;
  error?: { code: string; message: string };
}

function readLines(file: string): Line[] {
  const text = readFileSync(file, 'utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Line);
}

function librispeechFiles(n: number): string[] {
  const rows = readFileSync(path.join(dataDir, 'librispeech', 'speakers.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  return rows.slice(0, n).map((r) => path.join(dataDir, 'librispeech', r.split(',')[2]));
}

describe('batch arguments', () => {
  it('runs one job per two cores by default, at least one and at most 4', () => {
    expect([1, 2, 3, 4, 8, 16].map(defaultJobs)).toEqual([1, 1, 1, 2, 4, 4]);
  });

  it('parses options, rejects bad ones, requires --out', () => {
    const a = parseBatchArgs([
      'corpus',
      '--out',
      'r.jsonl',
      '--jobs',
      '2',
      '--threads',
      '4',
      '--shard',
      '1/3',
      '--ext',
      'wav,MP4',
      '--min-speech',
      '1.5',
      '--num-speakers',
      '2',
    ]);
    expect(a).toMatchObject({
      input: 'corpus',
      out: 'r.jsonl',
      jobs: 2,
      cores: 4,
      shard: { index: 1, count: 3 },
      extensions: ['wav', 'mp4'],
      options: { minSpeechSec: 1.5, numSpeakers: 2 },
    });
    expect(parseBatchArgs(['--help'])).toBe('help');
    expect(() => parseBatchArgs(['corpus'])).toThrow(/--out/);
    expect(() => parseBatchArgs(['a', 'b', '--out', 'r'])).toThrow(/one folder or list/);
    expect(() => parseBatchArgs(['c', '--out', 'r', '--jobs', '0'])).toThrow(/--jobs/);
    expect(() => parseBatchArgs(['c', '--out', 'r', '--shard', '3/3'])).toThrow(/shard/);
    expect(() => parseBatchArgs(['c', '--out', 'r', '--bogus'])).toThrow();
  });

  it('usage errors exit 2 with a message', async () => {
    const io = capture();
    expect(await runBatch(['nowhere-dir', '--out', path.join(tmpdir(), 'x.jsonl')], io)).toBe(2);
    expect(io.err).toMatch(/nowhere-dir.*does not exist/);
    const io2 = capture();
    expect(await runBatch(['x'], io2)).toBe(2);
    expect(io2.err).toMatch(/--out/);
  });

  it('RTTM paths mirror sub-folders and never escape the RTTM folder', () => {
    expect(rttmPathOf('out', { file: 'c/a/b/x.wav', key: 'a/b/x.wav', sizeBytes: 1 })).toBe(path.join('out', 'a', 'b', 'x.rttm'));
    expect(rttmPathOf('out', { file: '/abs/y.mp4', key: '../../abs/y.mp4', sizeBytes: 1 })).toBe(path.join('out', 'y.rttm'));
  });
});

describe.skipIf(!hasData)('count-speakers batch on real recordings', () => {
  it('processes the good files, records each broken one with its code, exits 1, prints a summary; a rerun skips all', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'batch-cli-'));
    const corpus = path.join(dir, 'corpus');
    mkdirSync(path.join(corpus, 'sub'), { recursive: true });
    symlinkSync(path.join(dataDir, 'ina', 'lamartine.wav'), path.join(corpus, 'lamartine.wav'));
    const [libri] = librispeechFiles(1);
    symlinkSync(libri, path.join(corpus, 'sub', path.basename(libri)));
    writeFileSync(path.join(corpus, 'empty.wav'), '');
    writeFileSync(path.join(corpus, 'text.wav'), 'this is not audio\n');
    writeFileSync(path.join(corpus, 'truncated.wav'), readFileSync(path.join(dataDir, 'ina', 'lamartine.wav')).subarray(0, 20));
    const out = path.join(dir, 'results.jsonl');
    const csv = path.join(dir, 'results.csv');
    const rttmDir = path.join(dir, 'rttm');
    const args = [corpus, '--recursive', '--out', out, '--csv', csv, '--rttm-dir', rttmDir, '--jobs', '2'];

    const io = capture();
    const code = await runBatch(args, io);
    expect(code).toBe(1);
    const lines = readLines(out);
    expect(lines).toHaveLength(5);
    const by = new Map(lines.map((l) => [path.basename(l.file), l]));
    expect(by.get('lamartine.wav')).toMatchObject({ M: 1, F: 1 });
    expect(by.get('lamartine.wav')?.elapsedSec).toBeGreaterThan(0);
    expect(by.get(path.basename(libri))?.error).toBeUndefined();
    expect(by.get('empty.wav')?.error?.code).toBe('EMPTY_FILE');
    expect(by.get('text.wav')?.error?.code).toBe('NOT_A_WAV');
    expect(by.get('truncated.wav')?.error?.code).toBe('TRUNCATED_HEADER');
    for (const l of lines) if (l.error) expect(l.error.message).toContain(l.file);
    expect(io.err).toMatch(/5 processed \(3 failed\), 0 skipped/);
    expect(io.err).toMatch(/results: +5 of 5 files, 3 failed/);
    expect(io.err).toMatch(/\[EMPTY_FILE\]/);
    expect(io.out).toBe('');
    expect(readFileSync(csv, 'utf8').trim().split('\n')).toHaveLength(6);
    expect(readFileSync(path.join(rttmDir, 'lamartine.rttm'), 'utf8')).toMatch(/^SPEAKER lamartine 1 /);
    expect(existsSync(path.join(rttmDir, 'sub', `${path.basename(libri, '.wav')}.rttm`))).toBe(true);

    // Resume: everything is already there.
    const before = readFileSync(out, 'utf8');
    const io2 = capture();
    expect(await runBatch([...args, '--quiet'], io2)).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe(before);
    expect(io2.err).toMatch(/0 processed \(0 failed\), 5 skipped/);
  });

  it('kill -9 mid-run then the same command again: every file exactly once, no torn line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'batch-kill-'));
    const corpus = path.join(dir, 'corpus');
    mkdirSync(corpus);
    const files = librispeechFiles(16);
    for (const f of files) symlinkSync(f, path.join(corpus, path.basename(f)));
    const out = path.join(dir, 'results.jsonl');
    const args = ['batch', corpus, '--out', out, '--jobs', '1'];

    const [node, ...nodeArgs] = cliCommand();
    const child = spawn(node, [...nodeArgs, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    // Kill as soon as the first result line is there.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && child.exitCode === null) {
      if (existsSync(out) && readFileSync(out, 'utf8').includes('\n')) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    await exited;
    const partial = readLines(out);
    expect(partial.length, `child stderr: ${stderr}`).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(files.length);
    // A crash of the machine could also tear the line being written: the rerun repairs it.
    appendFileSync(out, '{"file":"' + path.join(corpus, 'half-written'));

    const io = capture();
    expect(await runBatch(args.slice(1), io)).toBe(0);
    expect(io.err).toMatch(/repaired .*torn last line/);
    const lines = readLines(out);
    const names = lines.map((l) => path.basename(l.file)).sort();
    expect(names).toEqual(files.map((f) => path.basename(f)).sort());
    expect(lines.every((l) => l.error === undefined && typeof l.M === 'number')).toBe(true);
  });
});
