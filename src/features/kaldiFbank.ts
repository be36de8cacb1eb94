/**
 * Kaldi log mel filterbank (compute-fbank-feats), as torchaudio.compliance.kaldi.fbank and
 * kaldi-native-fbank compute it: the frontend of 3D-Speaker's CAM++ speaker model. Computed in
 * float64 (the references work in float32; golden tests hold the two within 2e-3 in log units).
 *
 * Per frame: remove the DC offset, pre-emphasise (the first sample against itself), Povey
 * window, zero-pad to a power of two, power spectrum, Kaldi's triangular mel bins (linear in
 * mel, the Nyquist bin weightless), log with a float32-epsilon floor. snip_edges: frames lie
 * wholly inside the signal, so n samples give 1 + floor((n - window) / hop) frames (0 if shorter).
 *
 * The same computation with SIDEKIT's choices (no DC removal, its own triangles, a plain Hann
 * window) is the frontend of inaSpeechSegmenter's speech/music model: SPEECH_MUSIC_FBANK_CONFIG.
 */
import { checkBoolean, checkNumber, checkOneOf, mergeConfig } from '../config/index.js';
import { ConfigError } from '../errors/index.js';
import { createRealFft, type RealFft } from './fft.js';
import { bandEnergy } from './frames.js';
import type { MelSpectrogram } from './types.js';

export interface KaldiFbankConfig {
  sampleRateHz: number;
  windowSamples: number;
  hopSamples: number;
  melBands: number;
  lowFreqHz: number;
  /** Upper edge of the mel bins; 0 or negative counts back from Nyquist, as in Kaldi. */
  highFreqHz: number;
  preemphasis: number;
  /** Exponent of the Povey window (a Hann window raised to it; Kaldi uses 0.85). */
  poveyPower: number;
  /** Subtract each frame's mean before pre-emphasis (Kaldi does; SIDEKIT does not). */
  removeDcOffset: boolean;
  /** Mel energies are floored here before the log: torchaudio's float32 epsilon for Kaldi; for SIDEKIT, whose log of 0 is -Infinity, far below any real energy. */
  logFloor: number;
  /**
   * Triangle shapes: 'kaldi' (linear in mel, peak 1, Nyquist bin weightless) or 'sidekit' (HTK mel
   * centres, linear in Hz between them, area-normalised as SIDEKIT's trfbank, inaSpeechSegmenter's frontend).
   */
  filters: 'kaldi' | 'sidekit';
}

/** What 3D-Speaker's CAM++ was trained on: kaldi.fbank(num_mel_bins=80, sample_frequency=16000, dither=0). */
export const CAMPPLUS_FBANK_CONFIG: Readonly<KaldiFbankConfig> = Object.freeze({
  sampleRateHz: 16000,
  windowSamples: 400,
  hopSamples: 160,
  melBands: 80,
  lowFreqHz: 20,
  highFreqHz: 0,
  preemphasis: 0.97,
  poveyPower: 0.85,
  removeDcOffset: true,
  // torch.finfo(float32).eps: torchaudio floors mel energies there before the log.
  logFloor: 1.1920928955078125e-7,
  filters: 'kaldi',
});

/**
 * What inaSpeechSegmenter's speech/music model was trained on: SIDEKIT's mfcc(get_mspec=True) at 16 kHz,
 * 25 ms symmetric Hann window (numpy.hanning), 10 ms hop, 24 bands from 100 to 8000 Hz, natural log.
 */
export const SPEECH_MUSIC_FBANK_CONFIG: Readonly<KaldiFbankConfig> = Object.freeze({
  sampleRateHz: 16000,
  windowSamples: 400,
  hopSamples: 160,
  melBands: 24,
  lowFreqHz: 100,
  highFreqHz: 8000,
  preemphasis: 0.97,
  poveyPower: 1,
  removeDcOffset: false,
  logFloor: 1e-30,
  filters: 'sidekit',
});

