/**
 * Mel filterbank and analysis window, computed exactly as librosa does
 * (librosa.filters.mel in float64, cast to float32; scipy 'hann' periodic window),
 * so that the frontend reproduces the Python models' training features.
 * Shared by every FeatureBackend (the WASM core receives these weights).
 */
import type { MelConfig } from './types.js';

const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOG_STEP = Math.log(6.4) / 27;

export function hzToMel(hz: number, scale: MelConfig['melScale']): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + hz / 700);
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
}

export function melToHz(mel: number, scale: MelConfig['melScale']): number {
  if (scale === 'htk') return 700 * (10 ** (mel / 2595) - 1);
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
}

/** Row-major [melBands x (fftSize/2 + 1)] float32 weights, as librosa.filters.mel. */
export function melFilterbank(
  config: Pick<MelConfig, 'sampleRateHz' | 'fftSize' | 'melBands' | 'fMinHz' | 'fMaxHz' | 'melNorm' | 'melScale'>,
): Float32Array {
  const { sampleRateHz, fftSize, melBands, fMinHz, fMaxHz, melNorm, melScale } = config;
  const bins = Math.floor(fftSize / 2) + 1;
  const fftFreqs = new Float64Array(bins);
  for (let k = 0; k < bins; k++) fftFreqs[k] = (k * (sampleRateHz / 2)) / (bins - 1);
  const melMin = hzToMel(fMinHz, melScale);
  const melMax = hzToMel(fMaxHz, melScale);
  const melF = new Float64Array(melBands + 2);
  for (let i = 0; i < melBands + 2; i++) {
    melF[i] = melToHz(melMin + ((melMax - melMin) * i) / (melBands + 1), melScale);
  }
  const weights = new Float32Array(melBands * bins);
  for (let m = 0; m < melBands; m++) {
    const lowDiff = melF[m + 1] - melF[m];
    const highDiff = melF[m + 2] - melF[m + 1];
    const enorm = melNorm === 'slaney' ? 2 / (melF[m + 2] - melF[m]) : 1;
    for (let k = 0; k < bins; k++) {
      const lower = (fftFreqs[k] - melF[m]) / lowDiff;
      const upper = (melF[m + 2] - fftFreqs[k]) / highDiff;
      const w = Math.max(0, Math.min(lower, upper));
      weights[m * bins + k] = w * enorm;
    }
  }
  return weights;
}

/** scipy.signal.get_window('hann', n, fftbins=True): the periodic Hann window librosa uses. */
export function hannWindow(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}
