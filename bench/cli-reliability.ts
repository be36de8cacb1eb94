/**
 * The CLI as a user runs it on a film-like catalogue, and interrupted at random (too slow for
 * `npm test`: about 60 model loads).
 *
 *   npm run bench:cli -- [--files 30] [--interrupts 20] [--seed 1] [--jobs 2] [--dir <keep the corpus here>]
 *
 * 1. Corpus: --files recordings named like films ("Film Name (1999) - Part 2.wav", with quotes,
 *    unicode, a leading dash, a newline in some names), each a conversation of two LibriSpeech
 *    readers (a woman and a man, ../shared/data/librispeech), half of them 44.1 kHz stereo (decoded,
 *    resampled and spooled to TMPDIR). `count-speakers batch corpus --out --rttm-dir --csv`: every
 *    file exactly once in the results and the CSV, an RTTM per file, and `count-speakers der`
 *    reads all the RTTMs (against themselves: DER 0 on --files recordings).
 * 2. Interrupts: --interrupts runs of the same batch, each on a fresh results file and sent
 *    SIGINT or SIGTERM (alternately) at a random time in 0.3-15 s; after each, the run's TMPDIR
 *    must hold nothing of ours (no count-speakers-* folder, no mat-debug-*.log, no .ses) and no
 *    lock or temporary sibling may be left beside the outputs. A run without interrupt then
 *    completes the last one's results: every file exactly once.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { readAudio, resample } from '../src/audio/index.js';
import { parseRttm } from '../src/io/index.js';
import { mulberry32 } from '../tools/lib/rng.js';
import { cliCommand } from './lib/cli-command.js';
import { pcm16WavHeader } from './lib/conversation.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');
const libriDir = path.join(dataDir, 'librispeech');

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '30' },
    interrupts: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    jobs: { type: 'string', default: '2' },
    dir: { type: 'string' },
  },
});
const nFiles = Number(values.files);
const nInterrupts = Number(values.interrupts);
const rand = mulberry32(Number(values.seed));

if (!existsSync(path.join(libriDir, 'speakers.csv'))) {
  console.log(`[bench:cli] skipped: no LibriSpeech readers at ${libriDir} (set COUNT_SPEAKERS_DATA)`);
  process.exit(0);
}

interface Run {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  wallSec: number;
}

function cli(args: string[], cwd: string, tmp: string, killAfterMs?: number, signal: NodeJS.Signals = 'SIGINT'): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
  delete env.ORT_DISABLE_TELEMETRY;
  const t0 = performance.now();
  const [node, ...nodeArgs] = cliCommand();
  const child = spawn(node, [...nodeArgs, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  if (killAfterMs !== undefined) setTimeout(() => child.kill(signal), killAfterMs);
  return new Promise((resolve) =>
    child.on('close', (code, sig) => resolve({ code, signal: sig, stdout, stderr, wallSec: (performance.now() - t0) / 1000 })),
  );
}

function wav16(samples: Float32Array, rateHz: number, channels: number): Buffer {
  const frames = samples.length;
  const data = Buffer.alloc(frames * channels * 2);
  for (let i = 0; i < frames; i++) {
    const v = Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767)));
    for (let c = 0; c < channels; c++) data.writeInt16LE(v, (i * channels + c) * 2);
  }
  const h = pcm16WavHeader(data.length, rateHz, channels);
  return Buffer.concat([h, data]);
}

const TITLES = [
  'Film Name',
  'The "Quiet" Room',
  "L'Été meurtrier",
  '映画の夜',
  'Ça ira',
  '-Dash Start',
  'Two  Spaces',
  'Line\nBreak',
  'Tab\tName',
  'Ünïcødé Story',
];

function fileName(i: number): string {
  const title = TITLES[i % TITLES.length];
  return `${title} (${1990 + (i % 30)}) - Part ${Math.floor(i / TITLES.length) + 1}.wav`;
}

async function makeCorpus(dir: string): Promise<string[]> {
  const rows = readFileSync(path.join(libriDir, 'speakers.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const women = rows.filter((r) => r[1] === 'F');
  const men = rows.filter((r) => r[1] === 'M');
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < nFiles; i++) {
    const w = (await readAudio(path.join(libriDir, women[i % women.length][2]))).samples;
    const m = (await readAudio(path.join(libriDir, men[i % men.length][2]))).samples;
    const gap = new Float32Array(8000);
    const mono = new Float32Array(w.length + gap.length + m.length);
    mono.set(w, 0);
    mono.set(m, w.length + gap.length);
    const name = fileName(i);
    const stereo44k = i % 2 === 1;
    writeFileSync(path.join(dir, name), stereo44k ? wav16(resample(mono, 16000, 44100), 44100, 2) : wav16(mono, 16000, 1));
    names.push(name);
  }
  return names;
}

function ourTempLeftovers(tmp: string): string[] {
  return readdirSync(tmp).filter((n) => n.startsWith('count-speakers-') || n.startsWith('mat-debug-') || n.endsWith('.ses'));
}

function jsonlFiles(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { file: string }).file);
}

function csvRowCount(text: string): number {
  // Rows end at a newline outside quotes.
  let rows = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (ch === '\n' && !quoted) rows++;
  }
  return rows - 1; // header
}

async function main(): Promise<void> {
  const work = values.dir ?? mkdtempSync(path.join(tmpdir(), 'bench-cli-'));
  const tmp = path.join(work, 'tmp');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const corpusDir = path.join(work, 'corpus');
  rmSync(corpusDir, { recursive: true, force: true });
  const names = await makeCorpus(corpusDir);
  console.log(
    `corpus: ${names.length} files in ${corpusDir} (e.g. ${JSON.stringify(names[0])}, ${JSON.stringify(names[5])}, ${JSON.stringify(names[7])})`,
  );

  // 1. The whole catalogue.
  for (const f of ['s.jsonl', 's.csv']) rmSync(path.join(work, f), { force: true });
  rmSync(path.join(work, 'rt'), { recursive: true, force: true });
  const run = await cli(
    ['batch', 'corpus', '--out', 's.jsonl', '--rttm-dir', 'rt', '--csv', 's.csv', '--jobs', values.jobs!, '--quiet'],
    work,
    tmp,
  );
  const files = jsonlFiles(path.join(work, 's.jsonl')).map((f) => path.basename(f));
  const once = new Set(files).size === files.length && files.length === names.length && names.every((n) => files.includes(n));
  const lines = readFileSync(path.join(work, 's.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { error?: unknown; M?: number; F?: number });
  const errors = lines.filter((l) => l.error).length;
  const exact = lines.filter((l) => l.M === 1 && l.F === 1).length;
  const csvRows = csvRowCount(readFileSync(path.join(work, 's.csv'), 'utf8'));
  const rttms = readdirSync(path.join(work, 'rt')).filter((n) => n.endsWith('.rttm'));
  let turns = 0;
  for (const r of rttms)
    turns += [...parseRttm(readFileSync(path.join(work, 'rt', r), 'utf8'), r).turnsByUri.values()].reduce((s, t) => s + t.length, 0);
  const der = await cli(['der', '--ref', 'rt', '--hyp', 'rt', '--json'], work, tmp);
  const derJson = der.code === 0 ? (JSON.parse(der.stdout) as { files: unknown[]; total: { der: number } }) : undefined;
  console.log(
    [
      `batch: exit ${run.code} in ${run.wallSec.toFixed(1)} s; ${files.length} result lines for ${names.length} files, every file exactly once: ${once}; ${errors} errors; ${exact} with 1 woman and 1 man`,
      `       CSV rows ${csvRows}; RTTM files ${rttms.length} with ${turns} turns; count-speakers der: exit ${der.code}, ${derJson?.files.length ?? 0} recordings scored, DER ${derJson?.total.der ?? 'n/a'} %`,
      `       TMPDIR leftovers: ${JSON.stringify(ourTempLeftovers(tmp))}`,
    ].join('\n'),
  );
  if (run.code !== 0) console.log(run.stderr);

  // 2. Interrupts at random times.
  const out = path.join(work, 'i.jsonl');
  rmSync(out, { force: true });
  rmSync(path.join(work, 'irt'), { recursive: true, force: true });
  const args = ['batch', 'corpus', '--out', 'i.jsonl', '--rttm-dir', 'irt', '--csv', 'i.csv', '--jobs', values.jobs!, '--quiet'];
  let clean = 0;
  const codes: Record<string, number> = {};
  for (let k = 0; k < nInterrupts; k++) {
    // A fresh results file each time, so that every run has work when the signal comes; the last
    // one's partial results are then completed by a run without interrupt (resume).
    rmSync(out, { force: true });
    const signal: NodeJS.Signals = k % 2 === 0 ? 'SIGINT' : 'SIGTERM';
    const atMs = Math.round(300 + rand() * 14700);
    const r = await cli(args, work, tmp, atMs, signal);
    const left = ourTempLeftovers(tmp);
    const beside = readdirSync(work).filter((n) => n.endsWith('.lock') || n.includes('.tmp-'));
    const key = `${signal}->${r.signal ?? `exit ${r.code}`}`;
    codes[key] = (codes[key] ?? 0) + 1;
    if (left.length === 0 && beside.length === 0) clean++;
    else console.log(`  run ${k + 1}: ${signal} at ${atMs} ms left ${JSON.stringify([...left, ...beside])}`);
  }
  const before = jsonlFiles(out).length;
  const final = await cli(args, work, tmp);
  const done = jsonlFiles(out).map((f) => path.basename(f));
  const onceAfter = new Set(done).size === done.length && done.length === names.length;
  console.log(
    [
      `interrupts: ${nInterrupts} runs (SIGINT/SIGTERM at 0.3-15 s, seed ${values.seed}); exit codes ${JSON.stringify(codes)}; nothing of ours left in TMPDIR nor beside the outputs after ${clean}/${nInterrupts}`,
      `            the last interrupted run had done ${before} of ${names.length} files; a run without interrupt then: exit ${final.code}, every file exactly once: ${onceAfter}; TMPDIR leftovers ${JSON.stringify(ourTempLeftovers(tmp))}`,
    ].join('\n'),
  );
  if (!values.dir) rmSync(work, { recursive: true, force: true });
  const ok =
    run.code === 0 &&
    once &&
    csvRows === names.length &&
    rttms.length === names.length &&
    der.code === 0 &&
    clean === nInterrupts &&
    final.code === 0 &&
    onceAfter;
  console.log(ok ? 'bench:cli: all checks passed' : 'bench:cli: SOME CHECKS FAILED');
  process.exitCode = ok ? 0 : 1;
}

await main();