export function validateKaldiFbankConfig(partial?: unknown): KaldiFbankConfig {
  const c = mergeConfig<KaldiFbankConfig>('fbank', CAMPPLUS_FBANK_CONFIG, partial);
  checkNumber('fbank.sampleRateHz', c.sampleRateHz, { min: 1000, max: 192000, integer: true });
  checkNumber('fbank.windowSamples', c.windowSamples, { min: 2, max: 65536, integer: true });
  checkNumber('fbank.hopSamples', c.hopSamples, { min: 1, max: 65536, integer: true });
  checkNumber('fbank.melBands', c.melBands, { min: 1, max: 512, integer: true });
  checkNumber('fbank.lowFreqHz', c.lowFreqHz, { min: 0, max: c.sampleRateHz / 2 });
  checkNumber('fbank.highFreqHz', c.highFreqHz, { min: -c.sampleRateHz / 2, max: c.sampleRateHz / 2 });
  const high = c.highFreqHz > 0 ? c.highFreqHz : c.sampleRateHz / 2 + c.highFreqHz;
  if (!(high > c.lowFreqHz)) throw new ConfigError('fbank.highFreqHz', `an upper edge above lowFreqHz (${c.lowFreqHz} Hz)`, c.highFreqHz);
  checkNumber('fbank.preemphasis', c.preemphasis, { min: 0, max: 1 });
  checkNumber('fbank.poveyPower', c.poveyPower, { min: 0, max: 4 });
  checkBoolean('fbank.removeDcOffset', c.removeDcOffset);
  checkNumber('fbank.logFloor', c.logFloor, { min: 1e-38, max: 1 });
  checkOneOf('fbank.filters', c.filters, ['kaldi', 'sidekit'] as const);
  return c;
}

/** Kaldi's mel scale (natural log, 1127). */
export function kaldiMel(hz: number): number {
  return 1127 * Math.log(1 + hz / 700);
}

/** The constants of one configuration, shared with the WASM core (src/features/wasmBackend.ts). */
export interface KaldiFbankTables {
  /** Power of two >= windowSamples (Kaldi's round_to_power_of_two). */
  fftSize: number;
  /** Povey window, windowSamples long. */
  window: Float64Array;
  /** Band m weighs power bins bandStart[m] .. bandStart[m] + bandWeights[m].length - 1 (all below fftSize / 2). */
  bandStart: Int32Array;
  bandWeights: Float64Array[];
}

interface Plan extends KaldiFbankTables {
  fft: RealFft;
}

/** Validates `config` and computes its window and mel weights (float64). */
export function kaldiFbankTables(config: Readonly<KaldiFbankConfig>): KaldiFbankTables {
  const c = validateKaldiFbankConfig(config);
  let fftSize = 1;
  while (fftSize < c.windowSamples) fftSize *= 2;
  const window = new Float64Array(c.windowSamples);
  // torch.hann_window(periodic=False) ** 0.85; a 1-sample window is all ones.
  const denom = Math.max(1, c.windowSamples - 1);
  for (let i = 0; i < c.windowSamples; i++) window[i] = (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / denom)) ** c.poveyPower;
  const { bandStart, bandWeights } = c.filters === 'sidekit' ? sidekitFilters(c, fftSize) : kaldiFilters(c, fftSize);
  return { fftSize, window, bandStart, bandWeights };
}

function kaldiFilters(c: KaldiFbankConfig, fftSize: number): Pick<KaldiFbankTables, 'bandStart' | 'bandWeights'> {
  const nyquist = c.sampleRateHz / 2;
  const high = c.highFreqHz > 0 ? c.highFreqHz : nyquist + c.highFreqHz;
  const melLow = kaldiMel(c.lowFreqHz);
  const melDelta = (kaldiMel(high) - melLow) / (c.melBands + 1);
  const binHz = c.sampleRateHz / fftSize;
  const half = fftSize / 2; // Kaldi weighs bins 0..half-1; the Nyquist bin gets no weight
  const bandStart = new Int32Array(c.melBands);
  const bandWeights: Float64Array[] = [];
  for (let m = 0; m < c.melBands; m++) {
    const left = melLow + m * melDelta;
    const centre = left + melDelta;
    const right = centre + melDelta;
    const w = new Float64Array(half);
    let lo = -1;
    let hi = -1;
    for (let k = 0; k < half; k++) {
      const mel = kaldiMel(binHz * k);
      const v = Math.max(0, Math.min((mel - left) / (centre - left), (right - mel) / (right - centre)));
      w[k] = v;
      if (v > 0) {
        if (lo < 0) lo = k;
        hi = k + 1;
      }
    }
    bandStart[m] = Math.max(0, lo);
    bandWeights.push(lo < 0 ? new Float64Array(0) : w.slice(lo, hi));
  }
  return { bandStart, bandWeights };
}
/**
 * SIDEKIT's trfbank(fs, nfft, lowfreq, maxfreq, nlinfilt=0, nlogfilt=bands): centres evenly spaced on the HTK mel
 * scale, each triangle linear in Hz and of area 1 (height 2 / width), over bins floor(low*n/fs)+1 .. floor(hi*n/fs)-1
 * (SIDEKIT drops the last bin of each right slope), so no band reaches the Nyquist bin at 8 kHz.
 */
