/**
 * Film-style simulated conversations (tools/simulate-conversations.ts --style film): 1-6
 * speakers over 1.5-5 minutes, each talking 20 s to several minutes in several turns, every turn
 * through its own channel (synthetic room, EQ, telephone band on some, level +-10 dB), real
 * music beds under the dialogue on most files, short interjections, and 10-20 % overlapped
 * speech in most files. Written in the layout bench/lib/score-sim.ts reads (wav, rttm, uem,
 * truth.json), in several formats (16 kHz mono float, 44.1 kHz stereo 16-bit, 48 kHz stereo
 * float, 16 kHz mono 16-bit).
 *
 * LibriSpeech has one utterance of at most 10 s per reader, so a long speaker is made of re-used
 * pieces of that utterance, cut at quiet 30 ms frames with random boundaries, in random order.
 * The reference is the energy activity of each dry piece (tools/lib/speech-level.ts), so the
 * reverberation tail and the bed are never labelled speech.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeNoise } from './augment.js';
import { applyChannel, drawChannel, rms } from './channel.js';
import { mulberry32 } from './rng.js';
import { FRAME_SAMPLES, frameEnergiesDb, isSilentPiece, speechActivity, speechLevelDb } from './speech-level.js';
import { type ReaderSplit, readerSplit, readLibriSpeakers, requireSharedData } from './shared-data.js';
import { joinSamples, readWavMono, wavBytes } from './wav.js';

/** A 16 kHz 16-bit file of the shared data. */
function readWav16k(file: string): Float32Array {
  const { samples, rateHz } = readWavMono(file);
  if (rateHz !== SR) throw new Error(`${file}: expected 16 kHz, received ${rateHz} Hz`);
  return samples;
}

const SR = 16000;

export interface FilmVoice {
  id: string;
  sex: 'M' | 'F';
  /** Clean speech at 16 kHz, leading and trailing silence trimmed. */
  audio: Float32Array;
  source: 'librispeech' | 'librispeech-long' | 'sessions';
}

/** A voice with its frame energies, for cutting pieces at quiet points. */
interface PreparedVoice extends FilmVoice {
  energiesDb: Float64Array;
  levelDb: number;
}

function prepare(v: FilmVoice): PreparedVoice {
  return { ...v, energiesDb: frameEnergiesDb(v.audio), levelDb: speechLevelDb(v.audio) };
}

function quietestFrame(e: Float64Array, lo: number, hi: number): number {
  lo = Math.max(0, lo);
  hi = Math.min(e.length - 1, hi);
  let best = lo;
  for (let f = lo; f <= hi; f++) if (e[f] < e[best]) best = f;
  return best;
}

/**
 * A piece of about `lenSec` of the voice starting near a random point, both ends moved to the
 * quietest 30 ms frame within 0.25 s (so words are not cut), or the whole voice when it is
 * shorter.
 */
export function randomPiece(v: PreparedVoice, lenSec: number, rand: () => number): Float32Array {
  const nF = v.energiesDb.length;
  const lenF = Math.round((lenSec * SR) / FRAME_SAMPLES);
  if (lenF >= nF - 2) return v.audio;
  const radius = 8;
  const startGuess = Math.floor(rand() * (nF - lenF));
  const s = startGuess < radius ? 0 : quietestFrame(v.energiesDb, startGuess - radius, startGuess + radius);
  const endGuess = s + lenF;
  const e = endGuess > nF - radius ? nF : quietestFrame(v.energiesDb, endGuess - radius, endGuess + radius) + 1;
  return v.audio.subarray(s * FRAME_SAMPLES, Math.min(v.audio.length, e * FRAME_SAMPLES));
}

/**
 * A turn of about `targetSec`: pieces of 1.5-6 s of the voice (random boundaries and order)
 * joined by 0.1-0.5 s pauses; pieces that are only room tone are skipped.
 */
export function buildTurn(v: PreparedVoice, targetSec: number, rand: () => number): Float32Array {
  const parts: Float32Array[] = [];
  let len = 0;
  let tries = 0;
  while (len < targetSec * SR && tries++ < 200) {
    const piece = randomPiece(v, Math.min(targetSec - len / SR + 0.5, 1.5 + rand() * 4.5), rand);
    if (piece.length < 0.3 * SR || isSilentPiece(piece, v.levelDb)) continue;
    if (parts.length > 0) {
      const pause = new Float32Array(Math.floor((0.1 + rand() * 0.4) * SR));
      parts.push(pause);
      len += pause.length;
    }
    parts.push(piece);
    len += piece.length;
  }
  return joinSamples(parts);
}

