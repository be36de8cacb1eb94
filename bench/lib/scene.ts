/**
 * Scripted scenes for the per-film measures: conversations between chosen characters (LibriSpeech
 * readers), each a sequence of replies (pauses of 0.2-1.2 s, some overlapping the previous turn
 * by 0.3-0.8 s), separated by silences longer than the reply gap. The builder knows who replies
 * to whom by construction and returns it as `expected`, an answer computed without src/measures.
 */
import { frameEnergiesDb, FRAME_SAMPLES, speechLevelDb } from '../../tools/lib/speech-level.js';
import { mulberry32 } from '../../tools/lib/rng.js';

const SR = 16000;

export interface SceneVoice {
  id: string;
  sex: 'M' | 'F';
  /** One clean utterance, 16 kHz. */
  samples: Float32Array;
}

export interface SceneTurn {
  startSec: number;
  endSec: number;
  speaker: string;
}

export interface SceneExpected {
  FF: number;
  FM: number;
  MF: number;
  MM: number;
  /** The longest stretch of consecutive replies alternating between the same two women (null if none). */
  longestWomenRun: { startSec: number; endSec: number; speakers: [string, string]; turns: number } | null;
  speechSecBySex: { M: number; F: number };
}

export interface Scene {
  samples: Float32Array;
  durationSec: number;
  speakers: Array<{ id: string; sex: 'M' | 'F' }>;
  /** Truth turns (the placed audio, trimmed to speech), sorted by start. */
  turns: SceneTurn[];
  expected: SceneExpected;
}

export interface SceneOptions {
  seconds: number;
  seed: number;
  /** Silence between conversations (must exceed the reply gap under test, 2 s by default). */
  betweenSec?: readonly [number, number];
  /** Share of replies that overlap the previous turn. */
  overlapShare?: number;
}

/** The part of an utterance between its first and last frame within 30 dB of its speech level. */
export function trimToSpeech(x: Float32Array): Float32Array {
  const e = frameEnergiesDb(x);
  const thr = speechLevelDb(x) - 30;
  let a = 0;
  let b = e.length - 1;
  while (a < e.length && e[a] < thr) a++;
  while (b > a && e[b] < thr) b--;
  return x.subarray(a * FRAME_SAMPLES, Math.min(x.length, (b + 1) * FRAME_SAMPLES));
}

/** A 1.5-4.5 s piece of the voice's utterance starting and ending on speech. */
function slice(v: SceneVoice, r: () => number): Float32Array {
  const len = Math.min(v.samples.length, Math.round((1.5 + 3 * r()) * SR));
  const start = Math.floor(r() * (v.samples.length - len + 1));
  const piece = trimToSpeech(v.samples.subarray(start, start + len));
  return piece.length >= 0.5 * SR ? piece : trimToSpeech(v.samples);
}

function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, x.length));
}

/**
 * Conversations among 2-3 of the voices until `seconds` is filled. Where there are at least two
 * women, every third conversation is between two women only.
 */
