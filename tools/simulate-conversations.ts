/**
 * Build simulated conversations from the 251 LibriSpeech readers in ../shared/data, with
 * reference RTTM and truth, for calibration and for the end-to-end benchmark.
 *
 *   npx tsx tools/simulate-conversations.ts --set test --count 40 --out bench/results/sim-test
 *
 * --set calib uses only the calibration readers; --set test only the held-out test readers
 * (tools/lib/shared-data.ts: readerSplit), so evaluation never hears a training or calibration voice.
 * --set train (the training readers, for training a model on conversations) puts synthetic music
 * (tools/lib/augment.ts: makeMusic) and brown noise in place of the MUSAN beds unless
 * --beds musan, so training never hears the benchmark's beds.
 * Each file: 1-5 speakers, each reader's utterance cut at low-energy points into 2-4 turns,
 * pauses of 0.2-1.2 s, about 15 % of turn changes overlapping by 0.2-0.8 s, a bed of real
 * music or noise (MUSAN excerpts in ina/musanmix.wav) or synthetic noise at 12-25 dB below
 * the speech, and a 1.5-4 s lead-in where only the bed plays.
 * Reference speech = energy-based activity of each clean turn (30 ms frames, gaps < 0.3 s
 * bridged), independent of the engine's VAD. A piece that is only a pause of its utterance
 * (more than 20 dB below the reader's speech level: tools/lib/speech-level.ts) becomes a pause
 * of the conversation, not a turn: scaled to speech loudness and labelled by its own level,
 * room tone would be a loud fake turn of that reader.
 *
 * --style film (tools/lib/film.ts): 1-6 speakers (or --min-speakers to
 * --max-speakers; 8 or more make files longer than 5 min) over 1.5-5 min, each
 * talking 20 s to minutes in several turns made of re-used pieces of their utterance, each turn
 * through its own synthetic room, EQ and level; real music beds (../shared/data/music) at
 * 6-20 dB below the speech on about 75 % of files; interjections; 10-20 % overlapped speech in
 * most files; 16 kHz / 44.1 kHz / 48 kHz, mono or stereo, 16-bit or float. The test set also
 * uses the librispeech-long readers and the sessions man; the calib set never hears them.
 *
 *   npx tsx tools/simulate-conversations.ts --style film --set calib --count 60   # bench/results/film-calib
 *   npx tsx tools/simulate-conversations.ts --style film --set test --count 100   # bench/results/film-test
 * --beds-dir DIR takes the music beds from a folder of 16 kHz mono WAVs (tools/debian-music-beds.sh):
 * the train set (training readers, 16 kHz mono files), which must not hear the benchmark's beds, and the
 * held-out film-test-newbeds, music no threshold was chosen on:
 *   npx tsx tools/simulate-conversations.ts --style film --set train --count 300 --seed 101 --beds-dir BEDS --out TRAIN
 *   npx tsx tools/simulate-conversations.ts --style film --set test --count 40 --seed 31 --beds-dir NEWBEDS \
 *       --out bench/results/film-test-newbeds
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeMusic, makeNoise } from './lib/augment.js';
import { writeFilmSet } from './lib/film.js';
import { mulberry32 } from './lib/rng.js';
import { FRAME_SAMPLES as FRAME, frameEnergiesDb, isSilentPiece, speechActivity as activity, speechLevelDb } from './lib/speech-level.js';
import { readerSplit, readLibriSpeakers, readWav16k, requireSharedData, wavFloat32Bytes } from './lib/shared-data.js';

const SR = 16000;

interface Args {
  set: 'calib' | 'test' | 'train';
  /** Film style: music beds from this folder of 16 kHz mono WAVs instead of ../shared/data/music. */
  bedsDir?: string;
  count: number;
  out: string;
  seed: number;
  /** Speakers per file; by default 1 to 5 (short style) or 6 (film style). */
  minSpeakers: number;
  maxSpeakers: number;
  /** Share of speakers cut to 2.5-4.5 s of their utterance (minor characters); 0 keeps whole utterances. */
  shortShare: number;
  /**
   * 'musan': the real music and noise of ina/musanmix.wav (calib and test sets);
   * 'synthetic': synthetic music and brown noise in their place (default for --set train, so that models
   * trained on these conversations never hear the beds of the held-out benchmark).
   */
  beds: 'musan' | 'synthetic';
  /** 'short': the conversations above; 'film': tools/lib/film.ts (long speakers, rooms, music beds, several formats). */
  style: 'short' | 'film';
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    set: 'test',
    count: 40,
    out: 'bench/results/sim-test',
    seed: 1,
    minSpeakers: 1,
    maxSpeakers: 0,
    shortShare: 0,
    beds: 'musan',
    style: 'short',
  };
  let outGiven = false;
  let bedsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    if (k === '--set') a.set = v as Args['set'];
    else if (k === '--count') a.count = Number(v);
    else if (k === '--out') {
      a.out = v;
      outGiven = true;
    } else if (k === '--seed') a.seed = Number(v);
    else if (k === '--min-speakers') a.minSpeakers = Number(v);
    else if (k === '--max-speakers') a.maxSpeakers = Number(v);
    else if (k === '--short-share') a.shortShare = Number(v);
    else if (k === '--beds') {
      a.beds = v as Args['beds'];
      bedsGiven = true;
    } else if (k === '--style') a.style = v as Args['style'];
    else if (k === '--beds-dir') a.bedsDir = v;
    else throw new Error(`unknown argument ${k}`);
    i++;
  }
  if (a.style !== 'short' && a.style !== 'film') throw new Error(`--style must be short or film, received ${a.style}`);
  if (a.style === 'film' && a.set === 'train' && !a.bedsDir)
    throw new Error('--style film --set train needs --beds-dir (16 kHz mono WAVs that are not the benchmark beds in ../shared/data/music)');
  if (a.bedsDir && a.style !== 'film') throw new Error('--beds-dir is for --style film');
  if (!outGiven) a.out = a.style === 'film' ? `bench/results/film-${a.set}` : `bench/results/sim-${a.set}`;
  if (!bedsGiven && a.set === 'train') a.beds = 'synthetic';
  if (a.beds !== 'musan' && a.beds !== 'synthetic') throw new Error(`--beds must be musan or synthetic, received ${a.beds}`);
  if (a.set !== 'calib' && a.set !== 'test' && a.set !== 'train') throw new Error(`--set must be calib, test or train, received ${a.set}`);
  if (a.maxSpeakers === 0) a.maxSpeakers = Math.max(a.style === 'film' ? 6 : 5, a.minSpeakers);
  if (!(Number.isInteger(a.minSpeakers) && a.minSpeakers >= 1 && Number.isInteger(a.maxSpeakers) && a.maxSpeakers >= a.minSpeakers))
    throw new Error(
      `--min-speakers and --max-speakers must be whole numbers with 1 <= min <= max, received ${a.minSpeakers} and ${a.maxSpeakers}`,
    );
  if (!(a.shortShare >= 0 && a.shortShare <= 1)) throw new Error(`--short-share must be a share in 0..1, received ${a.shortShare}`);
  return a;
}

