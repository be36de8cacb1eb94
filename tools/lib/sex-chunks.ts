/**
 * Labelled speakers cut into chunks like the ones the engine gives the sex model (2-10 s of one
 * speaker's speech from one segmentation window), each chunk heard clean and under film-like
 * degradations, with every feature block of src/sex/model.ts computed and cached on disk
 * (bench/results/sex-chunks/, gitignored) so that training and evaluation re-run in seconds.
 *
 * Speakers: the 251 LibriSpeech readers (one utterance each), the 3 librispeech-long readers,
 * the AMI speakers (sex = first letter of the id; their single-speaker stretches within each 10 s
 * window joined into one stretch; evaluated when they speak >= 2 s) and the one man of sessions/
 * (up to four 8 s stretches per recording). The original cut (no SexChunking) makes ~4 s even
 * pieces of each reader and one chunk of each AMI or sessions stretch; a SexChunking slides
 * chunkSec-long chunks every hopSec over every stretch instead (the engine's chunks are at most
 * 3 s: src/segmentation maxChunkSec).
 *
 * Folds: speaker -> fnv1a32(id) % 5. Music conditions play music bed number `fold` (of the five
 * in ../shared/data/music) under that fold's speakers, so even a model trained on the other
 * folds' music conditions (eval:sex --train-beds) has heard the other four beds only; by default
 * models learn from no real bed at all. Training copies (AUGMENT_COPIES) use synthetic music
 * (tools/lib/augment.ts makeMusic) and noise, never a real bed.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readAudio } from '../../src/audio/index.js';
import { fnv1a32 } from '../../src/batch/shard.js';
import { CampPlusEmbedder } from '../../src/embedding/campplus.js';
import { embedWindows } from '../../src/embedding/embed.js';
import { OnnxVoiceEncoder } from '../../src/embedding/onnxVoiceEncoder.js';
import { parseRttm } from '../../src/io/index.js';
import { normalisedCampPlus, SEX_BLOCK_DIMS, type SexFeatureBlock } from '../../src/sex/model.js';
import { addNoise, makeMusic, NOISE_KINDS } from './augment.js';
import { bedSegment, codecLowpass, mixAtSnr, randomEq, randomRoom, reverberate, setLevel, telephoneBand } from './film-augment.js';
import { mulberry32 } from './rng.js';
import { readLibriSpeakers, REPO_ROOT, requireSharedData } from './shared-data.js';

export const SEX_FOLDS = 5;
const SR = 16000;

export type SpeakerSource = 'librispeech' | 'librispeech-long' | 'ami' | 'sessions';

export interface SexSpeaker {
  id: string;
  source: SpeakerSource;
  sex: 'M' | 'F';
  fold: number;
  /** Speech seconds of the speaker in the data (AMI: from the RTTM, overlap included). */
  speechSec: number;
  /** Scored by the benchmark (AMI speakers need >= 2 s). */
  evaluated: boolean;
  chunks: { id: string; samples: Float32Array }[];
}

export const EVAL_CONDITIONS = ['clean', 'music10', 'music0', 'reverb', 'reverb_music', 'telephone'] as const;
export type EvalCondition = (typeof EVAL_CONDITIONS)[number];
export const AUGMENT_COPIES = ['aug0', 'aug_room_music', 'aug_room_music2'] as const;
export type SexCondition = EvalCondition | (typeof AUGMENT_COPIES)[number];

export const CONDITION_LABELS: Record<EvalCondition, string> = {
  clean: 'clean',
  music10: 'music bed 10 dB SNR',
  music0: 'music bed 0 dB SNR',
  reverb: 'reverb (rooms 3-12 m, RT60 0.2-1.0 s)',
  reverb_music: 'reverb + music bed 6-12 dB',
  telephone: 'telephone band 300-3400 Hz',
};

/** Cut [0, n) into k near-equal pieces of about `targetSec` (at least one). */
function evenPieces(samples: Float32Array, targetSec: number): Float32Array[] {
  const k = Math.max(1, Math.round(samples.length / SR / targetSec));
  const len = Math.floor(samples.length / k);
  return Array.from({ length: k }, (_, i) => samples.subarray(i * len, i === k - 1 ? samples.length : (i + 1) * len));
}

const foldOf = (id: string) => fnv1a32(id) % SEX_FOLDS;

