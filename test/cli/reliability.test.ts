/**
 * The CLI run as a user runs it (a separate process, its own TMPDIR) on what breaks tools around
 * the audio readers: odd file names, outputs that are not ours, pipes and devices as outputs,
 * out-of-range options, interrupts, two runs on one results file. Tiny generated WAVs only: each
 * run loads the models (under a second), never a long recording.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRttm } from '../../src/io/index.js';
import { noise, pcmWav } from '../audio/wavbytes.js';
import { cliCommand, goodWav, runCli, startCli } from './spawnCli.js';

/** A fresh working folder and a private TMPDIR inside it. */
function sandbox(): { dir: string; tmp: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cs-rel-'));
  const tmp = path.join(dir, '.tmp');
  mkdirSync(tmp);
  return { dir, tmp };
}

/** What a run left in its TMPDIR, leaving out tsx's compile cache (the test harness's, not ours). */
function leftovers(tmp: string): string[] {
  return readdirSync(tmp).filter((n) => !n.startsWith('tsx-'));
}

const NAMES = [
  'my interview.wav',
  'Film Name (1999) - Part 2.wav',
  'it\'s "quoted".wav',
  'ünïcødé 映画 ñ.wav',
  '-x.wav',
  'new\nline.wav',
  'tab\there.wav',
];

function corpus(dir: string, names: readonly string[] = NAMES): string {
  const c = path.join(dir, 'corpus');
  mkdirSync(c, { recursive: true });
  for (const n of names) copyFileSync(goodWav(), path.join(c, n));
  return c;
}

interface Line {
  file: string;
  M?: number;
  error?: { code: string; message: string };
}
const jsonl = (file: string): Line[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at [^\n]+:\d+:\d+\)?\n/);

describe('file names: spaces, quotes, unicode, leading dashes, newlines', () => {
  it('batch with --rttm-dir and --csv: every file exactly once, all outputs written, exit 0', async () => {
    const { dir, tmp } = sandbox();
    const c = corpus(dir);
    const r = await runCli(['batch', 'corpus', '--out', 's.jsonl', '--rttm-dir', 'rt', '--csv', 's.csv', '--quiet'], {
      cwd: dir,
      tmpdir: tmp,
    });
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonl(path.join(dir, 's.jsonl'));
    expect(lines.map((l) => path.basename(l.file)).sort()).toEqual([...NAMES].sort());
    expect(lines.every((l) => l.error === undefined)).toBe(true);
    for (const n of NAMES) {
      const rttm = path.join(dir, 'rt', n.replace(/\.wav$/, '.rttm'));
      expect(existsSync(rttm), rttm).toBe(true);
      parseRttm(readFileSync(rttm, 'utf8'), rttm);
    }
    const csv = readFileSync(path.join(dir, 's.csv'), 'utf8');
    expect(csv.startsWith('file,M,F,')).toBe(true);
    const cell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    for (const n of NAMES) expect(csv).toContain(`\n${cell(path.join(path.basename(c), n))},`);
    expect(r.stderr).toMatch(/6 file name\(s\) have whitespace.*RTTM URIs have _ instead/);
    expect(leftovers(tmp)).toEqual([]);
  });

  it('single files with --rttm: a name with a space gets a URI without one, said on stderr', async () => {
    const { dir, tmp } = sandbox();
    copyFileSync(goodWav(), path.join(dir, 'sp ace.wav'));
    copyFileSync(goodWav(), path.join(dir, '-x.wav'));
    const r = await runCli(['--rttm', 'x.rttm', 'sp ace.wav', '--', '-x.wav'], { cwd: dir, tmpdir: tmp });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^sp ace\.wav: 0 women, 0 men\n-x\.wav: 0 women, 0 men\n$/);
    expect(r.stderr).toMatch(/"sp ace\.wav".*RTTM URI is "sp_ace"/);
    parseRttm(readFileSync(path.join(dir, 'x.rttm'), 'utf8'));
  });

  it('a file name starting with a dash, given without --, gets advice rather than a bare "-x"', async () => {
    const { dir, tmp } = sandbox();
    copyFileSync(goodWav(), path.join(dir, '-x.wav'));
    const r = await runCli(['-x.wav'], { cwd: dir, tmpdir: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/-x\.wav/);
    expect(r.stderr).toMatch(/\.\/-x\.wav|--/);
  });
});

