/**
 * The segmentation model normalises each window's waveform (InstanceNorm, epsilon 1e-5 on the
 * variance) and is otherwise deaf to level; a window quieter than about -50 dBFS RMS is shrunk
 * by that epsilon instead, and the model then hears less speech in it than there is (a film 38 dB
 * under its normal level lost half its speech and two of four men). Quiet windows are raised
 * before the model sees them; the audio that is embedded is left as it was. Pure, so tested with
 * exact answers.
 */

export interface WindowLevelRule {
  /** A window whose RMS is under this is raised to it. */
  minWindowRmsDb: number;
  /** By at most this much: near-silence (dither, room tone of a silent scene) stays near silence. */
  maxWindowGainDb: number;
}

/** Windows of `windowSamples` back to back in `batch`; returns a copy with the quiet ones raised. */
export function raiseQuietWindows(batch: Float32Array, windowSamples: number, rule: WindowLevelRule): Float32Array {
  const out = batch.slice();
  const minRms = 10 ** (rule.minWindowRmsDb / 20);
  const maxGain = 10 ** (rule.maxWindowGainDb / 20);
  for (let from = 0; from < out.length; from += windowSamples) {
    const w = out.subarray(from, Math.min(out.length, from + windowSamples));
    let sum = 0;
    for (let i = 0; i < w.length; i++) sum += w[i] * w[i];
    const rms = Math.sqrt(sum / Math.max(1, w.length));
    if (!(rms > 0) || rms >= minRms) continue;
    const gain = Math.min(maxGain, minRms / rms);
    for (let i = 0; i < w.length; i++) w[i] *= gain;
  }
  return out;
}