/** Chunks of chunkSec every hopSec over each stretch of a speaker's speech. */
export interface SexChunking {
  chunkSec: number;
  hopSec: number;
}

export function chunkingLabel(c: SexChunking | null): string {
  return c === null ? 'original cut (~4 s pieces, AMI up to 10 s)' : `${c.chunkSec} s chunks every ${c.hopSec} s`;
}

/**
 * Chunks of `c.chunkSec` starting every `c.hopSec` (a stretch shorter than a chunk is one chunk;
 * a tail the grid misses by more than 0.25 s gets one more chunk ending at the stretch's end).
 * Ids name the stretch, start and length, so caches are shared between chunkings.
 */
export function slideChunks(stretchId: string, samples: Float32Array, c: SexChunking): { id: string; samples: Float32Array }[] {
  const len = Math.round(c.chunkSec * SR);
  const hop = Math.round(c.hopSec * SR);
  const piece = (start: number, end: number) => ({
    id: `${stretchId}@${(start / SR).toFixed(3)}+${((end - start) / SR).toFixed(3)}`,
    samples: samples.subarray(start, end),
  });
  if (samples.length <= len) return [piece(0, samples.length)];
  const out: { id: string; samples: Float32Array }[] = [];
  let start = 0;
  for (; start + len <= samples.length; start += hop) out.push(piece(start, start + len));
  const lastEnd = start - hop + len;
  if (samples.length - lastEnd > 0.25 * SR) out.push(piece(samples.length - len, samples.length));
  return out;
}

export async function collectSexSpeakers(chunking: SexChunking | null = null): Promise<SexSpeaker[]> {
  const cut = (stretchId: string, samples: Float32Array, original: () => { id: string; samples: Float32Array }[]) =>
    chunking === null ? original() : slideChunks(stretchId, samples, chunking);
  const out: SexSpeaker[] = [];
  for (const r of readLibriSpeakers()) {
    const { samples } = await readAudio(r.file);
    const id = `libri-${r.speaker}`;
    out.push({
      id,
      source: 'librispeech',
      sex: r.sex,
      fold: foldOf(id),
      speechSec: samples.length / SR,
      evaluated: true,
      chunks: cut(id, samples, () => evenPieces(samples, 4).map((s, i) => ({ id: `${id}#${i}`, samples: s }))),
    });
  }
  const longDir = requireSharedData('librispeech-long');
  for (const line of readFileSync(path.join(longDir, 'speakers.csv'), 'utf8').trim().split('\n').slice(1)) {
    const [speaker, sex, file] = line.split(',');
    const { samples } = await readAudio(path.join(longDir, file));
    const id = `libri-long-${speaker}`;
    out.push({
      id,
      source: 'librispeech-long',
      sex: sex as 'M' | 'F',
      fold: foldOf(id),
      speechSec: samples.length / SR,
      evaluated: true,
      chunks: cut(id, samples, () => evenPieces(samples, 4).map((s, i) => ({ id: `${id}#${i}`, samples: s }))),
    });
  }
  const amiDir = requireSharedData('ami');
  const ami = new Map<string, { secs: number; chunks: { id: string; samples: Float32Array }[] }>();
  for (const f of readdirSync(amiDir)
    .filter((x) => x.endsWith('.rttm'))
    .sort()) {
    const uri = f.replace(/\.rttm$/, '');
    const turns = [...parseRttm(readFileSync(path.join(amiDir, f), 'utf8'), f).turnsByUri.values()].flat();
    const { samples } = await readAudio(path.join(amiDir, `${uri}.wav`));
    for (const spk of [...new Set(turns.map((t) => t.speaker))].sort()) {
      const first = spk[0].toUpperCase();
      if (first !== 'M' && first !== 'F') continue;
      const mine = turns.filter((t) => t.speaker === spk);
      const entry = ami.get(spk) ?? { secs: 0, chunks: [] };
      entry.secs += mine.reduce((s, t) => s + t.endSec - t.startSec, 0);
      // Samples where this speaker speaks and no one else does, joined per 10 s window.
      const own = new Uint8Array(samples.length);
      for (const t of turns) {
        const a = Math.max(0, Math.round(t.startSec * SR));
        const b = Math.min(samples.length, Math.round(t.endSec * SR));
        for (let i = a; i < b; i++) own[i] = t.speaker === spk && own[i] !== 2 ? 1 : 2;
      }
      for (let w0 = 0; w0 < samples.length; w0 += 10 * SR) {
        const picked: number[] = [];
        for (let i = w0; i < Math.min(samples.length, w0 + 10 * SR); i++) if (own[i] === 1) picked.push(samples[i]);
        if (picked.length < 0.5 * SR) continue;
        const stretchId = `ami-${spk}@${uri}+${w0 / SR}`;
        const stretch = Float32Array.from(picked);
        entry.chunks.push(...cut(stretchId, stretch, () => [{ id: stretchId, samples: stretch }]));
      }
      ami.set(spk, entry);
    }
  }
  for (const [spk, e] of [...ami].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (e.chunks.length === 0) continue;
    const id = `ami-${spk}`;
    out.push({
      id,
      source: 'ami',
      sex: spk[0].toUpperCase() as 'M' | 'F',
      fold: foldOf(id),
      speechSec: e.secs,
      evaluated: e.secs >= 2,
      chunks: e.chunks,
    });
  }
  const sessDir = requireSharedData('sessions');
  const sessChunks: { id: string; samples: Float32Array }[] = [];
  let sessSec = 0;
  for (const f of readdirSync(sessDir)
    .filter((x) => x.endsWith('.wav'))
    .sort()) {
    const { samples } = await readAudio(path.join(sessDir, f));
    const len = 8 * SR;
    const count = Math.min(4, Math.floor(samples.length / len));
    const stride = Math.floor(samples.length / Math.max(1, count));
    for (let k = 0; k < count; k++) {
      const stretchId = `sessions-${f}+${(k * stride) / SR}`;
      const stretch = samples.subarray(k * stride, k * stride + len);
      sessChunks.push(...cut(stretchId, stretch, () => [{ id: stretchId, samples: stretch }]));
      sessSec += stretch.length / SR;
    }
  }
  out.push({
    id: 'sessions-man',
    source: 'sessions',
    sex: 'M',
    fold: foldOf('sessions-man'),
    speechSec: sessSec,
    evaluated: true,
    chunks: sessChunks,
  });
  return out;
}