describe('outputs that are not ours', () => {
  it('an existing --out that is not a results file is refused and left untouched (exit 2)', async () => {
    const { dir, tmp } = sandbox();
    corpus(dir, ['a.wav']);
    copyFileSync(goodWav(), path.join(dir, 'victim.wav'));
    const before = readFileSync(path.join(dir, 'victim.wav'));
    const r = await runCli(['batch', 'corpus', '--out', 'victim.wav', '--quiet'], { cwd: dir, tmpdir: tmp });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/victim\.wav.*not a results file/s);
    expect(readFileSync(path.join(dir, 'victim.wav')).equals(before)).toBe(true);
    expect(existsSync(path.join(dir, 'victim.wav.lock'))).toBe(false);
  });

  it('--csv and --rttm onto a file of another kind are refused before any file is processed', async () => {
    const { dir, tmp } = sandbox();
    corpus(dir, ['a.wav']);
    copyFileSync(goodWav(), path.join(dir, 'victim.wav'));
    const before = readFileSync(path.join(dir, 'victim.wav'));
    const r1 = await runCli(['batch', 'corpus', '--out', 's.jsonl', '--csv', 'victim.wav', '--quiet'], { cwd: dir, tmpdir: tmp });
    expect(r1.code, r1.stderr).toBe(2);
    expect(existsSync(path.join(dir, 's.jsonl'))).toBe(false);
    const r2 = await runCli(['--rttm', 'victim.wav', 'corpus/a.wav'], { cwd: dir, tmpdir: tmp });
    expect(r2.code, r2.stderr).toBe(2);
    expect(r2.stdout).toBe('');
    expect(readFileSync(path.join(dir, 'victim.wav')).equals(before)).toBe(true);
  });

  it('an RTTM path in --rttm-dir that holds something else fails that file only, untouched; the batch goes on', async () => {
    const { dir, tmp } = sandbox();
    corpus(dir, ['a.wav', 'b.wav']);
    mkdirSync(path.join(dir, 'rt'));
    writeFileSync(path.join(dir, 'rt', 'a.rttm'), 'my notes\n');
    const r = await runCli(['batch', 'corpus', '--out', 's.jsonl', '--rttm-dir', 'rt', '--quiet'], { cwd: dir, tmpdir: tmp });
    expect(r.code, r.stderr).toBe(1);
    const lines = jsonl(path.join(dir, 's.jsonl'));
    expect(lines.find((l) => l.file.endsWith('a.wav'))?.error?.code).toBe('OUTPUT_REFUSED');
    expect(lines.find((l) => l.file.endsWith('b.wav'))?.error).toBeUndefined();
    expect(readFileSync(path.join(dir, 'rt', 'a.rttm'), 'utf8')).toBe('my notes\n');
    expect(existsSync(path.join(dir, 'rt', 'b.rttm'))).toBe(true);
  });

  it('--out /dev/stdout on a pipe is refused at once instead of hanging', async () => {
    const { dir, tmp } = sandbox();
    corpus(dir, ['a.wav']);
    const r = await runCli(['batch', 'corpus', '--out', '/dev/stdout', '--quiet'], { cwd: dir, tmpdir: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\/dev\/stdout.*regular file/s);
  }, 20_000);

  it.skipIf(!existsSync('/dev/full'))(
    '--out /dev/full is refused; --csv /dev/full fails with a message, no stack trace',
    async () => {
      const { dir, tmp } = sandbox();
      corpus(dir, ['a.wav']);
      const r = await runCli(['batch', 'corpus', '--out', '/dev/full', '--quiet'], { cwd: dir, tmpdir: tmp });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/\/dev\/full/);
      noStack(r.stderr);
      const r2 = await runCli(['batch', 'corpus', '--out', 's.jsonl', '--csv', '/dev/full', '--quiet'], { cwd: dir, tmpdir: tmp });
      expect(r2.code).toBe(1);
      expect(r2.stderr).toMatch(/\/dev\/full.*(ENOSPC|no space)/is);
      noStack(r2.stderr);
    },
    20_000,
  );

  it('a batch on an --out another live run holds is refused (exit 1); a lock left by a dead run is taken over', async () => {
    const { dir, tmp } = sandbox();
    corpus(dir, ['a.wav', 'b.wav']);
    const lock = path.join(dir, 's.jsonl.lock');
    // This test process stands for a batch still running on s.jsonl.
    writeFileSync(lock, `${process.pid} ${hostname()}\n`);
    const second = await runCli(['batch', 'corpus', '--out', 's.jsonl', '--quiet'], { cwd: dir, tmpdir: tmp });
    expect(second.code, second.stderr).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`s\\.jsonl.*in use.*pid ${process.pid}`, 's'));
    expect(existsSync(path.join(dir, 's.jsonl'))).toBe(false);
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid} ${hostname()}\n`);
    // A run killed with SIGKILL leaves its lock: a pid that no longer exists.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(lock, `${dead} ${hostname()}\n`);
    const third = await runCli(['batch', 'corpus', '--out', 's.jsonl', '--quiet'], { cwd: dir, tmpdir: tmp });
    expect(third.code, third.stderr).toBe(0);
    expect(
      jsonl(path.join(dir, 's.jsonl'))
        .map((l) => path.basename(l.file))
        .sort(),
    ).toEqual(['a.wav', 'b.wav']);
    expect(existsSync(lock)).toBe(false);
  }, 60_000);

  it('two batches started together on one --out: every file exactly once', async () => {
    const { dir, tmp } = sandbox();
    corpus(dir, ['a.wav', 'b.wav', 'c.wav', 'd.wav']);
    const args = ['batch', 'corpus', '--out', 's.jsonl', '--quiet', '--jobs', '1'];
    const [one, two] = await Promise.all([runCli(args, { cwd: dir, tmpdir: tmp }), runCli(args, { cwd: dir, tmpdir: tmp })]);
    // One takes the lock; the other is refused, or (if the first was already done) skips every file.
    for (const r of [one, two]) {
      expect([0, 1], r.stderr).toContain(r.code);
      if (r.code === 1) expect(r.stderr).toMatch(/in use by another count-speakers run/);
    }
    expect([one.code, two.code]).toContain(0);
    const names = jsonl(path.join(dir, 's.jsonl')).map((l) => path.basename(l.file));
    expect(names.sort()).toEqual(['a.wav', 'b.wav', 'c.wav', 'd.wav']);
  }, 60_000);
});

describe('usage errors: checked once, before any file, exit 2', () => {
  const bad: string[][] = [
    ['--num-speakers', '1e9'],
    ['--threads', '1000'],
    ['--min-speech', '1e308'],
    ['--min-speakers', '5', '--max-speakers', '2'],
  ];
  it.each(bad)('%s %s ... in single and batch mode', async (...opt) => {
    const { dir, tmp } = sandbox();
    corpus(dir, ['a.wav', 'b.wav']);
    const r = await runCli([...opt, 'corpus/a.wav', 'corpus/b.wav'], { cwd: dir, tmpdir: tmp });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.match(/--[a-z-]+/g)).toContain(opt[0]);
    expect(r.stderr.split('\n').filter((l) => l.includes('count-speakers:')).length).toBe(1);
    const b = await runCli(['batch', 'corpus', '--out', 's.jsonl', ...opt], { cwd: dir, tmpdir: tmp });
    expect(b.code, b.stderr).toBe(2);
    expect(existsSync(path.join(dir, 's.jsonl'))).toBe(false);
  });

  it('--jobs above what the machine can hold is capped, with a message', async () => {
    const { dir, tmp } = sandbox();
    corpus(dir, ['a.wav', 'b.wav']);
    const r = await runCli(['batch', 'corpus', '--out', 's.jsonl', '--jobs', '5000', '--quiet'], { cwd: dir, tmpdir: tmp });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/--jobs 5000 .*capped to \d+/);
  });

  it('a batch that finds no file says so and exits 1', async () => {
    const { dir, tmp } = sandbox();
    mkdirSync(path.join(dir, 'empty'));
    const r = await runCli(['batch', 'empty', '--out', 's.jsonl'], { cwd: dir, tmpdir: tmp });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no input files found in empty/);
  });
});

describe('temporary files', () => {
  it('a run leaves nothing in TMPDIR (no spool, no onnxruntime mat-debug-<pid>.log or .ses)', async () => {
    const { dir, tmp } = sandbox();
    corpus(dir, ['a.wav', 'b.wav']);
    const r = await runCli(['corpus/a.wav'], { cwd: dir, tmpdir: tmp });
    expect(r.code, r.stderr).toBe(0);
    expect(leftovers(tmp)).toEqual([]);
    const b = await runCli(['batch', 'corpus', '--out', 's.jsonl', '--jobs', '2', '--quiet'], { cwd: dir, tmpdir: tmp });
    expect(b.code, b.stderr).toBe(0);
    expect(leftovers(tmp)).toEqual([]);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} while a file is being decoded and spooled: the spool is removed, the process ends by ${signal}`, async () => {
      const { dir, tmp } = sandbox();
      // 48 kHz stereo: resampled and spooled to TMPDIR between the two passes.
      writeFileSync(
        path.join(dir, 'long.wav'),
        pcmWav(
          's16',
          2,
          48000,
          Float64Array.from(noise(48000 * 2 * 40), (v) => v * 0.3),
        ),
      );
      const run = startCli(['long.wav'], { cwd: dir, tmpdir: tmp });
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && !leftovers(tmp).some((n) => n.startsWith('count-speakers-')))
        await new Promise((r) => setTimeout(r, 5));
      expect(leftovers(tmp).some((n) => n.startsWith('count-speakers-'))).toBe(true);
      run.child.kill(signal);
      const r = await run.done;
      // Cleaned up, then ended by the signal itself (a shell sees 128 + n), never an abort.
      expect([r.code, r.signal], r.stderr).toEqual([null, signal]);
      expect(leftovers(tmp)).toEqual([]);
    }, 60_000);
  }
});

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
if (!hasFfmpeg) console.warn('[reliability.test] skipping the ffmpeg cases: ffmpeg is not on PATH');