/** The quietest frame within `radius` frames of `target` (the first and last frames excluded). */
function quietestFrameNear(e: Float64Array, target: number, radius: number): number {
  let best = target;
  for (let f = Math.max(1, target - radius); f < Math.min(e.length - 1, target + radius); f++) if (e[f] < e[best]) best = f;
  return best;
}

/** Cut an utterance into `parts` pieces at the quietest 30 ms frame near each even split point. */
function cutAtPauses(x: Float32Array, parts: number): Float32Array[] {
  const e = frameEnergiesDb(x);
  const cuts = [0];
  for (let p = 1; p < parts; p++) {
    cuts.push(quietestFrameNear(e, Math.floor((e.length * p) / parts), 25) * FRAME + FRAME / 2);
  }
  cuts.push(x.length);
  const out: Float32Array[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) if (cuts[i + 1] - cuts[i] > SR) out.push(x.subarray(cuts[i], cuts[i + 1]));
  return out;
}

/** The start of an utterance up to the quietest 30 ms frame within 0.3 s of `samples`. */
function cutNear(x: Float32Array, samples: number): Float32Array {
  if (samples >= x.length) return x;
  const e = frameEnergiesDb(x);
  return x.subarray(0, quietestFrameNear(e, Math.min(e.length - 1, Math.floor(samples / FRAME)), 10) * FRAME + FRAME / 2);
}