export function buildScene(voices: readonly SceneVoice[], opts: SceneOptions): Scene {
  const r = mulberry32(opts.seed);
  const between = opts.betweenSec ?? [3, 5];
  const overlapShare = opts.overlapShare ?? 0.15;
  const women = voices.filter((v) => v.sex === 'F');
  const placed: Array<{ v: SceneVoice; audio: Float32Array; start: number; reply: boolean }> = [];
  const total = Math.round(opts.seconds * SR);
  let t = Math.round(1 * SR);
  let conv = 0;
  while (voices.length > 0) {
    let cast: SceneVoice[];
    if (women.length >= 2 && conv % 3 === 0) cast = pick(women, 2, r);
    else cast = pick(voices, Math.min(voices.length, 2 + Math.floor(r() * 2)), r);
    const nTurns = cast.length === 1 ? 1 : 3 + Math.floor(r() * 6);
    let cur = -1;
    const first = placed.length;
    for (let k = 0; k < nTurns; k++) {
      let next = Math.floor(r() * cast.length);
      if (next === cur) next = (next + 1) % cast.length;
      cur = next;
      const audio = slice(cast[cur], r);
      let start = t;
      if (k > 0) {
        const prev = placed[placed.length - 1];
        const prevEnd = prev.start + prev.audio.length;
        const pause = prevEnd + Math.round((0.2 + r()) * SR);
        start = r() < overlapShare ? prevEnd - Math.round((0.3 + 0.5 * r()) * SR) : pause;
        // An overlapping reply outlasts the turn it answers (or it would not take the floor).
        if (start + audio.length < prevEnd + 0.3 * SR) start = pause;
        // A reply never starts before the middle of the turn it answers, nor while the turn before that goes on.
        const before = placed.length - 2 >= first ? placed[placed.length - 2] : undefined;
        start = Math.max(
          start,
          prev.start + Math.ceil(prev.audio.length / 2),
          before ? before.start + before.audio.length + Math.round(0.1 * SR) : 0,
        );
      }
      if (start + audio.length > total - SR) break;
      placed.push({ v: cast[cur], audio, start, reply: k > 0 });
      t = Math.max(t, start + audio.length);
    }
    if (placed.length === first) break;
    t += Math.round((between[0] + (between[1] - between[0]) * r()) * SR);
    conv++;
  }

  const samples = new Float32Array(total);
  for (const p of placed) {
    const gain = 0.1 / Math.max(rms(p.audio), 1e-4);
    for (let i = 0; i < p.audio.length; i++) samples[p.start + i] += p.audio[i] * gain;
  }
  // A faint noise floor, so the file is not digital silence between turns.
  for (let i = 0; i < total; i++) samples[i] += 0.001 * (r() - 0.5);
  let peak = 0;
  for (let i = 0; i < total; i++) peak = Math.max(peak, Math.abs(samples[i]));
  if (peak > 0.99) for (let i = 0; i < total; i++) samples[i] *= 0.99 / peak;

  const turns = placed.map((p) => ({ startSec: p.start / SR, endSec: (p.start + p.audio.length) / SR, speaker: p.v.id }));
  const used = new Set(placed.map((p) => p.v.id));
  return {
    samples,
    durationSec: total / SR,
    speakers: voices.filter((v) => used.has(v.id)).map((v) => ({ id: v.id, sex: v.sex })),
    turns: turns
      .map((x, i) => ({ ...x, i }))
      .sort((a, b) => a.startSec - b.startSec || a.i - b.i)
      .map(({ i: _i, ...x }) => x),
    expected: expectedOf(placed.map((p, i) => ({ ...turns[i], sex: p.v.sex, reply: p.reply }))),
  };
}

/** Replies and the women's longest run, from the script (each reply answers the turn placed before it). */
function expectedOf(seq: Array<SceneTurn & { sex: 'M' | 'F'; reply: boolean }>): SceneExpected {
  const e: SceneExpected = { FF: 0, FM: 0, MF: 0, MM: 0, longestWomenRun: null, speechSecBySex: { M: 0, F: 0 } };
  let runStart = -1;
  for (let i = 0; i < seq.length; i++) {
    // Each voice's turns never overlap one another, so its speech is the sum of its turns.
    e.speechSecBySex[seq[i].sex] += seq[i].endSec - seq[i].startSec;
    if (!seq[i].reply) {
      runStart = -1;
      continue;
    }
    const a = seq[i - 1];
    const b = seq[i];
    e[`${a.sex}${b.sex}`]++;
    const ff = a.sex === 'F' && b.sex === 'F';
    if (!ff) {
      runStart = -1;
      continue;
    }
    if (runStart < 0 || (i - runStart >= 2 && seq[i - 2].speaker !== b.speaker)) runStart = i - 1;
    const turns = i - runStart + 1;
    const best = e.longestWomenRun;
    const startSec = seq[runStart].startSec;
    const endSec = Math.max(...seq.slice(runStart, i + 1).map((x) => x.endSec));
    if (!best || turns > best.turns || (turns === best.turns && endSec - startSec > best.endSec - best.startSec)) {
      e.longestWomenRun = {
        startSec,
        endSec,
        speakers: [seq[runStart].speaker, seq[runStart + 1].speaker],
        turns,
      };
    }
  }
  return e;
}

function pick<T>(xs: readonly T[], n: number, r: () => number): T[] {
  const pool = [...xs];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(r() * pool.length), 1)[0]);
  return out;
}