/** Seconds of time covered by at least one, and by at least two, of the intervals (samples). */
export function coverage(intervals: ReadonlyArray<readonly [number, number]>): { anySec: number; overlapSec: number } {
  const ev: Array<[number, number]> = [];
  for (const [s, e] of intervals) if (e > s) ev.push([s, 1], [e, -1]);
  ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let depth = 0;
  let last = 0;
  let any = 0;
  let two = 0;
  for (const [t, d] of ev) {
    if (depth >= 1) any += t - last;
    if (depth >= 2) two += t - last;
    depth += d;
    last = t;
  }
  return { anySec: any / SR, overlapSec: two / SR };
}

/** One speaker's intervals merged (a speaker's own overlapping pieces count once). */
export function unionIntervals(list: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...list].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

export interface PlannedTurn {
  speaker: number;
  startSample: number;
  audio: Float32Array;
  /** A 0.3-1 s interjection over someone else's turn. */
  interjection: boolean;
}

export interface FilmPlan {
  durationSec: number;
  /** Seconds of turns each speaker is given (at least 24, so at least about 20 s of labelled speech). */
  speakerSec: number[];
  /** Share of speech time the turn changes aim to overlap. */
  overlapTarget: number;
  leadInSec: number;
}

/** Length, speech per speaker and overlap aim of one file with `nSpk` speakers. */
export function planFilm(nSpk: number, rand: () => number): FilmPlan {
  // Up to 300 s; more only when 8 or more speakers need their 24 s each.
  const durationSec = Math.max(90 + rand() * 210, 30 + nSpk * 36);
  const leadInSec = 1 + rand() * 3;
  const speechSec = (durationSec - leadInSec - 1) * (0.72 + rand() * 0.15);
  const w = Array.from({ length: nSpk }, () => 0.15 + rand() ** 2);
  const sw = w.reduce((a, b) => a + b, 0);
  const spare = Math.max(0, speechSec - 24 * nSpk);
  const overlapTarget = nSpk === 1 ? 0 : rand() < 0.85 ? 0.09 + rand() * 0.07 : rand() * 0.05;
  return { durationSec, speakerSec: w.map((x) => 24 + (spare * x) / sw), overlapTarget, leadInSec };
}

/**
 * Turns of the plan: the next speaker is drawn by the speech they have left (never the one who
 * just spoke while another has some left); turns of 2-12 s, a few monologues up to 40 s; each
 * turn change overlaps the previous turn while the overlapped share is below the plan's aim,
 * else leaves a pause of 0.2-2 s (sometimes 3-6 s); then interjections of 0.3-1 s over other
 * speakers' turns.
 */
export function layoutTurns(plan: FilmPlan, voices: PreparedVoice[], rand: () => number): PlannedTurn[] {
  const left = [...plan.speakerSec];
  const turns: PlannedTurn[] = [];
  let t = Math.floor(plan.leadInSec * SR);
  let last = -1;
  let speech = 0;
  let overlap = 0;
  while (left.some((x) => x > 0.5)) {
    const cands = left.map((x, i) => (x > 0.5 && (i !== last || left.filter((y) => y > 0.5).length === 1) ? x : 0));
    const total = cands.reduce((a, b) => a + b, 0);
    let u = rand() * total;
    let spk = 0;
    while (spk < cands.length - 1 && u >= cands[spk]) u -= cands[spk++];
    const want = rand() < 0.12 ? 15 + rand() * 25 : 2 + rand() * 10;
    const sec = Math.max(1.5, left[spk] - want < 3 ? left[spk] : want);
    const audio = buildTurn(voices[spk], sec, rand);
    left[spk] -= audio.length / SR;
    let start = t;
    const prev = turns[turns.length - 1];
    if (prev && prev.speaker !== spk) {
      const need = plan.overlapTarget * (speech + audio.length) - overlap;
      if (need > 0.3 * SR) {
        const beforePrev = turns[turns.length - 2];
        const floor = Math.max(prev.startSample + 0.5 * SR, beforePrev ? beforePrev.startSample + beforePrev.audio.length : 0);
        const amount = Math.min(need, 0.5 * prev.audio.length, 0.5 * audio.length, 4 * SR);
        start = Math.max(Math.floor(floor), t - Math.floor(amount));
      } else {
        start = t + Math.floor((rand() < 0.1 ? 3 + rand() * 3 : 0.2 + rand() * 1.8) * SR);
      }
    } else if (prev) {
      start = t + Math.floor((0.3 + rand() * 1.5) * SR);
    }
    overlap += Math.max(0, t - start);
    speech += audio.length;
    turns.push({ speaker: spk, startSample: start, audio, interjection: false });
    t = Math.max(t, start + audio.length);
    last = spk;
  }
  if (voices.length > 1) {
    const nInter = Math.floor((rand() * turns.length) / 4);
    for (let k = 0; k < nInter; k++) {
      const host = turns[Math.floor(rand() * turns.length)];
      if (host.interjection || host.audio.length < 2 * SR) continue;
      let spk = Math.floor(rand() * (voices.length - 1));
      if (spk >= host.speaker) spk++;
      const piece = randomPiece(voices[spk], 0.3 + rand() * 0.7, rand);
      if (piece.length > 1.2 * SR || isSilentPiece(piece, voices[spk].levelDb)) continue;
      const at = host.startSample + Math.floor(rand() * (host.audio.length - piece.length));
      turns.push({ speaker: spk, startSample: at, audio: piece, interjection: true });
    }
  }
  return turns;
}

