/**
 * Long films and batch throughput.
 *
 *   npm run bench:scale -- [--minutes 10,30,120] [--sparse-minutes 120 (0: none)] [--batch-files 24] [--batch-sec 300] [--skip-films] [--skip-batch]
 *                          [--dir <folder to keep and reuse the generated inputs>] [--json out.json] [--engine dist|src]
 *
 * 1. Films: writes 48 kHz stereo 16-bit WAVs of the given lengths (streamed, 2 h = 1.38 GB) in a
 *    temporary folder: a conversation of 6 LibriSpeech readers (3 women, 3 men) from
 *    ../shared/data/librispeech, turns of 2-8 s with 0.2-1.5 s pauses over a faint noise floor
 *    (synthetic voiced-like tones when the folder is absent, said so). Each is diarized by one
 *    Engine in a child process (so peak RSS is per run: process.resourceUsage().maxRSS), which
 *    also samples rss/heap/arrayBuffers every 200 ms to show where memory goes. A "sparse" film
 *    (same turns, 10-40 s pauses: about 15 % speech) checks buffers bounded by audio duration.
 * 2. Batch: `count-speakers batch` on --batch-files files of --batch-sec seconds (16 kHz mono;
 *    2 h of audio by default, so process start and model loading, about 1 s, do not decide the ratio;
 *    2-4 readers each) with --jobs 1 (one engine, 2 intra-op threads), --jobs 1 --threads 1 and
 *    --jobs 2 (two engines, 1 thread each), each in a child process from a fresh results file, with
 *    the CPU seconds of all its threads (cpu/wall tells whether two cores were really available).
 * The films run the engine that `count-speakers` runs: dist/, compiled from src/ by tsc first
 * (--engine src: src/ under tsx instead, 10-25 % slower on this machine, same results).
 * Targets: 1 h in <= 60 s; 2 h film peak RSS <= 500 MB, flat in duration; jobs 2 >= 1.7x jobs 1 on two cores.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readAudio, resample } from '../src/audio/index.js';
import { mulberry32 } from '../tools/lib/rng.js';
import { writeConversation, type Voice } from './lib/conversation.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');
const libriDir = path.join(dataDir, 'librispeech');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

/** Deterministic PRNG: the same inputs on every run. */
const rng = mulberry32;