function trim(x: Float32Array): Float32Array {
  const act = activity(x);
  if (act.length === 0) return x.subarray(0, 0);
  return x.subarray(Math.max(0, act[0][0] - 800), Math.min(x.length, act[act.length - 1][1] + 800));
}

function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, x.length));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.style === 'film') {
    mkdirSync(args.out, { recursive: true });
    const speakers = { min: args.minSpeakers, max: args.maxSpeakers };
    writeFilmSet(args.set, args.count, args.out, args.seed, (s) => process.stdout.write(s), speakers, args.bedsDir);
    process.stdout.write(`wrote ${args.count} film conversations (${args.set} voices) to ${args.out}\n`);
    return;
  }
  const rand = mulberry32(args.seed * 7919 + (args.set === 'test' ? 1 : args.set === 'calib' ? 2 : 3));
  const readers = readLibriSpeakers().filter((r) => readerSplit(r.speaker) === args.set);
  const ina = requireSharedData('ina');
  const musan = readWav16k(path.join(ina, 'musanmix.wav'));
  const musanBeds: Record<string, Float32Array> = {
    music: musan.subarray(0, Math.floor(22.4 * SR)),
    noise: musan.subarray(Math.floor(29.2 * SR), Math.floor(55.5 * SR)),
  };
  // Same lengths, so the random draws (and every other choice) stay those of the musan beds.
  const beds: Record<string, Float32Array> =
    args.beds === 'musan'
      ? musanBeds
      : { music: makeMusic(musanBeds.music.length, 1), noise: makeNoise(musanBeds.noise.length, 'brown', 2) };
  // Each reader's utterance, trimmed of leading and trailing silence, read once.
  const trimmed = new Map<string, Float32Array>();
  for (const r of readers) trimmed.set(r.file, trim(readWav16k(r.file)));
  const readerLevelDb = new Map([...trimmed].map(([f, x]) => [f, speechLevelDb(x)]));
  const load = (f: string) => trimmed.get(f)!;
  const usable = readers.filter((r) => r.seconds >= 4);
  mkdirSync(args.out, { recursive: true });
  const truth: Record<string, unknown> = {};

  for (let c = 0; c < args.count; c++) {
    const uri = `sim-${args.set}-${String(c + 1).padStart(3, '0')}`;
    const nSpk = args.minSpeakers + Math.floor(rand() * (args.maxSpeakers - args.minSpeakers + 1));
    const pool = [...usable];
    const chosen = [] as typeof usable;
    while (chosen.length < nSpk) chosen.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
    // Turns: each reader's utterance in 2-4 pieces, interleaved so that neighbours differ where possible.
    // With --short-share, some speakers keep only the start of their utterance, cut at a pause
    // (the random draws happen only then, so the default sets stay as published).
    const utterance = (r: (typeof usable)[number]) =>
      args.shortShare > 0 && rand() < args.shortShare ? cutNear(load(r.file), (2.5 + rand() * 2) * SR) : load(r.file);
    const queues = chosen.map((r) => ({ r, pieces: cutAtPauses(utterance(r), 2 + Math.floor(rand() * 3)) }));
    // A piece that is only a pause of the utterance (room tone) stays in the turn order as a
    // pause: scaled to speech loudness and labelled by its own level, it was a loud fake turn
    // of that reader (the random draws are kept, so other conversations do not change).
    const turns: Array<{ spk: string; sex: 'M' | 'F'; audio: Float32Array; silent: boolean }> = [];
    let last = '';
    while (queues.some((q) => q.pieces.length > 0)) {
      const avail = queues.filter(
        (q) => q.pieces.length > 0 && (q.r.speaker !== last || queues.filter((z) => z.pieces.length).length === 1),
      );
      const q = avail[Math.floor(rand() * avail.length)];
      const audio = q.pieces.shift()!;
      turns.push({ spk: q.r.speaker, sex: q.r.sex, audio, silent: isSilentPiece(audio, readerLevelDb.get(q.r.file)!) });
      last = q.r.speaker;
    }
    const leadIn = Math.floor((1.5 + rand() * 2.5) * SR);
    const starts: number[] = [];
    let t = leadIn;
    for (let i = 0; i < turns.length; i++) {
      if (i > 0) {
        const overlap = turns[i].spk !== turns[i - 1].spk && rand() < 0.15;
        const gap = overlap ? -Math.floor((0.2 + rand() * 0.6) * SR) : Math.floor((0.2 + rand() * 1.0) * SR);
        t = Math.max(starts[i - 1] + Math.floor(turns[i - 1].audio.length / 2), t + gap);
      }
      starts.push(t);
      t += turns[i].audio.length;
    }
    const total = t + Math.floor((0.5 + rand()) * SR);
    const mix = new Float32Array(total);
    const rttm: string[] = [];
    const speechBy: Record<string, number> = {};
    const sexBy: Record<string, 'M' | 'F'> = {};
    // Per-speaker activity, unioned so a speaker's own turns never double count.
    const perSpk = new Map<string, Array<[number, number]>>();
    turns.forEach((turn, i) => {
      const gain = (0.1 / Math.max(rms(turn.audio), 1e-4)) * (0.6 + rand() * 0.8);
      const acts = perSpk.get(turn.spk) ?? [];
      perSpk.set(turn.spk, acts);
      sexBy[`S${turn.spk}`] = turn.sex;
      if (turn.silent) return;
      for (let k = 0; k < turn.audio.length; k++) mix[starts[i] + k] += turn.audio[k] * gain;
      for (const [s, e] of activity(turn.audio)) acts.push([starts[i] + s, starts[i] + e]);
    });
    for (const [spk, acts] of perSpk) {
      acts.sort((p, q) => p[0] - q[0]);
      let secs = 0;
      for (const [s, e] of acts) {
        rttm.push(`SPEAKER ${uri} 1 ${(s / SR).toFixed(3)} ${((e - s) / SR).toFixed(3)} <NA> <NA> S${spk} <NA> <NA>`);
        secs += (e - s) / SR;
      }
      speechBy[`S${spk}`] = Number(secs.toFixed(3));
    }
    const bedKind = ['none', 'music', 'noise', 'white'][Math.floor(rand() * 4)];
    const speechRms = 0.1;
    if (bedKind !== 'none') {
      const snrDb = 12 + rand() * 13;
      const bedGain = (kind: Float32Array) => (speechRms * 10 ** (-snrDb / 20)) / Math.max(rms(kind), 1e-6);
      if (bedKind === 'white') {
        const g = speechRms * 10 ** (-snrDb / 20) * Math.sqrt(3);
        for (let k = 0; k < total; k++) mix[k] += (rand() * 2 - 1) * g;
      } else {
        const bed = beds[bedKind];
        const g = bedGain(bed);
        const off = Math.floor(rand() * bed.length);
        for (let k = 0; k < total; k++) mix[k] += bed[(off + k) % bed.length] * g;
      }
    }
    let peak = 0;
    for (let k = 0; k < total; k++) peak = Math.max(peak, Math.abs(mix[k]));
    if (peak > 0.99) for (let k = 0; k < total; k++) mix[k] *= 0.99 / peak;
    rttm.sort((p, q) => Number(p.split(' ')[3]) - Number(q.split(' ')[3]));
    writeFileSync(path.join(args.out, `${uri}.wav`), wavFloat32Bytes(mix));
    writeFileSync(path.join(args.out, `${uri}.rttm`), rttm.join('\n') + '\n');
    writeFileSync(path.join(args.out, `${uri}.uem`), `${uri} 1 0.000 ${(total / SR).toFixed(3)}\n`);
    const counts = (min: number) => {
      const out = { M: 0, F: 0 };
      for (const [s, secs] of Object.entries(speechBy)) if (secs >= min) out[sexBy[s]]++;
      return out;
    };
    truth[uri] = {
      speech_by_speaker: speechBy,
      sex_by_speaker: sexBy,
      counts_min1s: counts(1),
      counts_min2s: counts(2),
      bed: bedKind,
      duration_sec: Number((total / SR).toFixed(3)),
    };
  }
  writeFileSync(path.join(args.out, 'truth.json'), JSON.stringify(truth, null, 1) + '\n');
  process.stdout.write(`wrote ${args.count} conversations (${args.set} readers: ${usable.length}) to ${args.out}\n`);
}

await main();