export const FILM_FORMATS = ['16k-mono-f32', '44k1-stereo-s16', '48k-stereo-f32', '16k-mono-s16'] as const;
export type FilmFormat = (typeof FILM_FORMATS)[number];

function drawFormat(rand: () => number): FilmFormat {
  const u = rand();
  return u < 0.35 ? '16k-mono-f32' : u < 0.65 ? '44k1-stereo-s16' : u < 0.8 ? '48k-stereo-f32' : '16k-mono-s16';
}

/**
 * Rational upsampling by windowed sinc (8 zero crossings each side, Hann window, cut at 0.95 of
 * the input's Nyquist): a polyphase table, so a 5-minute stereo file converts in about a second
 * (the engine's streaming resampler is built for quality on long input, not for this).
 */
export function upsample(x: Float32Array, fromHz: number, toHz: number): Float32Array {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = gcd(fromHz, toHz);
  const up = toHz / g;
  const down = fromHz / g;
  const half = 8;
  const cutoff = 0.95;
  const table = new Float64Array(up * 2 * half);
  for (let p = 0; p < up; p++) {
    const frac = p / up;
    let sum = 0;
    for (let k = 0; k < 2 * half; k++) {
      const t = k - half + 1 - frac; // input offset of tap k from the output position
      const sinc = t === 0 ? 1 : Math.sin(Math.PI * cutoff * t) / (Math.PI * cutoff * t);
      const w = 0.5 + 0.5 * Math.cos((Math.PI * t) / half);
      table[p * 2 * half + k] = cutoff * sinc * (Math.abs(t) < half ? w : 0);
      sum += table[p * 2 * half + k];
    }
    for (let k = 0; k < 2 * half; k++) table[p * 2 * half + k] /= sum;
  }
  const n = Math.floor((x.length * up) / down);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const pos = i * down;
    const base = Math.floor(pos / up);
    const p = pos - base * up;
    const off = p * 2 * half;
    let acc = 0;
    for (let k = 0; k < 2 * half; k++) {
      const j = base + k - half + 1;
      if (j >= 0 && j < x.length) acc += table[off + k] * x[j];
    }
    out[i] = acc;
  }
  return out;
}

/** WAV bytes of a 16 kHz stereo mix in the file's format (mono formats average the channels). */
export function encodeFilm(left: Float32Array, right: Float32Array, format: FilmFormat): Buffer {
  const rate = format.startsWith('44k1') ? 44100 : format.startsWith('48k') ? 48000 : SR;
  const stereo = format.includes('stereo');
  let chans: Float32Array[] = stereo ? [left, right] : [left.map((x, i) => 0.5 * (x + right[i]))];
  if (rate !== SR) chans = chans.map((c) => upsample(c, SR, rate));
  return wavBytes(chans, rate, format.endsWith('s16') ? 's16' : 'f32');
}

