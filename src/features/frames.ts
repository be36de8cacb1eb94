/** Framing and mel-band arithmetic shared by the TypeScript and WASM feature backends. */
import type { MelConfig } from './types.js';

/** Number of frames librosa.stft gives for `samples` samples (centred: padded by fftSize/2 each side). */
export function stftFrameCount(samples: number, c: Pick<MelConfig, 'center' | 'fftSize' | 'hopSamples'>): number {
  const pad = c.center ? Math.floor(c.fftSize / 2) : 0;
  const padded = samples + 2 * pad;
  return padded >= c.fftSize ? 1 + Math.floor((padded - c.fftSize) / c.hopSamples) : 0;
}

/** numpy.pad(mode='reflect') index (edge not repeated): the periodic mirror of period 2(n-1), for any distance. */
export function reflectIndex(j: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const r = ((j % period) + period) % period;
  return r < n ? r : period - r;
}

/** Energy of one mel band: its non-zero weights (starting at bin `lo`) times the power spectrum. */
export function bandEnergy(power: Float64Array, lo: number, weights: Float64Array): number {
  let acc = 0;
  for (let k = 0; k < weights.length; k++) acc += weights[k] * power[lo + k];
  return acc;
}
