import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runDer } from '../../src/cli/der.js';
import { capture } from './capture.js';

const dir = mkdtempSync(path.join(tmpdir(), 'der-cli-'));
const refDir = path.join(dir, 'ref');
const hypDir = path.join(dir, 'hyp');
mkdirSync(refDir);
mkdirSync(hypDir);
writeFileSync(path.join(refDir, 'a.rttm'), 'SPEAKER a 1 0 10 <NA> <NA> A <NA> <NA>\nSPEAKER a 1 10 12 <NA> <NA> B <NA> <NA>\n');
writeFileSync(path.join(refDir, 'b.rttm'), 'SPEAKER b 1 0 10 <NA> <NA> A <NA> <NA>\n');
// File names differ from URIs on purpose: matching is by URI.
writeFileSync(path.join(hypDir, 'sys1.rttm'), 'SPEAKER a 1 0 22 <NA> <NA> x <NA> <NA>\nSPEAKER b 1 0 5 <NA> <NA> y <NA> <NA>\n');
const badRttm = path.join(dir, 'bad.rttm');
writeFileSync(badRttm, 'SPEAKER a 1 0 10 <NA> <NA> A\n');

describe('count-speakers der', () => {
  it('prints one JSON object with per-file and total figures', async () => {
    const io = capture();
    const code = await runDer(['--ref', refDir, '--hyp', hypDir, '--json'], io);
    expect(code).toBe(0);
    const obj = JSON.parse(io.out) as {
      files: Array<{ uri: string; der: number; missed: number; falseAlarm: number; confusion: number; scored: number }>;
      total: { der: number; missed: number; falseAlarm: number; confusion: number; scored: number };
    };
    expect(Object.keys(obj)).toEqual(['files', 'total']);
    // a: A 0-10, B 10-22, x 0-22: x->B (12 s > 10 s), so A's 10 s are confusion. b: missed 5-10.
    expect(obj.files).toEqual([
      { uri: 'a', der: 45.4545, missed: 0, falseAlarm: 0, confusion: 10, scored: 22 },
      { uri: 'b', der: 50, missed: 5, falseAlarm: 0, confusion: 0, scored: 10 },
    ]);
    expect(obj.total).toEqual({ der: 46.875, missed: 5, falseAlarm: 0, confusion: 10, scored: 32 });
    expect(io.err).toBe('');
  });

  it('prints a table with a TOTAL row and honours --collar and --ignore-overlaps', async () => {
    const io = capture();
    const code = await runDer(['--ref', path.join(refDir, 'b.rttm'), '--hyp', hypDir, '--collar', '0.25', '--ignore-overlaps'], io);
    expect(code).toBe(0);
    expect(io.out).toContain('collar 0.25 s, overlapped speech not scored');
    expect(io.out).toMatch(/^b\s+50\.00\s+4\.750\s+0\.000\s+0\.000\s+9\.500$/m);
    expect(io.out).toMatch(/^TOTAL\s+50\.00/m);
    // "a" is in the hypothesis but not in this reference.
    expect(io.err).toContain('hypothesis "a" has no reference');
  });

  it('uses a UEM file', async () => {
    const uem = path.join(dir, 'all.uem');
    writeFileSync(uem, 'a 1 0 12\nb 1 0 5\n');
    const io = capture();
    expect(await runDer(['--ref', refDir, '--hyp', hypDir, '--uem', uem, '--json'], io)).toBe(0);
    const obj = JSON.parse(io.out) as { total: { der: number; falseAlarm: number } };
    expect(obj.total.falseAlarm).toBe(0);
    expect(obj.total.der).toBeCloseTo((2 / 17) * 100, 3);
  });

  it('explains input errors with exit code 2 and no stack trace', async () => {
    let io = capture();
    expect(await runDer(['--ref', path.join(dir, 'missing.rttm'), '--hyp', hypDir], io)).toBe(2);
    expect(io.err).toContain('missing.rttm');
    expect(io.err).toContain('not found');
    expect(io.err).not.toMatch(/\n\s+at /);

    io = capture();
    expect(await runDer(['--ref', badRttm, '--hyp', hypDir], io)).toBe(2);
    expect(io.err).toContain('bad.rttm:1: expected 10 fields');
    expect(io.out).toBe('');

    io = capture();
    expect(await runDer(['--ref', refDir], io)).toBe(2);
    expect(io.err).toContain('missing --hyp');

    io = capture();
    expect(await runDer(['--ref', refDir, '--hyp', hypDir, '--collar', 'abc'], io)).toBe(2);
    expect(io.err).toContain('--collar');

    io = capture();
    expect(await runDer(['--ref', refDir, '--hyp', hypDir, '--bogus'], io)).toBe(2);
    expect(io.err).toContain('--bogus');
  });

  it('--help prints usage on stdout, exit 0', async () => {
    const io = capture();
    expect(await runDer(['--help'], io)).toBe(0);
    expect(io.out).toContain('count-speakers der --ref');
  });
});

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');
const refData = path.join(dataDir, 'der-reference');
if (!existsSync(refData)) console.warn(`[cli der] md-eval comparison skipped: ${refData} not found`);

describe.skipIf(!existsSync(refData))('count-speakers der on the md-eval reference pair', () => {
  it('reproduces md-eval on dscore test files (collar 0.25)', async () => {
    const io = capture();
    const code = await runDer(
      [
        '--ref',
        path.join(refData, 'dscore-ref.rttm'),
        '--hyp',
        path.join(refData, 'dscore-sys.rttm'),
        '--uem',
        path.join(refData, 'dscore.uem'),
        '--collar',
        '0.25',
        '--json',
      ],
      io,
    );
    expect(code).toBe(0);
    const obj = JSON.parse(io.out) as { total: { der: number; missed: number; falseAlarm: number; confusion: number; scored: number } };
    // md-eval-22: 24.01 %, missed 2.23, FA 0.404, confusion 2.776, scored 22.531
    expect(Math.abs(obj.total.der - 24.01)).toBeLessThanOrEqual(0.01);
    expect(obj.total.scored).toBeCloseTo(22.531, 6);
    expect(obj.total.missed).toBeCloseTo(2.23, 6);
  });
});