/** A bed `n` samples long: the source looped from a random offset with 50 ms crossfades. */
function loopBed(src: Float32Array, n: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  const fade = Math.floor(0.05 * SR);
  let pos = Math.floor(rand() * src.length);
  let o = 0;
  while (o < n) {
    const take = Math.min(n - o, src.length - pos);
    for (let i = 0; i < take; i++) {
      const gIn = o > 0 && i < fade ? i / fade : 1;
      const gOut = src.length - pos - i < fade ? (src.length - pos - i) / fade : 1;
      out[o + i] += src[pos + i] * Math.min(gIn, gOut);
    }
    o += take;
    pos = 0;
  }
  return out;
}

/** Music bed envelope: the whole file, or 1-3 sections of 15-60 s with 2 s fades. */
function bedEnvelope(n: number, rand: () => number): Float32Array {
  const env = new Float32Array(n);
  if (rand() < 0.5) return env.fill(1);
  const sections = 1 + Math.floor(rand() * 3);
  const fade = 2 * SR;
  for (let k = 0; k < sections; k++) {
    const len = Math.min(n, Math.floor((15 + rand() * 45) * SR));
    const s = Math.floor(rand() * Math.max(1, n - len));
    for (let i = 0; i < len; i++) env[s + i] = Math.max(env[s + i], Math.min(1, i / fade, (len - i) / fade));
  }
  return env;
}

export interface FilmTruth {
  speech_by_speaker: Record<string, number>;
  sex_by_speaker: Record<string, 'M' | 'F'>;
  source_by_speaker: Record<string, FilmVoice['source']>;
  counts_min1s: { M: number; F: number };
  counts_min2s: { M: number; F: number };
  bed: string;
  bed_snr_db: number | null;
  format: FilmFormat;
  duration_sec: number;
  overlap_share: number;
  telephone_turns: number;
  turns: number;
}