let beds: { name: string; samples: Float32Array }[] | null = null;
export async function musicBeds(): Promise<{ name: string; samples: Float32Array }[]> {
  if (beds) return beds;
  const dir = requireSharedData('music');
  const list: { name: string; samples: Float32Array }[] = [];
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.wav'))
    .sort())
    list.push({ name: f, samples: (await readAudio(path.join(dir, f))).samples });
  if (list.length < SEX_FOLDS) throw new Error(`${dir}: expected ${SEX_FOLDS} music beds, received ${list.length}`);
  beds = list;
  return list;
}

/** The chunk as heard under `condition`, deterministic by chunk id. */
export async function degrade(chunk: Float32Array, chunkId: string, fold: number, condition: SexCondition): Promise<Float32Array> {
  const seed = fnv1a32(`${chunkId}|${condition}`);
  const rand = mulberry32(seed);
  if (condition === 'clean') return chunk;
  if (condition === 'telephone') return telephoneBand(chunk);
  if (condition === 'reverb') return reverberate(chunk, randomRoom(rand), seed);
  const bed = (await musicBeds())[fold].samples;
  if (condition === 'music10') return mixAtSnr(chunk, bedSegment(bed, chunk.length, rand), 10);
  if (condition === 'music0') return mixAtSnr(chunk, bedSegment(bed, chunk.length, rand), 0);
  if (condition === 'reverb_music') {
    const wet = reverberate(chunk, randomRoom(rand), seed);
    return mixAtSnr(wet, bedSegment(bed, chunk.length, rand), 6 + 6 * rand());
  }
  if (condition === 'aug_room_music' || condition === 'aug_room_music2') {
    // Training copies for the hardest case: a room, then synthetic music or noise at 0-12 dB.
    const wet = reverberate(chunk, randomRoom(rand), seed);
    const snrDb = 12 * rand();
    return rand() < 0.7
      ? mixAtSnr(wet, makeMusic(wet.length, seed), snrDb)
      : addNoise(wet, NOISE_KINDS[Math.floor(rand() * 3)], snrDb, seed);
  }
  // Training copies: a random chain of the same kinds of damage, synthetic music or noise only.
  let x = chunk;
  if (rand() < 0.6) x = reverberate(x, randomRoom(rand), seed);
  if (rand() < 0.5) x = randomEq(x, rand);
  const bg = rand();
  const snrDb = 20 * rand();
  if (bg < 0.5) x = mixAtSnr(x, makeMusic(x.length, seed), snrDb);
  else if (bg < 0.8) x = addNoise(x, NOISE_KINDS[Math.floor(rand() * 3)], snrDb, seed);
  const band = rand();
  if (band < 0.2) x = telephoneBand(x);
  else if (band < 0.5) x = codecLowpass(x, 4000 + 4000 * rand());
  return setLevel(x, -35 + 39 * rand());
}

