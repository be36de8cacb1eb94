/**
 * Resemblyzer's normalize_volume(wav, target_dBFS=-30, increase_only=True): the voice encoder was
 * trained on volume-normalised audio, so quiet input is scaled up to -30 dBFS RMS (never down).
 */
export const VOICE_ENCODER_TARGET_DBFS = -30;

export interface VolumeOptions {
  targetDbfs?: number;
  increaseOnly?: boolean;
  decreaseOnly?: boolean;
}

/** Returns a new array (the input is not modified). Silent input is returned unchanged. */
export function normalizeVolume(samples: Float32Array, options: VolumeOptions = {}): Float32Array {
  const { targetDbfs = VOICE_ENCODER_TARGET_DBFS, increaseOnly = true, decreaseOnly = false } = options;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  const rms = samples.length > 0 ? Math.sqrt(sum / samples.length) : 0;
  // Resemblyzer scales by int16_max before and after; the ratio cancels, so dBFS = 20 log10(rms).
  if (!(rms > 0) || !Number.isFinite(rms)) return samples.slice();
  const change = targetDbfs - 20 * Math.log10(rms);
  if ((change < 0 && increaseOnly) || (change > 0 && decreaseOnly)) return samples.slice();
  const gain = 10 ** (change / 20);
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i] * gain;
  return out;
}