/** One film-style conversation: its 16 kHz stereo mix, reference RTTM lines and truth. */
export function makeFilm(
  uri: string,
  voices: FilmVoice[],
  beds: Record<string, Float32Array>,
  rand: () => number,
): { left: Float32Array; right: Float32Array; rttm: string[]; truth: FilmTruth } {
  const prepared = voices.map(prepare);
  const plan = planFilm(voices.length, rand);
  const turns = layoutTurns(plan, prepared, rand);
  const end = Math.max(...turns.map((t) => t.startSample + t.audio.length));
  const total = Math.max(Math.floor(plan.durationSec * SR), end + Math.floor((1 + rand()) * SR));
  const left = new Float32Array(total + SR); // room for reverberation tails
  const right = new Float32Array(total + SR);
  const speechRms = 0.05 * 10 ** ((-6 + rand() * 10) / 20);
  const perSpk: Array<Array<[number, number]>> = voices.map(() => []);
  let telephone = 0;
  for (const turn of turns) {
    const ch = drawChannel(rand);
    if (ch.eq === 'telephone') telephone++;
    const wet = applyChannel(turn.audio, ch, rand);
    const g = (speechRms * 10 ** (ch.gainDb / 20)) / Math.max(1e-6, rms(turn.audio));
    const gl = g * Math.SQRT2 * Math.cos(((ch.pan + 1) * Math.PI) / 4);
    const gr = g * Math.SQRT2 * Math.sin(((ch.pan + 1) * Math.PI) / 4);
    for (let i = 0; i < wet.length && turn.startSample + i < left.length; i++) {
      left[turn.startSample + i] += wet[i] * gl;
      right[turn.startSample + i] += wet[i] * gr;
    }
    for (const [s, e] of speechActivity(turn.audio)) perSpk[turn.speaker].push([turn.startSample + s, turn.startSample + e]);
  }
  const L = left.subarray(0, total);
  const R = right.subarray(0, total);
  // Room tone: pink noise 40-55 dB below the speech, decorrelated between channels.
  const floorG = speechRms * 10 ** (-(40 + rand() * 15) / 20);
  const seedBase = Math.floor(rand() * 2 ** 31);
  const nl = makeNoise(total, 'pink', seedBase);
  const nr = makeNoise(total, 'pink', seedBase + 1);
  const nRms = Math.max(1e-9, rms(nl));
  for (let i = 0; i < total; i++) {
    L[i] += (floorG * nl[i]) / nRms;
    R[i] += (floorG * nr[i]) / nRms;
  }
  const bedNames = Object.keys(beds).sort();
  const bed = rand() < 0.25 ? 'none' : bedNames[Math.floor(rand() * bedNames.length)];
  let bedSnrDb: number | null = null;
  if (bed !== 'none') {
    bedSnrDb = 6 + rand() * 14;
    const b = loopBed(beds[bed], total, rand);
    const env = bedEnvelope(total, rand);
    const gb = (speechRms * 10 ** (-bedSnrDb / 20)) / Math.max(1e-9, rms(b));
    const lag = Math.floor(rand() * 0.015 * SR); // a little stereo width
    for (let i = 0; i < total; i++) {
      L[i] += gb * env[i] * b[i];
      R[i] += gb * env[Math.max(0, i - lag)] * b[Math.max(0, i - lag)];
    }
  }
  let peak = 0;
  for (let i = 0; i < total; i++) peak = Math.max(peak, Math.abs(L[i]), Math.abs(R[i]));
  if (peak > 0.95) {
    for (let i = 0; i < total; i++) {
      L[i] *= 0.95 / peak;
      R[i] *= 0.95 / peak;
    }
  }

  const rttm: string[] = [];
  const speechBy: Record<string, number> = {};
  const sexBy: Record<string, 'M' | 'F'> = {};
  const sourceBy: Record<string, FilmVoice['source']> = {};
  const all: Array<[number, number]> = [];
  voices.forEach((v, k) => {
    const u = unionIntervals(perSpk[k].map(([s, e]) => [s, Math.min(e, total)]));
    let secs = 0;
    for (const [s, e] of u) {
      rttm.push(`SPEAKER ${uri} 1 ${(s / SR).toFixed(3)} ${((e - s) / SR).toFixed(3)} <NA> <NA> ${v.id} <NA> <NA>`);
      secs += (e - s) / SR;
      all.push([s, e]);
    }
    speechBy[v.id] = Number(secs.toFixed(3));
    sexBy[v.id] = v.sex;
    sourceBy[v.id] = v.source;
  });
  rttm.sort((p, q) => Number(p.split(' ')[3]) - Number(q.split(' ')[3]));
  const cov = coverage(all);
  const counts = (min: number) => {
    const out = { M: 0, F: 0 };
    for (const [s, secs] of Object.entries(speechBy)) if (secs >= min) out[sexBy[s]]++;
    return out;
  };
  return {
    left: L,
    right: R,
    rttm,
    truth: {
      speech_by_speaker: speechBy,
      sex_by_speaker: sexBy,
      source_by_speaker: sourceBy,
      counts_min1s: counts(1),
      counts_min2s: counts(2),
      bed,
      bed_snr_db: bedSnrDb === null ? null : Number(bedSnrDb.toFixed(1)),
      format: '16k-mono-f32',
      duration_sec: Number((total / SR).toFixed(3)),
      overlap_share: Number((cov.overlapSec / Math.max(1e-9, cov.anySec)).toFixed(4)),
      telephone_turns: telephone,
      turns: turns.length,
    },
  };
}

/** Recordings of the sessions man with only his voice (the README: dB0Za__55-Q and dpJE5qd9CRM may hold an interviewer). */
export const SESSIONS_ONE_VOICE = ['4glfwiMXgwQ', '9BkOf5LQQBQ', 'F2PiuixG0NY', 'FrT_8lQTN6w', 'qCCWXoCURKY'];

/** The LibriSpeech readers of librispeech-long: their voices are kept for the test set only. */
export const LONG_READERS = ['198', '3436', '5703'];

function trimSilence(x: Float32Array): Float32Array {
  const act = speechActivity(x);
  if (act.length === 0) return x.subarray(0, 0);
  return x.subarray(Math.max(0, act[0][0] - 800), Math.min(x.length, act[act.length - 1][1] + 800));
}

/**
 * The voices of a set: the LibriSpeech readers of the split (utterances of at least 4 s), never
 * the three librispeech-long readers outside the test set; for the test set also the three
 * long readings and the sessions man (his five one-voice recordings joined).
 */
