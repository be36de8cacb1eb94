/**
 * VAD benchmark (prints figures; not a unit test): Silero v5 vs v6, sequential vs batched, on the
 * shared data (../shared/data or $COUNT_SPEAKERS_DATA):
 *  - AMI excerpts vs RTTM (speech = union of turns inside the UEM): missed / false-alarm rates;
 *  - INA musanmix: speech recall on the man, false alarm in music / noise / silence;
 *  - INA lamartine: speech found;
 *  - speed: seconds per audio hour on 10 minutes of tiled real audio.
 * Usage: npm run eval:vad [-- --threads 2] [--v5 /path/silero_vad_v5.onnx] [--speed-only]
 * (the repo ships v6 only; tools/fetch_silero.sh v5 0.0.31 /tmp/silero gives v5 for the comparison)
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readAudio } from '../src/audio/index.js';
import {
  DEFAULT_VAD_CONFIG,
  SileroVad,
  detectSpeechProbabilities,
  regionsFromProbabilities,
  SpeechProbabilityStream,
  type SpeechProbabilities,
  type SpeechRegion,
  type VadConfig,
} from '../src/vad/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');
const SR = 16000;
const threadsArg = process.argv.indexOf('--threads');
const threads = threadsArg >= 0 ? Number(process.argv[threadsArg + 1]) : 1;
const v5Arg = process.argv.indexOf('--v5');
const v5Path = v5Arg >= 0 ? process.argv[v5Arg + 1] : undefined;
const speedOnly = process.argv.includes('--speed-only');

type Interval = [number, number];


/** Union of intervals, sorted and disjoint. */
function union(xs: Interval[]): Interval[] {
  const s = [...xs].sort((a, b) => a[0] - b[0]);
  const out: Interval[] = [];
  for (const [a, b] of s) {
    const last = out[out.length - 1];
    if (last !== undefined && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
function total(xs: Interval[]): number {
  return xs.reduce((t, [a, b]) => t + (b - a), 0);
}
/** Seconds of overlap between two sorted disjoint lists. */
function overlap(xs: Interval[], ys: Interval[]): number {
  let i = 0;
  let j = 0;
  let t = 0;
  while (i < xs.length && j < ys.length) {
    const a = Math.max(xs[i][0], ys[j][0]);
    const b = Math.min(xs[i][1], ys[j][1]);
    if (b > a) t += b - a;
    if (xs[i][1] < ys[j][1]) i++;
    else j++;
  }
  return t;
}
function clip(xs: Interval[], lo: number, hi: number): Interval[] {
  return xs.map(([a, b]): Interval => [Math.max(a, lo), Math.min(b, hi)]).filter(([a, b]) => b > a);
}
const toIv = (rs: SpeechRegion[]): Interval[] => rs.map((r): Interval => [r.startSec, r.endSec]);

interface Item {
  name: string;
  samples: Float32Array;
  offsetSec: number;
  durationSec: number;
}

async function loadItems(): Promise<{ ami: Item[]; musan: Item; lamartine: Item; amiRef: Map<string, Interval[]>; musanLabels: Map<string, Interval[]> }> {
  const amiDir = path.join(dataDir, 'ami');
  const names = readdirSync(amiDir).filter((f) => f.endsWith('.wav')).map((f) => f.slice(0, -4)).sort();
  const amiRef = new Map<string, Interval[]>();
  const ami: Item[] = [];
  for (const name of names) {
    const { samples } = await readAudio(path.join(amiDir, `${name}.wav`));
    const uem = readFileSync(path.join(amiDir, `${name}.uem`), 'utf8').trim().split(/\s+/);
    const [u0, u1] = [Number(uem[2]), Number(uem[3])];
    const turns: Interval[] = [];
    for (const line of readFileSync(path.join(amiDir, `${name}.rttm`), 'utf8').split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f[0] !== 'SPEAKER') continue;
      turns.push([Number(f[3]), Number(f[3]) + Number(f[4])]);
    }
    amiRef.set(name, clip(union(turns), u0, u1));
    ami.push({ name, samples, offsetSec: 0, durationSec: samples.length / SR });
  }
  const musanLabels = new Map<string, Interval[]>();
  const lines = readFileSync(path.join(dataDir, 'ina/musanmix-smn-gender.csv'), 'utf8').trim().split('\n').slice(1);
  for (const line of lines) {
    const [label, a, b] = line.split('\t');
    const key = label === 'male' || label === 'female' ? 'speech' : label;
    musanLabels.set(key, [...(musanLabels.get(key) ?? []), [Number(a), Number(b)]]);
  }
  const m = (await readAudio(path.join(dataDir, 'ina/musanmix.wav'))).samples;
  const l = (await readAudio(path.join(dataDir, 'ina/lamartine.wav'))).samples;
  return {
    ami,
    amiRef,
    musanLabels,
    musan: { name: 'musanmix', samples: m, offsetSec: 0, durationSec: m.length / SR },
    lamartine: { name: 'lamartine', samples: l, offsetSec: 0, durationSec: l.length / SR },
  };
}

function concat(items: Item[]): Float32Array {
  const out = new Float32Array(items.reduce((s, it) => s + it.samples.length, 0));
  let o = 0;
  for (const it of items) {
    it.offsetSec = o / SR;
    out.set(it.samples, o);
    o += it.samples.length;
  }
  return out;
}

/** Regions of one item cut out of a run on the concatenated signal, in the item's own time. */
function regionsOf(it: Item, all: SpeechRegion[]): Interval[] {
  return clip(toIv(all), it.offsetSec, it.offsetSec + it.durationSec).map(([a, b]): Interval => [a - it.offsetSec, b - it.offsetSec]);
}

interface Scores {
  amiMissPct: number;
  /** Same, with 0.25 s around every reference speech boundary not scored (md-eval's collar). */
  amiMissCollarPct: number;
  amiFaCollarPct: number;
  amiFaPct: number;
  musanRecallPct: number;
  musanFaMusicSec: number;
  musanFaNoiseSec: number;
  musanFaSilenceSec: number;
  lamartineSpeechSec: number;
}

/** Complement of `xs` inside [lo, hi]. */
function complement(xs: Interval[], lo: number, hi: number): Interval[] {
  const out: Interval[] = [];
  let at = lo;
  for (const [a, b] of xs) {
    if (a > at) out.push([at, Math.min(a, hi)]);
    at = Math.max(at, b);
  }
  if (at < hi) out.push([at, hi]);
  return out.filter(([a, b]) => b > a);
}

function score(hyp: Map<string, Interval[]>, d: Awaited<ReturnType<typeof loadItems>>): Scores {
  const acc = { ref: 0, miss: 0, fa: 0, refC: 0, missC: 0, faC: 0 };
  for (const it of d.ami) {
    const r = d.amiRef.get(it.name) ?? [];
    const h = hyp.get(it.name) ?? [];
    const ov = overlap(r, h);
    acc.ref += total(r);
    acc.miss += total(r) - ov;
    acc.fa += total(h) - ov;
    // Scored zone: the file minus 0.25 s either side of every reference boundary.
    const scored = complement(union(r.flatMap(([a, b]): Interval[] => [[a - 0.25, a + 0.25], [b - 0.25, b + 0.25]])), 0, it.durationSec);
    const rC = union(r.flatMap(([a, b]) => clip(scored, a, b)));
    const hC = union(h.flatMap(([a, b]) => clip(scored, a, b)));
    const ovC = overlap(rC, hC);
    acc.refC += total(rC);
    acc.missC += total(rC) - ovC;
    acc.faC += total(hC) - ovC;
  }
  const mh = hyp.get('musanmix') ?? [];
  const lab = (k: string): Interval[] => union(d.musanLabels.get(k) ?? []);
  const speech = lab('speech');
  return {
    amiMissPct: (100 * acc.miss) / acc.ref,
    amiFaPct: (100 * acc.fa) / acc.ref,
    amiMissCollarPct: (100 * acc.missC) / acc.refC,
    amiFaCollarPct: (100 * acc.faC) / acc.refC,
    musanRecallPct: (100 * overlap(speech, mh)) / total(speech),
    musanFaMusicSec: overlap(lab('music'), mh),
    musanFaNoiseSec: overlap(lab('noise'), mh),
    musanFaSilenceSec: overlap(lab('noEnergy'), mh),
    lamartineSpeechSec: total(hyp.get('lamartine') ?? []),
  };
}

function fmt(s: Scores): string {
  return (
    `AMI miss ${s.amiMissPct.toFixed(1)}% FA ${s.amiFaPct.toFixed(1)}% (collar .25: ${s.amiMissCollarPct.toFixed(1)}% / ${s.amiFaCollarPct.toFixed(1)}%) | ` +
    `musanmix recall ${s.musanRecallPct.toFixed(1)}% FA music ${s.musanFaMusicSec.toFixed(2)}s noise ${s.musanFaNoiseSec.toFixed(2)}s silence ${s.musanFaSilenceSec.toFixed(2)}s | ` +
    `lamartine speech ${s.lamartineSpeechSec.toFixed(2)}s`
  );
}

async function main(): Promise<void> {
  if (!existsSync(dataDir)) {
    console.warn(`eval-vad: data folder ${dataDir} not found; set COUNT_SPEAKERS_DATA. Nothing measured.`);
    return;
  }
  const d = await loadItems();
  const items = [...d.ami, d.musan, d.lamartine];
  const cfg: VadConfig = { ...DEFAULT_VAD_CONFIG };
  console.log(`data ${dataDir}; threads ${threads}; config ${JSON.stringify(cfg)}`);

  const variants: Array<[string, string | undefined]> = [
    ['v5', v5Path],
    ['v6', path.join(repoRoot, 'models', 'silero_vad_v6.onnx')],
  ];
  for (const [variant, modelPath] of variants) {
    if (modelPath === undefined || !existsSync(modelPath)) {
      console.log(`${variant}: no model file (${modelPath ?? 'pass --v5 <path>'}); skipped. See tools/fetch_silero.sh.`);
      continue;
    }
    const vad = await SileroVad.create({ modelPath, threads });
    try {
      const all = concat(items);
      if (!speedOnly) await accuracy(vad, variant, all);
      // Speed on 10 minutes of tiled real audio.
      const tenMin = new Float32Array(600 * SR);
      for (let o = 0; o < tenMin.length; o += all.length) tenMin.set(all.subarray(0, Math.min(all.length, tenMin.length - o)), o);
      // 10 minutes with the default layout runs 20 pieces; an hour runs 64, which the third line mimics.
      for (const [label, c] of [
        ['sequential             ', { ...cfg, maxBatch: 1 }],
        ['batched x20 (10-min)   ', cfg],
        ['batched x64 (hour-like)', { ...cfg, minPieceSec: 600 / 64 }],
      ] as const) {
        const t0 = performance.now();
        await detectSpeechProbabilities(vad, tenMin, c);
        const sec = (performance.now() - t0) / 1000;
        console.log(`${variant} speed ${label} (threads ${threads}): ${sec.toFixed(2)} s for 600 s -> ${(sec * 6).toFixed(1)} s per audio hour`);
      }
    } finally {
      await vad.dispose();
    }
  }

  async function accuracy(vad: SileroVad, variant: string, all: Float32Array): Promise<void> {
    // 1) each file alone, sequential from a zero state (silero's own usage).
    const alone = new Map<string, Interval[]>();
    const aloneProbs = new Map<string, SpeechProbabilities>();
    for (const it of items) {
      const p = await detectSpeechProbabilities(vad, it.samples, { ...cfg, maxBatch: 1 });
      aloneProbs.set(it.name, p);
      alone.set(it.name, toIv(regionsFromProbabilities(p, cfg)));
    }
    console.log(`${variant} per file, sequential : ${fmt(score(alone, d))}`);

    // 2) all files as one signal, batched with the default layout (cuts land inside files).
    const pb = await detectSpeechProbabilities(vad, all, cfg);
    const rb = regionsFromProbabilities(pb, cfg);
    const batched = new Map(items.map((it) => [it.name, regionsOf(it, rb)] as const));
    const pieces = Math.max(1, Math.min(cfg.maxBatch, Math.floor(all.length / SR / cfg.minPieceSec)));
    console.log(`${variant} concatenated ${(all.length / SR).toFixed(0)} s, batched x${pieces}: ${fmt(score(batched, d))}`);
    const ps = await detectSpeechProbabilities(vad, all, { ...cfg, maxBatch: 1 });
    const rs = regionsFromProbabilities(ps, cfg);
    const seq = new Map(items.map((it) => [it.name, regionsOf(it, rs)] as const));
    console.log(`${variant} concatenated, sequential       : ${fmt(score(seq, d))}`);

    // 3) streaming in 60 s blocks.
    const stream = new SpeechProbabilityStream(vad, { ...cfg, blockSec: 60 });
    for (let o = 0; o < all.length; o += 16000 * 7) await stream.push(all.subarray(o, o + 16000 * 7));
    const rst = regionsFromProbabilities(await stream.finish(), cfg);
    const st = new Map(items.map((it) => [it.name, regionsOf(it, rst)] as const));
    console.log(`${variant} concatenated, stream 60 s blocks: ${fmt(score(st, d))}`);

    // 4) onset sweep on the per-file probabilities (offset = onset - 0.15, as silero).
    for (const onset of [0.3, 0.4, 0.5, 0.6]) {
      const r = { ...cfg, onsetThreshold: onset, offsetThreshold: Math.max(0.01, onset - 0.15) };
      const h = new Map(items.map((it) => [it.name, toIv(regionsFromProbabilities(aloneProbs.get(it.name)!, r))] as const));
      console.log(`${variant}   onset ${onset.toFixed(2)} per file    : ${fmt(score(h, d))}`);
    }
  }
}

await main();
