/**
 * Mel frontend settings. VOICE_ENCODER_MEL_CONFIG is what Resemblyzer's voice encoder was
 * trained on: librosa.feature.melspectrogram(sr=16000, n_fft=400, hop_length=160, n_mels=40)
 * with librosa >= 0.10 defaults (centre, zero padding, power, slaney), and NOT log-compressed.
 */
import { checkBoolean, checkNumber, checkOneOf, mergeConfig } from '../config/index.js';
import { ConfigError } from '../errors/index.js';
import { FFT_SIZE_EXPECTED, isSupportedFftSize } from './fft.js';
import type { MelConfig } from './types.js';

export const VOICE_ENCODER_MEL_CONFIG: Readonly<MelConfig> = Object.freeze({
  sampleRateHz: 16000,
  windowSamples: 400,
  hopSamples: 160,
  fftSize: 400,
  melBands: 40,
  fMinHz: 0,
  fMaxHz: 8000,
  center: true,
  padMode: 'constant',
  spectrum: 'power',
  melNorm: 'slaney',
  melScale: 'slaney',
});

/** Merge `partial` over `defaults` (the voice encoder's settings unless given) and check every field. */
export function validateMelConfig(partial?: unknown, defaults: Readonly<MelConfig> = VOICE_ENCODER_MEL_CONFIG): MelConfig {
  const c = mergeConfig<MelConfig>('mel', defaults, partial);
  checkNumber('mel.sampleRateHz', c.sampleRateHz, { min: 1000, max: 192000, integer: true });
  checkNumber('mel.fftSize', c.fftSize, { min: 4, max: 65536, integer: true });
  if (!isSupportedFftSize(c.fftSize)) throw new ConfigError('mel.fftSize', FFT_SIZE_EXPECTED, c.fftSize);
  checkNumber('mel.windowSamples', c.windowSamples, { min: 2, max: c.fftSize, integer: true });
  checkNumber('mel.hopSamples', c.hopSamples, { min: 1, max: 65536, integer: true });
  checkNumber('mel.melBands', c.melBands, { min: 1, max: 512, integer: true });
  checkNumber('mel.fMinHz', c.fMinHz, { min: 0, max: c.sampleRateHz / 2 });
  checkNumber('mel.fMaxHz', c.fMaxHz, { min: c.fMinHz, max: c.sampleRateHz / 2, exclusiveMin: true });
  checkBoolean('mel.center', c.center);
  checkOneOf('mel.padMode', c.padMode, ['constant', 'reflect'] as const);
  checkOneOf('mel.spectrum', c.spectrum, ['power', 'magnitude'] as const);
  checkOneOf('mel.melNorm', c.melNorm, ['slaney', 'none'] as const);
  checkOneOf('mel.melScale', c.melScale, ['slaney', 'htk'] as const);
  return c;
}