describe.skipIf(!hasFfmpeg)('through ffmpeg', () => {
  it('names with a colon (read by ffmpeg as a protocol) and a leading dash are decoded', async () => {
    const { dir, tmp } = sandbox();
    const names = ['Star Wars: Episode IV (1977).flac', 'concat:x.flac', '-dash.flac'];
    for (const n of names) spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', goodWav(), '-c:a', 'flac', `file:${path.join(dir, n)}`]);
    const r = await runCli(['--', ...names], { cwd: dir, tmpdir: tmp });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(names.map((n) => `${n}: 0 women, 0 men`));
  });

  it('SIGTERM while ffmpeg decodes: no spool left, no ffmpeg left running', async () => {
    const { dir, tmp } = sandbox();
    writeFileSync(
      path.join(dir, 'long.wav'),
      pcmWav(
        's16',
        2,
        48000,
        Float64Array.from(noise(48000 * 2 * 40), (v) => v * 0.3),
      ),
    );
    spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', path.join(dir, 'long.wav'), '-c:a', 'flac', path.join(dir, 'long film.flac')]);
    const run = startCli(['long film.flac'], { cwd: dir, tmpdir: tmp });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !leftovers(tmp).some((n) => n.startsWith('count-speakers-')))
      await new Promise((r) => setTimeout(r, 5));
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect([r.code, r.signal], r.stderr).toEqual([null, 'SIGTERM']);
    expect(leftovers(tmp)).toEqual([]);
    await new Promise((res) => setTimeout(res, 500));
    const ps = spawnSync('ps', ['-eo', 'args']).stdout.toString();
    expect(ps).not.toContain(path.join(dir, 'long film.flac'));
    expect(ps).not.toContain('file:long film.flac');
  }, 60_000);
});

describe('messages', () => {
  it('stdout closed early (`| head -c 1`): stops quietly, no EPIPE stack trace', async () => {
    const { dir, tmp } = sandbox();
    const files = corpus(dir, ['a.wav', 'b.wav', 'c.wav', 'd.wav']);
    const sh = spawnSync(
      'sh',
      ['-c', `"$0" "$@" | head -c 1 >/dev/null`, ...cliCommand(), ...['a.wav', 'b.wav', 'c.wav', 'd.wav'].map((n) => path.join(files, n))],
      {
        cwd: dir,
        env: { ...process.env, TMPDIR: tmp },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(sh.stderr).not.toMatch(/EPIPE|Unhandled/);
    noStack(sh.stderr);
    expect(leftovers(tmp)).toEqual([]);
  });

  it('a symlink loop is reported once as ELOOP, not "ELOOP: ELOOP:"', async () => {
    const { dir, tmp } = sandbox();
    symlinkSync('loop.wav', path.join(dir, 'loop.wav'));
    const r = await runCli(['loop.wav'], { cwd: dir, tmpdir: tmp });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ELOOP/);
    expect(r.stderr).not.toMatch(/ELOOP: ELOOP/);
  });
});
