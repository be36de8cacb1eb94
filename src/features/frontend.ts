/**
 * A speaker model's features for one stretch of audio, whichever frontend the model declares
 * (FrontendSpec). The librosa mel goes through the FeatureBackend (WASM core or TypeScript);
 * the Kaldi filterbank is TypeScript only: it costs about 2 s per hour of speech, small
 * beside the model that consumes it.
 */
import { CAMPPLUS_FBANK_CONFIG, kaldiFbank, subtractBandMeans } from './kaldiFbank.js';
import { VOICE_ENCODER_MEL_CONFIG } from './melConfig.js';
import type { FeatureBackend, FrontendSpec, MelSpectrogram } from './types.js';

export const VOICE_ENCODER_FRONTEND: Readonly<FrontendSpec> = Object.freeze({
  kind: 'librosa-mel',
  mel: VOICE_ENCODER_MEL_CONFIG,
  normalizeVolume: true,
});

export const CAMPPLUS_FRONTEND: Readonly<FrontendSpec> = Object.freeze({
  kind: 'kaldi-fbank',
  fbank: CAMPPLUS_FBANK_CONFIG,
  subtractMean: true,
});

export function computeFeatures(samples: Float32Array, spec: Readonly<FrontendSpec>, backend: FeatureBackend): MelSpectrogram {
  if (spec.kind === 'librosa-mel') return backend.melSpectrogram(samples, spec.mel);
  const fbank = kaldiFbank(samples, spec.fbank);
  return spec.subtractMean ? subtractBandMeans(fbank) : fbank;
}

/** Whether windows should be volume-normalised before this frontend (GE2E was trained so). */
export function wantsVolumeNormalisation(spec: Readonly<FrontendSpec>): boolean {
  return spec.kind === 'librosa-mel' && spec.normalizeVolume;
}

export function frontendHopSamples(spec: Readonly<FrontendSpec>): number {
  return spec.kind === 'librosa-mel' ? spec.mel.hopSamples : spec.fbank.hopSamples;
}