function sidekitFilters(c: KaldiFbankConfig, fftSize: number): Pick<KaldiFbankTables, 'bandStart' | 'bandWeights'> {
  const fs = c.sampleRateHz;
  const high = c.highFreqHz > 0 ? c.highFreqHz : fs / 2 + c.highFreqHz;
  const htk = (hz: number) => 2595 * Math.log10(1 + hz / 700);
  const lowMel = htk(c.lowFreqHz);
  const step = (htk(high) - lowMel) / (c.melBands + 1);
  const f = Array.from({ length: c.melBands + 2 }, (_, i) => 700 * (10 ** ((lowMel + i * step) / 2595) - 1));
  const half = fftSize / 2;
  const bandStart = new Int32Array(c.melBands);
  const bandWeights: Float64Array[] = [];
  for (let m = 0; m < c.melBands; m++) {
    const [low, cen, hi] = [f[m], f[m + 1], f[m + 2]];
    const height = 2 / (hi - low);
    const w = new Float64Array(half);
    for (let k = Math.floor((low * fftSize) / fs) + 1; k <= Math.floor((cen * fftSize) / fs); k++)
      w[k] = (height / (cen - low)) * ((k * fs) / fftSize - low);
    const rightEnd = Math.min(Math.floor((hi * fftSize) / fs) + 1, fftSize) - 1; // exclusive, after dropping the last
    for (let k = Math.floor((cen * fftSize) / fs) + 1; k < rightEnd; k++) w[k] = (height / (hi - cen)) * (hi - (k * fs) / fftSize);
    let lo = -1;
    let end = -1;
    for (let k = 0; k < half; k++) {
      if (w[k] !== 0) {
        if (lo < 0) lo = k;
        end = k + 1;
      }
    }
    bandStart[m] = Math.max(0, lo);
    bandWeights.push(lo < 0 ? new Float64Array(0) : w.slice(lo, end));
  }
  return { bandStart, bandWeights };
}

export function kaldiFrameCount(samples: number, c: Pick<KaldiFbankConfig, 'windowSamples' | 'hopSamples'>): number {
  return samples >= c.windowSamples ? 1 + Math.floor((samples - c.windowSamples) / c.hopSamples) : 0;
}

const plans = new Map<string, Plan>();

/** Log mel filterbank energies, row-major [frames x melBands]. */
export function kaldiFbank(samples: Float32Array, config: Readonly<KaldiFbankConfig> = CAMPPLUS_FBANK_CONFIG): MelSpectrogram {
  const key = JSON.stringify(config);
  let plan = plans.get(key);
  if (plan === undefined) {
    const tables = kaldiFbankTables(config);
    plan = { ...tables, fft: createRealFft(tables.fftSize) };
    plans.set(key, plan);
  }
  const { windowSamples: L, hopSamples, melBands, preemphasis } = config;
  const frames = kaldiFrameCount(samples.length, config);
  const data = new Float32Array(frames * melBands);
  const frame = new Float64Array(plan.fftSize);
  const power = new Float64Array(plan.fft.bins);
  const { window, bandStart, bandWeights } = plan;
  for (let t = 0; t < frames; t++) {
    const start = t * hopSamples;
    let mean = 0;
    if (config.removeDcOffset) {
      for (let i = 0; i < L; i++) mean += samples[start + i];
      mean /= L;
    }
    // Pre-emphasis runs backwards so each sample still sees its unemphasised predecessor.
    for (let i = L - 1; i >= 1; i--) frame[i] = (samples[start + i] - mean - preemphasis * (samples[start + i - 1] - mean)) * window[i];
    frame[0] = (samples[start] - mean) * (1 - preemphasis) * window[0];
    frame.fill(0, L);
    plan.fft.powerSpectrum(frame, power);
    const row = t * melBands;
    for (let m = 0; m < melBands; m++) data[row + m] = Math.log(Math.max(bandEnergy(power, bandStart[m], bandWeights[m]), config.logFloor));
  }
  return { data, frames, melBands };
}

/** Subtract each band's mean over the frames, in place (3D-Speaker's per-utterance mean normalisation). */
export function subtractBandMeans(spec: MelSpectrogram): MelSpectrogram {
  const { data, frames, melBands } = spec;
  if (frames === 0) return spec;
  const mean = new Float64Array(melBands);
  for (let t = 0; t < frames; t++) for (let m = 0; m < melBands; m++) mean[m] += data[t * melBands + m];
  for (let m = 0; m < melBands; m++) mean[m] /= frames;
  for (let t = 0; t < frames; t++) for (let m = 0; m < melBands; m++) data[t * melBands + m] -= mean[m];
  return spec;
}