export function loadFilmVoices(set: ReaderSplit): { readers: FilmVoice[]; extras: FilmVoice[] } {
  const readers = readLibriSpeakers()
    .filter((r) => readerSplit(r.speaker) === set && r.seconds >= 4 && !LONG_READERS.includes(r.speaker))
    .map((r) => ({ id: `S${r.speaker}`, sex: r.sex, audio: trimSilence(readWav16k(r.file)), source: 'librispeech' as const }));
  const extras: FilmVoice[] = [];
  if (set === 'test') {
    const longDir = requireSharedData('librispeech-long');
    for (const line of readFileSync(path.join(longDir, 'speakers.csv'), 'utf8').trim().split('\n').slice(1)) {
      const [speaker, sex, file] = line.split(',');
      extras.push({
        id: `L${speaker}`,
        sex: sex as 'M' | 'F',
        audio: trimSilence(readWav16k(path.join(longDir, file))),
        source: 'librispeech-long',
      });
    }
    const sess = requireSharedData('sessions');
    const joined = joinSamples(
      readdirSync(sess)
        .filter((f) => SESSIONS_ONE_VOICE.some((id) => f === `trump-${id}.wav`))
        .sort()
        .map((f) => readWav16k(path.join(sess, f))),
    );
    extras.push({ id: 'Tsessions', sex: 'M', audio: joined, source: 'sessions' });
  }
  return { readers, extras };
}

/** The music beds: ../shared/data/music, or the 16 kHz mono WAVs of `dir` (training beds). */
export function loadMusicBeds(dir = requireSharedData('music')): Record<string, Float32Array> {
  const beds: Record<string, Float32Array> = {};
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.wav'))
    .sort())
    beds[f.slice(0, -4)] = readWav16k(path.join(dir, f));
  return beds;
}

/**
 * Write `count` film conversations of a set to `outDir`. Speakers `speakers` per file (default
 * 1-6); in the test set about 30 % of files hold one of the long readers and about 15 % the sessions man.
 * `bedsDir` replaces the shared music beds (the train set must not hear the benchmark's beds);
 * the train set is written as 16 kHz mono float, the rate the segmentation model learns from.
 */
export function writeFilmSet(
  set: ReaderSplit,
  count: number,
  outDir: string,
  seed: number,
  log: (s: string) => void,
  speakers: { min: number; max: number } = { min: 1, max: 6 },
  bedsDir?: string,
): void {
  const rand = mulberry32(seed * 7919 + (set === 'test' ? 11 : set === 'calib' ? 12 : 13));
  const { readers, extras } = loadFilmVoices(set);
  const beds = loadMusicBeds(bedsDir);
  const truth: Record<string, FilmTruth> = {};
  for (let c = 0; c < count; c++) {
    const uri = `film-${set}-${String(c + 1).padStart(3, '0')}`;
    const nSpk = speakers.min + Math.floor(rand() * (speakers.max - speakers.min + 1));
    const pool = [...readers];
    if (nSpk > pool.length + extras.length)
      throw new Error(`${nSpk} speakers asked for, the ${set} set has ${pool.length + extras.length} voices`);
    const chosen: FilmVoice[] = [];
    for (const x of extras) {
      const share = x.source === 'sessions' ? 0.15 : 0.1;
      if (chosen.length < nSpk && rand() < share) chosen.push(x);
    }
    while (chosen.length < nSpk) chosen.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
    const fileRand = mulberry32(Math.floor(rand() * 2 ** 31));
    const film = makeFilm(uri, chosen, beds, fileRand);
    // Drawn for every set, so the random sequence (and the calib and test files) stay as they were.
    const drawn = drawFormat(rand);
    const format: FilmFormat = set === 'train' ? '16k-mono-f32' : drawn;
    film.truth.format = format;
    writeFileSync(path.join(outDir, `${uri}.wav`), encodeFilm(film.left, film.right, format));
    writeFileSync(path.join(outDir, `${uri}.rttm`), film.rttm.join('\n') + '\n');
    writeFileSync(path.join(outDir, `${uri}.uem`), `${uri} 1 0.000 ${film.truth.duration_sec.toFixed(3)}\n`);
    truth[uri] = film.truth;
    // Written after every file, so a long run can be scored while it goes on.
    writeFileSync(path.join(outDir, 'truth.json'), JSON.stringify(truth, null, 1) + '\n');
    const t = film.truth;
    log(
      `${uri}  ${Object.keys(t.speech_by_speaker).length} spk (F${t.counts_min2s.F} M${t.counts_min2s.M})  ${t.duration_sec.toFixed(0)} s  ` +
        `overlap ${(100 * t.overlap_share).toFixed(1)} %  bed ${t.bed}${t.bed_snr_db !== null ? ` @${t.bed_snr_db} dB` : ''}  ${format}\n`,
    );
  }
}
