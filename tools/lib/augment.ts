/** Generic noise for training-time augmentation (white, pink, brown), deterministic by seed. */
import { mulberry32 } from './rng.js';

export const NOISE_KINDS = ['white', 'pink', 'brown'] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];

function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, x.length));
}

export function makeNoise(n: number, kind: NoiseKind, seed: number): Float32Array {
  const r = mulberry32(seed);
  const out = new Float32Array(n);
  // Paul Kellet's economy pink filter; brown = leaky integral of white.
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let brown = 0;
  for (let i = 0; i < n; i++) {
    const w = r() * 2 - 1;
    if (kind === 'white') out[i] = w;
    else if (kind === 'pink') {
      b0 = 0.99765 * b0 + w * 0.099046;
      b1 = 0.963 * b1 + w * 0.2965164;
      b2 = 0.57 * b2 + w * 1.0526913;
      out[i] = b0 + b1 + b2 + w * 0.1848;
    } else {
      brown = 0.995 * brown + w * 0.1;
      out[i] = brown;
    }
  }
  return out;
}

/** speech + noise scaled to `snrDb` below the speech's RMS. */
export function addNoise(speech: Float32Array, kind: NoiseKind, snrDb: number, seed: number): Float32Array {
  const noise = makeNoise(speech.length, kind, seed);
  const g = (rms(speech) * 10 ** (-snrDb / 20)) / Math.max(rms(noise), 1e-9);
  const out = new Float32Array(speech.length);
  for (let i = 0; i < speech.length; i++) out[i] = speech[i] + g * noise[i];
  return out;
}

/**
 * Synthetic music at 16 kHz, deterministic by seed: plucked notes of a pentatonic scale over
 * three octaves (6 harmonics, exponential decay), 1-3 at a time every 0.2-0.6 s, over a kick
 * drum on the beat. A generic stand-in for real music, so that training never hears the
 * benchmark's MUSAN clip.
 */
export function makeMusic(n: number, seed: number, sampleRateHz = 16000): Float32Array {
  const r = mulberry32(seed);
  const out = new Float32Array(n);
  const scale = [0, 2, 4, 7, 9];
  const beatSec = 0.4 + 0.3 * r();
  for (let t = 0; t < n; ) {
    const notes = 1 + Math.floor(r() * 3);
    for (let k = 0; k < notes; k++) {
      const semis = scale[Math.floor(r() * scale.length)] + 12 * Math.floor(r() * 3);
      const f0 = 130.8 * 2 ** (semis / 12);
      const tau = (0.2 + 0.8 * r()) * sampleRateHz;
      const amp = 0.2 + 0.3 * r();
      const len = Math.min(n - t, Math.round(4 * tau));
      for (let h = 1; h <= 6; h++) {
        const w = (2 * Math.PI * f0 * h) / sampleRateHz;
        const a = amp / h ** 1.5;
        for (let i = 0; i < len; i++) out[t + i] += a * Math.exp(-i / tau) * Math.sin(w * i);
      }
    }
    t += Math.round((0.2 + 0.4 * r()) * sampleRateHz);
  }
  const beat = Math.round(beatSec * sampleRateHz);
  for (let t = 0; t < n; t += beat) {
    const len = Math.min(n - t, Math.round(0.15 * sampleRateHz));
    for (let i = 0; i < len; i++)
      out[t + i] +=
        0.8 * Math.exp(-i / (0.04 * sampleRateHz)) * Math.sin((2 * Math.PI * (60 + 60 * Math.exp(-i / 800)) * i) / sampleRateHz);
  }
  return out;
}