/** Row layout of the cache: every block, in this order. */
export const CACHE_BLOCKS: readonly SexFeatureBlock[] = ['hidden_mean', 'campplus'];
export const CACHE_DIM = CACHE_BLOCKS.reduce((a, b) => a + SEX_BLOCK_DIMS[b], 0);
const CACHE_DIR = path.join(REPO_ROOT, 'bench/results/sex-chunks');
/** Bump when chunking, degradations or features change, so that stale caches are not read. */
const CACHE_VERSION = 1;

export interface ChunkFeatures {
  /** chunk id -> row of CACHE_DIM values */
  rows: Map<string, Float32Array>;
}

function saveCache(file: string, rows: Map<string, Float32Array>): void {
  mkdirSync(CACHE_DIR, { recursive: true });
  const ids = [...rows.keys()];
  const all = new Float32Array(ids.length * CACHE_DIM);
  ids.forEach((id, i) => {
    all.set(rows.get(id)!, i * CACHE_DIM);
  });
  writeFileSync(file, JSON.stringify({ ids, data: Buffer.from(all.buffer).toString('base64') }));
}

/**
 * Features of every chunk under `condition`, read from the cache or computed (and cached every
 * 100 chunks, so an interrupted run resumes). `progress` is called every 50 chunks.
 */
export async function chunkFeatures(
  speakers: readonly SexSpeaker[],
  condition: SexCondition,
  progress?: (done: number, total: number) => void,
): Promise<ChunkFeatures> {
  const file = path.join(CACHE_DIR, `v${CACHE_VERSION}-${condition}.json`);
  const rows = new Map<string, Float32Array>();
  if (existsSync(file)) {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as { ids: string[]; data: string };
    const buf = Buffer.from(cached.data, 'base64');
    const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    // Rows of the first caches also held 5 F0 statistics after these blocks (since dropped).
    const stride = all.length / Math.max(1, cached.ids.length);
    cached.ids.forEach((id, i) => {
      rows.set(id, all.slice(i * stride, i * stride + CACHE_DIM));
    });
  }
  const todo = speakers.flatMap((s) => s.chunks.filter((c) => !rows.has(c.id)).map((c) => ({ s, c })));
  if (todo.length === 0) return { rows };
  const encoder = await OnnxVoiceEncoder.create({ threads: 1 });
  const campplus = await CampPlusEmbedder.create({ threads: 1 });
  try {
    let done = 0;
    for (const { s, c } of todo) {
      const x = await degrade(c.samples, c.id, s.fold, condition);
      const row = new Float32Array(CACHE_DIM);
      const hm = await embedWindows(x, [{ startSec: 0, endSec: x.length / SR }], encoder);
      if (hm.vectors[0] !== null && hm.hiddenMean) row.set(hm.hiddenMean.subarray(0, 512), 0);
      const cam = await campplus.embed(x);
      if (cam) row.set(normalisedCampPlus(cam), 512);
      rows.set(c.id, row);
      if (++done % 50 === 0) progress?.(done, todo.length);
      if (done % 100 === 0) saveCache(file, rows);
    }
  } finally {
    await encoder.dispose();
    await campplus.dispose();
  }
  saveCache(file, rows);
  return { rows };
}

/** The columns of `blocks` from a cached row. */
export function selectBlocks(row: Float32Array, blocks: readonly SexFeatureBlock[]): Float32Array {
  const out = new Float32Array(blocks.reduce((a, b) => a + SEX_BLOCK_DIMS[b], 0));
  let o = 0;
  for (const b of blocks) {
    let start = 0;
    for (const c of CACHE_BLOCKS) {
      if (c === b) break;
      start += SEX_BLOCK_DIMS[c];
    }
    out.set(row.subarray(start, start + SEX_BLOCK_DIMS[b]), o);
    o += SEX_BLOCK_DIMS[b];
  }
  return out;
}
