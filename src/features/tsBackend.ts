/**
 * TypeScript reference FeatureBackend: librosa.feature.melspectrogram, computed in float64
 * (librosa works in float32; golden tests hold the two within 1e-4 relative).
 */
import { hannWindow, melFilterbank } from './filterbank.js';
import { createRealFft, type RealFft } from './fft.js';
import { bandEnergy, reflectIndex, stftFrameCount } from './frames.js';
import type { FeatureBackend, MelConfig, MelSpectrogram } from './types.js';

/** Per-config tables, built once per distinct config (mel weights as sparse rows). */
interface Plan {
  fft: RealFft;
  window: Float64Array; // fftSize long (window centred, zero elsewhere, as librosa pad_center)
  bandStart: Int32Array;
  bandWeights: Float64Array[];
}

function planKey(c: MelConfig): string {
  return [c.sampleRateHz, c.windowSamples, c.fftSize, c.melBands, c.fMinHz, c.fMaxHz, c.melNorm, c.melScale].join('|');
}

function makePlan(c: MelConfig): Plan {
  const fft = createRealFft(c.fftSize);
  const window = new Float64Array(c.fftSize);
  const hann = hannWindow(c.windowSamples);
  const offset = Math.floor((c.fftSize - c.windowSamples) / 2);
  // librosa casts the window to the signal's float32 dtype; do the same so frames match bit for bit.
  for (let i = 0; i < c.windowSamples; i++) window[offset + i] = Math.fround(hann[i]);
  const weights = melFilterbank(c);
  const bins = fft.bins;
  const bandStart = new Int32Array(c.melBands);
  const bandWeights: Float64Array[] = [];
  for (let m = 0; m < c.melBands; m++) {
    let lo = 0;
    while (lo < bins && weights[m * bins + lo] === 0) lo++;
    let hi = bins;
    while (hi > lo && weights[m * bins + hi - 1] === 0) hi--;
    bandStart[m] = lo;
    bandWeights.push(Float64Array.from(weights.subarray(m * bins + lo, m * bins + hi)));
  }
  return { fft, window, bandStart, bandWeights };
}

export class TsFeatureBackend implements FeatureBackend {
  readonly name = 'ts' as const;
  private readonly plans = new Map<string, Plan>();

  melSpectrogram(samples: Float32Array, config: MelConfig): MelSpectrogram {
    const key = planKey(config);
    let plan = this.plans.get(key);
    if (plan === undefined) {
      plan = makePlan(config);
      this.plans.set(key, plan);
    }
    const { fftSize, hopSamples, melBands } = config;
    const n = samples.length;
    const frames = stftFrameCount(n, config);
    const data = new Float32Array(frames * melBands);
    const pad = config.center ? Math.floor(fftSize / 2) : 0;
    const reflect = config.center && config.padMode === 'reflect';
    const frame = new Float64Array(fftSize);
    const power = new Float64Array(plan.fft.bins);
    const { window, bandStart, bandWeights } = plan;
    const magnitude = config.spectrum === 'magnitude';

    for (let t = 0; t < frames; t++) {
      const start = t * hopSamples - pad;
      if (start >= 0 && start + fftSize <= n) {
        for (let i = 0; i < fftSize; i++) frame[i] = samples[start + i] * window[i];
      } else {
        for (let i = 0; i < fftSize; i++) {
          const j = start + i;
          let v = 0;
          if (j >= 0 && j < n) v = samples[j];
          else if (reflect && n > 0) v = samples[reflectIndex(j, n)];
          frame[i] = v * window[i];
        }
      }
      plan.fft.powerSpectrum(frame, power);
      if (magnitude) for (let k = 0; k < power.length; k++) power[k] = Math.sqrt(power[k]);
      const row = t * melBands;
      for (let m = 0; m < melBands; m++) data[row + m] = bandEnergy(power, bandStart[m], bandWeights[m]);
    }
    return { data, frames, melBands };
  }
}

/** Shared instance: plans are cached, so reuse it rather than creating one per call. */
export const tsFeatureBackend: FeatureBackend = new TsFeatureBackend();
