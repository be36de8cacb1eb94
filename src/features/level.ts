/**
 * Levels of a chunk of audio: its RMS level, and how much the level moves from one 10 ms frame to
 * the next. Speech rises and falls with every syllable (a spread of 5-20 dB on LibriSpeech and on
 * the one-man sessions, 2.5 dB and more under a music bed 8 dB down), while a sustained sound such
 * as whale song stays within a fraction of a dB.
 */

/** RMS level of the samples, dB re full scale (-120 for silence). */
export function rmsDb(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return 10 * Math.log10(s / Math.max(1, x.length) + 1e-12);
}

/** Frames of 25 ms every 10 ms, as the filterbanks use. */
const FRAME_SEC = 0.025;
const HOP_SEC = 0.01;
/** Fewer frames than this give no spread (NaN). */
const MIN_FRAMES = 10;

/** Standard deviation, in dB, of the RMS levels of 25 ms frames every 10 ms; NaN under 10 frames. */
export function frameLevelSpreadDb(x: Float32Array, sampleRateHz: number): number {
  const frame = Math.round(FRAME_SEC * sampleRateHz);
  const hop = Math.round(HOP_SEC * sampleRateHz);
  const n = x.length >= frame ? Math.floor((x.length - frame) / hop) + 1 : 0;
  if (n < MIN_FRAMES) return Number.NaN;
  let sum = 0;
  let sum2 = 0;
  for (let f = 0; f < n; f++) {
    const db = rmsDb(x.subarray(f * hop, f * hop + frame));
    sum += db;
    sum2 += db * db;
  }
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sum2 / n - mean * mean));
}
