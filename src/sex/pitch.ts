/**
 * Fundamental-frequency statistics of one chunk of speech, from YIN (de Cheveigné & Kawahara
 * 2002) on 25 ms frames every 20 ms, searching 55-400 Hz. Written here rather than taken from
 * npm: pitchfinder's YIN scans every lag up to half its buffer for each frame (no lower lag
 * bound), several times the work of the voice range alone, and reports no aperiodicity to
 * choose voiced frames by.
 */

export const PITCH_CONFIG = Object.freeze({
  sampleRateHz: 16000,
  frameSamples: 400,
  hopSamples: 320,
  minF0Hz: 55,
  maxF0Hz: 400,
  /** Cumulative-mean-normalised difference below which a dip counts as a period (YIN's threshold). */
  threshold: 0.15,
  /** Frames more than this far (dB) below the chunk's loudest frame are not looked at. */
  energyFloorDb: 35,
});

/** Names of the values pitchFeatures returns, in order. */
export const PITCH_FEATURE_NAMES = ['log2F0Median', 'log2F0P10', 'log2F0P90', 'voicedFraction', 'aperiodicity'] as const;
export const PITCH_FEATURE_DIM = PITCH_FEATURE_NAMES.length;

/** log2 of the frequency reported when no frame is voiced: between typical male and female F0. */
const NEUTRAL_LOG2_F0 = Math.log2(165);

/** Per frame: F0 in Hz (0 when unvoiced or too quiet) and the aperiodicity at the chosen lag (NaN when too quiet to look at). */
export function yinTrack(x: Float32Array): { f0Hz: Float32Array; aperiodicity: Float32Array } {
  const c = PITCH_CONFIG;
  const w = c.frameSamples;
  const tauMin = Math.floor(c.sampleRateHz / c.maxF0Hz);
  const tauMax = Math.ceil(c.sampleRateHz / c.minF0Hz);
  const frames = Math.max(0, Math.floor((x.length - w - tauMax) / c.hopSamples) + 1);
  const f0Hz = new Float32Array(frames);
  const aper = new Float32Array(frames).fill(NaN);
  const energy = new Float64Array(frames);
  let maxEnergy = 0;
  for (let f = 0; f < frames; f++) {
    const o = f * c.hopSamples;
    let e = 0;
    for (let j = 0; j < w; j++) e += x[o + j] * x[o + j];
    energy[f] = e;
    maxEnergy = Math.max(maxEnergy, e);
  }
  const floor = maxEnergy * 10 ** (-c.energyFloorDb / 10);
  const d = new Float64Array(tauMax + 1);
  for (let f = 0; f < frames; f++) {
    if (!(energy[f] > floor) || energy[f] === 0) continue;
    const o = f * c.hopSamples;
    // Difference function; lags below tauMin still feed the cumulative mean.
    let cum = 0;
    let best = -1;
    for (let tau = 1; tau <= tauMax; tau++) {
      let s = 0;
      for (let j = 0; j < w; j++) {
        const v = x[o + j] - x[o + j + tau];
        s += v * v;
      }
      cum += s;
      d[tau] = cum > 0 ? (s * tau) / cum : 1;
    }
    // First dip below the threshold (then its local minimum), else the global minimum.
    for (let tau = tauMin; tau <= tauMax; tau++) {
      if (d[tau] < c.threshold) {
        while (tau + 1 <= tauMax && d[tau + 1] < d[tau]) tau++;
        best = tau;
        break;
      }
    }
    if (best < 0) {
      let m = Infinity;
      for (let tau = tauMin; tau <= tauMax; tau++) if (d[tau] < m) { m = d[tau]; best = tau; }
      aper[f] = d[best];
      continue; // aperiodic: unvoiced
    }
    let tauHat = best;
    if (best > tauMin && best < tauMax) {
      const a = d[best - 1], b = d[best], cc = d[best + 1];
      const den = a - 2 * b + cc;
      if (den > 0) tauHat = best + (a - cc) / (2 * den);
    }
    f0Hz[f] = c.sampleRateHz / tauHat;
    aper[f] = d[best];
  }
  return { f0Hz, aperiodicity: aper };
}

function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

/**
 * [median, 10th and 90th percentile of log2 F0 over voiced frames, voiced fraction of the
 * frames loud enough to look at, mean aperiodicity of the voiced frames]. With no voiced frame
 * the F0 values sit at a neutral 165 Hz and the aperiodicity at 1.
 */
export function pitchFeatures(x: Float32Array): Float32Array {
  const { f0Hz, aperiodicity } = yinTrack(x);
  const logs: number[] = [];
  let aperSum = 0;
  let looked = 0;
  for (let f = 0; f < f0Hz.length; f++) {
    if (!Number.isNaN(aperiodicity[f])) looked++;
    if (f0Hz[f] > 0) {
      logs.push(Math.log2(f0Hz[f]));
      aperSum += aperiodicity[f];
    }
  }
  if (logs.length === 0) return Float32Array.from([NEUTRAL_LOG2_F0, NEUTRAL_LOG2_F0, NEUTRAL_LOG2_F0, 0, 1]);
  logs.sort((a, b) => a - b);
  return Float32Array.from([quantile(logs, 0.5), quantile(logs, 0.1), quantile(logs, 0.9), logs.length / Math.max(1, looked), aperSum / logs.length]);
}