async function loadVoices(rateHz: number, perSex: number, skip = 0): Promise<{ voices: Voice[]; real: boolean }> {
  if (!existsSync(path.join(libriDir, 'speakers.csv'))) {
    console.warn(
      `[bench:scale] ${libriDir} is absent: using SYNTHETIC voiced tones instead of real speech (the diarization figures then mean little; time and memory still do).`,
    );
    const r = rng(7);
    const voices: Voice[] = [];
    for (let v = 0; v < perSex * 2; v++) {
      const f0 = v < perSex ? 110 + 15 * v : 200 + 20 * v;
      const x = new Float32Array(rateHz * 8);
      for (let i = 0; i < x.length; i++) {
        const t = i / rateHz;
        let s = 0;
        for (let h = 1; h <= 8; h++) s += Math.sin(2 * Math.PI * f0 * h * t * (1 + 0.02 * Math.sin(3 * t))) / h;
        x[i] = 0.1 * s * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t)) + 0.005 * (r() - 0.5);
      }
      voices.push({ id: `synthetic-${v}`, sex: v < perSex ? 'M' : 'F', samples: x });
    }
    return { voices, real: false };
  }
  const rows = readFileSync(path.join(libriDir, 'speakers.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .filter((c) => Number(c[3]) >= 8);
  const pick = (sex: string) => rows.filter((c) => c[1] === sex).slice(skip, skip + perSex);
  const voices: Voice[] = [];
  for (const c of [...pick('F'), ...pick('M')]) {
    const a = await readAudio(path.join(libriDir, c[2]));
    voices.push({ id: c[0], sex: c[1] as 'M' | 'F', samples: rateHz === 16000 ? a.samples : resample(a.samples, 16000, rateHz) });
  }
  return { voices, real: true };
}

interface ChildReport {
  file: string;
  durationSec: number;
  elapsedSec: number;
  createSec: number;
  maxRssMB: number;
  rssAfterCreateMB: number;
  peak: { rssMB: number; heapUsedMB: number; arrayBuffersMB: number; externalMB: number };
  windows: number;
  chunks: number;
  counts: { M: number; F: number };
  speakers: number;
  stageStartSec: Record<string, number>;
}

/** Child mode: one engine, one file, report time and memory as one JSON line on stdout. */
type EngineModule = typeof import('../src/pipeline/engine.js');

async function child(file: string, from: string): Promise<void> {
  const { Engine } = (
    from === 'dist'
      ? await import(pathToFileURL(path.join(repoRoot, 'dist/pipeline/engine.js')).href)
      : await import('../src/pipeline/engine.js')
  ) as EngineModule;
  const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
  const peak = { rssMB: 0, heapUsedMB: 0, arrayBuffersMB: 0, externalMB: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rssMB = Math.max(peak.rssMB, mb(m.rss));
    peak.heapUsedMB = Math.max(peak.heapUsedMB, mb(m.heapUsed));
    peak.arrayBuffersMB = Math.max(peak.arrayBuffersMB, mb(m.arrayBuffers));
    peak.externalMB = Math.max(peak.externalMB, mb(m.external));
  };
  const timer = setInterval(sample, 200);
  const t0 = performance.now();
  const engine = await Engine.create();
  const createSec = (performance.now() - t0) / 1000;
  const rssAfterCreateMB = Math.round(process.resourceUsage().maxRSS / 102.4) / 10;
  const t1 = performance.now();
  // Seconds from the start of diarize() to the first progress event of each stage.
  const stageStartSec: Record<string, number> = {};
  const { diarization, analysis } = await engine.diarizeWithAnalysis(file, {
    onProgress: (p) => {
      stageStartSec[p.stage] ??= Math.round(performance.now() - t1) / 1000;
    },
  });
  const elapsedSec = (performance.now() - t1) / 1000;
  sample();
  clearInterval(timer);
  await engine.dispose();
  const report: ChildReport = {
    file,
    durationSec: diarization.durationSec,
    elapsedSec,
    createSec,
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 102.4) / 10,
    rssAfterCreateMB,
    peak,
    windows: analysis.windows.length,
    chunks: analysis.chunks.length,
    counts: diarization.counts,
    speakers: diarization.speakers.length,
    stageStartSec,
  };
  process.stdout.write(JSON.stringify(report) + '\n');
}

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function runNode(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; wallSec: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, ['--import', tsxLoader, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code, stdout, stderr, wallSec: (performance.now() - t0) / 1000 }));
  });
}

