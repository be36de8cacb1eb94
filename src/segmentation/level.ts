/**
 * The segmentation model normalises each window's waveform (InstanceNorm, epsilon 1e-5 on the
 * variance) and is otherwise deaf to level; a window quieter than about -50 dBFS RMS is shrunk
 * by that epsilon instead, and the model then hears less speech in it than there is (a film 38 dB
 * under its normal level lost half its speech and two of four men). Quiet windows are raised
 * before the model sees them; the audio that is embedded is left as it was. Pure, so tested with
 * exact answers.
 */

import type { SegmentationConfig } from './config.js';

/** Windows of `windowSamples` back to back in `batch`; a copy with the quiet ones raised, or `batch` itself when none is. */
export function raiseQuietWindows(
  batch: Float32Array,
  windowSamples: number,
  rule: Pick<SegmentationConfig, 'minWindowRmsDb' | 'maxWindowGainDb'>,
): Float32Array {
  const minRms = 10 ** (rule.minWindowRmsDb / 20);
  const maxGain = 10 ** (rule.maxWindowGainDb / 20);
  let out: Float32Array | null = null;
  for (let from = 0; from < batch.length; from += windowSamples) {
    const to = Math.min(batch.length, from + windowSamples);
    let sum = 0;
    for (let i = from; i < to; i++) sum += batch[i] * batch[i];
    const rms = Math.sqrt(sum / Math.max(1, to - from));
    if (!(rms > 0) || rms >= minRms) continue;
    out ??= batch.slice();
    const gain = Math.min(maxGain, minRms / rms);
    for (let i = from; i < to; i++) out[i] *= gain;
  }
  return out ?? batch;
}
