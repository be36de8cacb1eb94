/** The `count-speakers <file>` command: output formats, RTTM, errors and exit codes. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCount, parseCountArgs } from '../../src/cli/count.js';
import { capture } from './capture.js';
import { parseRttm } from '../../src/io/index.js';
import { wavFloat32Bytes } from '../../tools/lib/shared-data.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');
const lamartine = path.join(dataDir, 'ina/lamartine.wav');
const hasData = existsSync(lamartine);
if (!hasData) console.warn(`[cli count] real-recording cases skipped: ${lamartine} not found (set COUNT_SPEAKERS_DATA)`);

const tmp = mkdtempSync(path.join(tmpdir(), 'cs-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('argument parsing', () => {
  it('maps options to library options', () => {
    const a = parseCountArgs(['--json', '--min-speech', '1.5', '--max-speakers', '4', '--threads', '1', 'a.wav', 'b.wav']);
    expect(a).toEqual({
      files: ['a.wav', 'b.wav'],
      json: true,
      rttm: undefined,
      quiet: false,
      options: { minSpeechSec: 1.5, maxSpeakers: 4, threads: 1 },
    });
  });

  it('--exchange-gap reaches the library options', () => {
    const a = parseCountArgs(['--exchange-gap', '1.5', 'a.wav']);
    expect(a !== 'help' && a.options).toEqual({ exchangeGapSec: 1.5 });
  });

  it('usage errors exit 2 with a hint, no stack trace', async () => {
    for (const argv of [
      [],
      ['--num-speakers', 'x', 'a.wav'],
      ['--bogus', 'a.wav'],
      ['--min-speech', '-1', 'a.wav'],
      ['--exchange-gap', 'x', 'a.wav'],
      ['--exchange-gap', '-1', 'a.wav'],
    ]) {
      const io = capture();
      expect(await runCount(argv, io)).toBe(2);
      expect(io.err).toMatch(/count-speakers: .*\n.*--help/s);
      expect(io.err).not.toMatch(/\n\s+at /);
    }
  });

  it('--help prints the usage and exits 0', async () => {
    const io = capture();
    expect(await runCount(['--help'], io)).toBe(0);
    expect(io.out).toMatch(/Usage:/);
    expect(io.out).toMatch(/--rttm <file>/);
  });
});

describe('failures', () => {
  it('a missing file is reported with its name and code, exit 1, and the other files still run', async () => {
    const bad = path.join(tmp, 'missing.wav');
    const text = path.join(tmp, 'notes.wav');
    writeFileSync(text, 'this is not audio\n');
    const io = capture();
    const argv = hasData ? [bad, text, lamartine, '--json'] : [bad, text, '--json'];
    expect(await runCount(argv, io)).toBe(1);
    expect(io.err).toContain(bad);
    expect(io.err).toContain('FILE_NOT_FOUND');
    expect(io.err).toContain('NOT_A_WAV');
    expect(io.err).not.toMatch(/\n\s+at /);
    const lines = io.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ file: bad, error: { code: 'FILE_NOT_FOUND' } });
    if (hasData) expect(lines[2]).toMatchObject({ file: lamartine, M: 1, F: 1 });
  });
});

describe('input the engine can only partly hear', () => {
  it('NaN samples and samples far beyond full scale are said on stderr and in --json, and the file still gets an answer', async () => {
    const x = new Float32Array(16000 * 4).map((_, i) => 1e29 * Math.sin(i / 7));
    x.fill(Number.NaN, 100, 200);
    const file = path.join(tmp, 'huge-float.wav');
    writeFileSync(file, wavFloat32Bytes(x));
    const io = capture();
    expect(await runCount([file, '--json'], io)).toBe(0);
    expect(io.err).toContain(`${file}: warning: 100 samples were not numbers`);
    expect(io.err).toMatch(/samples reach 1\.00e\+29 times full scale/);
    const rec = JSON.parse(io.out) as { M: number; F: number; warnings: string[] };
    expect(rec.warnings).toHaveLength(2);
  });
});

describe.skipIf(!hasData)('on a real recording', () => {
  it('prints a human line', async () => {
    const io = capture();
    expect(await runCount([lamartine, '--quiet'], io)).toBe(0);
    expect(io.out).toBe(`${lamartine}: 1 woman, 1 man\n`);
  });

  it('--json prints exactly the documented object, --rttm writes the same speaker ids', async () => {
    const rttmFile = path.join(tmp, 'out.rttm');
    const io = capture();
    expect(await runCount([lamartine, '--json', '--rttm', rttmFile], io)).toBe(0);
    const rec = JSON.parse(io.out) as { file: string; M: number; F: number; durationSec: number; speakers: Array<Record<string, unknown>> };
    expect(Object.keys(rec).slice(0, 5)).toEqual(['file', 'M', 'F', 'durationSec', 'speakers']);
    expect(rec).toMatchObject({ file: lamartine, M: 1, F: 1 });
    for (const s of rec.speakers) expect(Object.keys(s)).toEqual(['id', 'sex', 'confidence', 'speechSec']);
    const rttm = parseRttm(readFileSync(rttmFile, 'utf8'), rttmFile);
    expect([...rttm.turnsByUri.keys()]).toEqual(['lamartine']);
    const rttmIds = new Set(rttm.turnsByUri.get('lamartine')!.map((t) => t.speaker));
    expect([...rttmIds].sort()).toEqual(rec.speakers.map((s) => s.id as string).sort());
  });
});