async function films(dir: string, minutesList: number[], sparseMinutes: number[], results: Record<string, unknown>): Promise<void> {
  const { voices, real } = await loadVoices(48000, 3);
  console.log(
    `films: 48 kHz stereo 16-bit, ${real ? 'LibriSpeech readers' : 'SYNTHETIC voices'} ${voices.map((v) => `${v.id}${v.sex}`).join(' ')} (truth: 3 F, 3 M)`,
  );
  console.log(
    '   minutes  file MB  gen s  create s  diarize s  x real time  peak RSS MB (after models)  peak heap/arrayBuffers MB  windows   chunks  found',
  );
  const engineFrom = arg('engine') ?? 'dist';
  if (engineFrom !== 'dist' && engineFrom !== 'src') throw new Error(`--engine expects dist or src, received ${engineFrom}`);
  if (engineFrom === 'dist') {
    // The build of the current src/, so the figures are of this code.
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const b = await runNode([tsc, '-p', path.join(repoRoot, 'tsconfig.build.json')]);
    if (b.code !== 0) throw new Error(`tsc -p tsconfig.build.json failed (exit ${b.code}): ${b.stdout}${b.stderr}`);
  }
  console.log(engineFrom === 'dist' ? 'engine: dist/, built from src/ just now (what count-speakers runs)' : 'engine: src/ under tsx');
  results.engine = engineFrom;
  const rows: ChildReport[] = [];
  // Sparse films (dialogue between long stretches of near silence) stress buffers that wait for
  // a number of speech windows rather than a duration of audio.
  const inputs = [
    ...minutesList.map((minutes) => ({ minutes, sparse: false })),
    ...sparseMinutes.map((minutes) => ({ minutes, sparse: true })),
  ];
  for (const { minutes, sparse } of inputs) {
    const file = path.join(dir, `film-${minutes}min${sparse ? '-sparse' : ''}.wav`);
    let genSec = 0;
    if (!existsSync(file) || statSync(file).size !== 44 + Math.round(minutes * 60 * 48000) * 4) {
      const t = performance.now();
      writeConversation(file, voices, minutes * 60, 48000, 2, 1000 + minutes, sparse ? [10, 40] : [0.2, 1.5]);
      genSec = (performance.now() - t) / 1000;
    }
    const r = await runNode([fileURLToPath(import.meta.url), '--child', file, '--engine', engineFrom]);
    if (r.code !== 0) throw new Error(`child failed on ${file} (exit ${r.code}): ${r.stderr}`);
    const rep = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as ChildReport;
    rows.push(rep);
    console.log(
      [
        `${minutes}${sparse ? ' sparse' : ''}`.padStart(10),
        (statSync(file).size / 1048576).toFixed(0).padStart(8),
        genSec.toFixed(1).padStart(6),
        rep.createSec.toFixed(1).padStart(9),
        rep.elapsedSec.toFixed(1).padStart(10),
        (rep.durationSec / rep.elapsedSec).toFixed(1).padStart(12),
        `${rep.maxRssMB.toFixed(0)} (${rep.rssAfterCreateMB.toFixed(0)})`.padStart(27),
        `${rep.peak.heapUsedMB.toFixed(0)}/${rep.peak.arrayBuffersMB.toFixed(0)}`.padStart(26),
        String(rep.windows).padStart(8),
        String(rep.chunks).padStart(8),
        `  ${rep.counts.F} F ${rep.counts.M} M`,
      ].join(' '),
    );
    const st = rep.stageStartSec;
    const span = (a: string, b: string) => ((st[b] ?? rep.elapsedSec) - (st[a] ?? 0)).toFixed(1);
    console.log(
      `         stages: decode+segmentation+embedding ${span('decode', 'clustering')} s, clustering+reconstruction+sex ${span('clustering', 'done')} s`,
    );
  }
  results.films = rows;
  if (minutesList.length >= 2) {
    const a = rows[0];
    const b = rows[minutesList.length - 1];
    const slope = (b.maxRssMB - a.maxRssMB) / ((b.durationSec - a.durationSec) / 3600);
    console.log(
      `peak RSS growth: ${slope.toFixed(1)} MB per extra hour of audio (${a.maxRssMB.toFixed(0)} MB at ${(a.durationSec / 60).toFixed(0)} min -> ${b.maxRssMB.toFixed(0)} MB at ${(b.durationSec / 60).toFixed(0)} min); target: 2 h <= 500 MB`,
    );
    results.rssGrowthMBPerHour = slope;
  }
}

