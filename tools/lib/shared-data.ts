/** Where the shared evaluation data lives (never copied into the repo). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import wavefile from 'wavefile';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DATA_DIR = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(REPO_ROOT, '../shared/data');

export function requireSharedData(sub = ''): string {
  const dir = path.join(SHARED_DATA_DIR, sub);
  if (!existsSync(dir)) {
    throw new Error(`Shared data not found at ${dir}. Put the data folder at ../shared/data beside the clone, or set COUNT_SPEAKERS_DATA.`);
  }
  return dir;
}

export interface LibriReader {
  speaker: string;
  sex: 'M' | 'F';
  file: string;
  seconds: number;
}

export function readLibriSpeakers(): LibriReader[] {
  const dir = requireSharedData('librispeech');
  const lines = readFileSync(path.join(dir, 'speakers.csv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [speaker, sex, file, seconds] = l.split(',');
    return { speaker, sex: sex as 'M' | 'F', file: path.join(dir, file), seconds: Number(seconds) };
  });
}

/**
 * Deterministic reader split by LibriSpeech id:
 * - 'test'  (id % 10 in 0..2, about 30 %): only the simulated-conversation benchmark uses them;
 * - 'calib' (id % 10 in 8..9, about 20 %): simulated conversations that calibrate clustering
 *   thresholds; the sex model learns from them too (no threshold is chosen on its answers there);
 * - 'train' (the rest, about 50 %): train the sex model (tools/train-sex-model.ts).
 * So the benchmark never hears a voice used for training or calibration.
 */
export type ReaderSplit = 'train' | 'calib' | 'test';

export function readerSplit(speaker: string): ReaderSplit {
  const r = Number(speaker) % 10;
  return r < 3 ? 'test' : r >= 8 ? 'calib' : 'train';
}

/**
 * The simulator's reader of 16 kHz WAVs. It is not src/audio's readAudio on purpose: its
 * int-to-float scaling (wavefile's) defines the published simulated sets, and the project's
 * reader differs in the last bits, which would change every generated file.
 */
export function readWav16k(file: string): Float32Array {
  const { WaveFile } = wavefile;
  const w = new WaveFile(readFileSync(file));
  const fmt = w.fmt as { sampleRate: number; numChannels: number };
  if (fmt.sampleRate !== 16000 || fmt.numChannels !== 1) {
    throw new Error(`${file}: expected 16 kHz mono, received ${fmt.sampleRate} Hz x ${fmt.numChannels}`);
  }
  w.toBitDepth('32f');
  return w.getSamples(false, Float32Array) as unknown as Float32Array;
}

/** Mono 32-bit float WAV bytes (the project's reader is src/audio; this writes). */
export function wavFloat32Bytes(samples: Float32Array, sampleRateHz = 16000): Buffer {
  const { WaveFile } = wavefile;
  const w = new WaveFile();
  w.fromScratch(1, sampleRateHz, '32f', samples);
  return Buffer.from(w.toBuffer());
}
