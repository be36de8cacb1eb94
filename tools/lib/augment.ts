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