async function batch(dir: string, nFiles: number, seconds: number, results: Record<string, unknown>): Promise<void> {
  const corpus = path.join(dir, `batch-${nFiles}x${seconds}s`);
  mkdirSync(corpus, { recursive: true });
  const { voices, real } = await loadVoices(16000, 6, 3);
  const r = rng(99);
  const truth = new Map<string, { M: number; F: number }>();
  for (let i = 0; i < nFiles; i++) {
    const file = path.join(corpus, `meeting-${String(i).padStart(2, '0')}.wav`);
    const k = 2 + Math.floor(r() * 3);
    const chosen = [...voices].sort(() => r() - 0.5).slice(0, k);
    truth.set(path.basename(file), { M: chosen.filter((v) => v.sex === 'M').length, F: chosen.filter((v) => v.sex === 'F').length });
    if (!existsSync(file)) writeConversation(file, chosen, seconds, 16000, 1, 500 + i);
  }
  const cores = availableParallelism();
  console.log(
    `\nbatch: ${nFiles} files x ${seconds} s (16 kHz mono, 2-4 ${real ? 'LibriSpeech' : 'SYNTHETIC'} voices each), ${cores} cores`,
  );
  const mainUrl = pathToFileURL(path.join(repoRoot, 'src', 'cli', 'main.ts')).href;
  const script = `const { main } = await import(${JSON.stringify(mainUrl)}); process.exitCode = await main(process.argv.slice(1)); const u = process.resourceUsage(); process.stderr.write('maxRSS ' + u.maxRSS + ' cpuUs ' + (u.userCPUTime + u.systemCPUTime) + '\\n');`;
  const configs: Array<{ name: string; args: string[] }> = [
    { name: `--jobs 1 (1 engine x ${cores} threads)`, args: ['--jobs', '1'] },
    { name: '--jobs 1 --threads 1', args: ['--jobs', '1', '--threads', '1'] },
    { name: `--jobs 2 (2 engines x ${Math.max(1, Math.floor(cores / 2))} thread)`, args: ['--jobs', '2'] },
  ];
  const rows: Array<{ name: string; wallSec: number; cpuSec: number; audioPerSec: number; maxRssMB: number }> = [];
  for (const c of configs) {
    const out = path.join(dir, `batch-results-${rows.length}.jsonl`);
    rmSync(out, { force: true });
    const res = await runNode(['--input-type=module', '-e', script, '--', 'batch', corpus, '--out', out, '--quiet', ...c.args]);
    if (res.code !== 0) throw new Error(`batch ${c.name} failed (exit ${res.code}): ${res.stderr}`);
    const lines = readFileSync(out, 'utf8').trim().split('\n').length;
    const maxRssMB = Number(/maxRSS (\d+)/.exec(res.stderr)?.[1] ?? 0) / 1024;
    // CPU time of all threads: cpu/wall near `cores` means the jobs really ran in parallel (the
    // machine is shared; another busy process shows up as cpu/wall below what was asked).
    const cpuSec = Number(/cpuUs (\d+)/.exec(res.stderr)?.[1] ?? 0) / 1e6;
    rows.push({ name: c.name, wallSec: res.wallSec, cpuSec, audioPerSec: (nFiles * seconds) / res.wallSec, maxRssMB });
    console.log(
      `${c.name.padEnd(36)} ${res.wallSec.toFixed(1).padStart(6)} s wall (process start to exit), cpu ${cpuSec.toFixed(1)} s (${(cpuSec / res.wallSec).toFixed(2)} cores busy), ${lines} results, ${((nFiles * seconds) / res.wallSec).toFixed(1)}x real time, peak RSS ${maxRssMB.toFixed(0)} MB`,
    );
  }
  // Sanity check of the answers (same for every configuration): counts against the voices used.
  const got = readFileSync(path.join(dir, 'batch-results-2.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { file: string; M?: number; F?: number });
  let exact = 0;
  let tM = 0;
  let tF = 0;
  let gM = 0;
  let gF = 0;
  for (const g of got) {
    const t = truth.get(path.basename(g.file));
    if (!t) continue;
    tM += t.M;
    tF += t.F;
    gM += g.M ?? 0;
    gF += g.F ?? 0;
    if (g.M === t.M && g.F === t.F) exact++;
  }
  console.log(`answers: ${exact}/${got.length} files with exact M and F; total found ${gF} F ${gM} M, truth ${tF} F ${tM} M`);
  const speedup = rows[0].wallSec / rows[2].wallSec;
  const speedup1 = rows[1].wallSec / rows[2].wallSec;
  // The most two jobs can gain over one engine that already uses both cores: all of the
  // single-threaded CPU time spread perfectly over the cores.
  const bound = rows[0].wallSec / (rows[1].cpuSec / cores);
  console.log(
    `speed-up --jobs 2 vs --jobs 1, one intra-op thread per job: ${speedup1.toFixed(2)}x (target >= 1.7x)\n` +
      `speed-up --jobs 2 vs one engine using all ${cores} cores (--jobs 1, default threads): ${speedup.toFixed(2)}x (at most ${bound.toFixed(2)}x possible: the single-thread CPU time over ${cores} cores)`,
  );
  results.batch = {
    files: nFiles,
    secondsEach: seconds,
    cores,
    rows,
    speedupVsJobs1: speedup,
    speedupVsJobs1Thread1: speedup1,
    boundVsJobs1: bound,
  };
}

async function mainBench(): Promise<void> {
  const minutesList = (arg('minutes') ?? '10,30,120')
    .split(',')
    .map(Number)
    .filter((m) => m > 0);
  const keep = arg('dir');
  const dir = keep ?? mkdtempSync(path.join(tmpdir(), 'count-speakers-scale-'));
  mkdirSync(dir, { recursive: true });
  const results: Record<string, unknown> = { date: new Date().toISOString(), cores: availableParallelism() };
  try {
    const sparse = (arg('sparse-minutes') ?? '120')
      .split(',')
      .map(Number)
      .filter((m) => m > 0);
    if (!flag('skip-films')) await films(dir, minutesList, sparse, results);
    if (!flag('skip-batch')) await batch(dir, Number(arg('batch-files') ?? '24'), Number(arg('batch-sec') ?? '300'), results);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
  const json = arg('json');
  if (json) writeFileSync(json, JSON.stringify(results, null, 2) + '\n');
}

const childFile = arg('child');
if (childFile) await child(childFile, arg('engine') ?? 'dist');
else await mainBench();
