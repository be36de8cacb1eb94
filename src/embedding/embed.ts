/**
 * Voice-encoder (GE2E) outputs from 16 kHz samples: whole utterances (Resemblyzer embed_utterance,
 * which the parity test checks the converted model with) and windows (the sex model's hidden_mean).
 */
import { ConfigError } from '../errors/index.js';
import { VOICE_ENCODER_MEL_CONFIG } from '../features/melConfig.js';
import { tsFeatureBackend } from '../features/tsBackend.js';
import type { FeatureBackend, MelSpectrogram } from '../features/types.js';
import { normalizeVolume } from '../features/volume.js';
import { DEFAULT_EMBEDDING_CONFIG, validateEmbeddingConfig, type EmbeddingConfig } from './config.js';
import { computePartialSlices, roundHalfEven } from './partials.js';
import type { EmbeddingModel, EmbeddingWindow, SkipReason, WindowEmbeddings } from './types.js';

export interface EmbedOptions {
  /** Mel frontend (default: the TypeScript backend). */
  frontend?: FeatureBackend;
  config?: Partial<EmbeddingConfig>;
}

const MEL = VOICE_ENCODER_MEL_CONFIG;

/** Divide by the L2 norm in place; false when the vector cannot be normalised (zero or not finite). */
function l2NormalizeInPlace(v: Float32Array | Float64Array): boolean {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const norm = Math.sqrt(s);
  if (!(norm > 0) || !Number.isFinite(norm)) return false;
  for (let i = 0; i < v.length; i++) v[i] /= norm;
  return true;
}

function rowIsFinite(data: Float32Array, offset: number, dim: number): boolean {
  for (let d = 0; d < dim; d++) if (!Number.isFinite(data[offset + d])) return false;
  return true;
}

/**
 * Resemblyzer's preprocessing without webrtcvad trimming (normalize_volume to -30 dBFS, increase
 * only; disable with config.normalizeVolume=false) followed by VoiceEncoder.embed_utterance:
 * 1.6 s partials at 1.3 per second, the audio zero-padded to the last partial, the mean of the
 * partial embeddings, L2-normalised. Returns null when the result is not finite (never NaN).
 */
export async function embedUtterance(
  samples16k: Float32Array,
  model: EmbeddingModel,
  options: EmbedOptions = {},
): Promise<Float32Array | null> {
  const config = validateEmbeddingConfig(options.config);
  const frontend = options.frontend ?? tsFeatureBackend;
  const wav0 = config.normalizeVolume ? normalizeVolume(samples16k) : samples16k;
  const slices = computePartialSlices(wav0.length, {
    partialsPerSec: config.partialsPerSec,
    minCoverage: config.minCoverage,
    partialFrames: model.partialFrames,
    hopSamples: MEL.hopSamples,
    sampleRateHz: MEL.sampleRateHz,
  });
  const maxSamples = slices[slices.length - 1].endSample;
  let wav = wav0;
  if (maxSamples >= wav0.length) {
    wav = new Float32Array(maxSamples);
    wav.set(wav0);
  }
  const mel = frontend.melSpectrogram(wav, MEL);
  const P = model.partialFrames;
  const bands = mel.melBands;
  const sum = new Float64Array(model.dim);
  let used = 0;
  for (let b0 = 0; b0 < slices.length; b0 += config.batchSize) {
    const batch = slices.slice(b0, b0 + config.batchSize);
    const input = new Float32Array(batch.length * P * bands);
    batch.forEach((s, j) => {
      input.set(mel.data.subarray(s.startFrame * bands, s.endFrame * bands), j * P * bands);
    });
    const out = (await model.embedMels(input, batch.length)).embeddings;
    for (let j = 0; j < batch.length; j++) {
      if (!rowIsFinite(out, j * model.dim, model.dim)) continue;
      for (let d = 0; d < model.dim; d++) sum[d] += out[j * model.dim + d];
      used++;
    }
  }
  // Resemblyzer averages every partial; a non-finite one would make its result NaN, so it is null here too.
  if (used !== slices.length || !l2NormalizeInPlace(sum)) return null;
  return Float32Array.from(sum);
}

interface Job {
  window: number;
  mel: MelSpectrogram;
  startFrame: number;
  frames: number;
}

/** Window start frames: every `step` frames, plus one aligned to the end so all frames are seen. */
function partialStarts(frames: number, partial: number, step: number): number[] {
  if (frames <= partial) return [0];
  const starts: number[] = [];
  for (let s = 0; s + partial <= frames; s += step) starts.push(s);
  if (starts[starts.length - 1] + partial < frames) starts.push(frames - partial);
  return starts;
}

/** Windows embedded per round, so the mels held in memory stay bounded for long files. */
const WINDOWS_PER_ROUND = 512;

/** The audio of each window, volume-normalised as the model expects, or null when shorter than minWindowSec. */
function windowSegments(samples16k: Float32Array, windows: readonly EmbeddingWindow[], config: EmbeddingConfig): (Float32Array | null)[] {
  const sr = MEL.sampleRateHz;
  const minSamples = Math.ceil(config.minWindowSec * sr);
  return windows.map((w, i) => {
    if (!Number.isFinite(w.startSec) || !Number.isFinite(w.endSec) || w.startSec < 0 || w.endSec < w.startSec) {
      throw new ConfigError(`windows[${i}]`, 'finite startSec >= 0 and endSec >= startSec', w);
    }
    const s0 = Math.min(samples16k.length, Math.round(w.startSec * sr));
    const s1 = Math.min(samples16k.length, Math.round(w.endSec * sr));
    if (s1 - s0 < minSamples) return null;
    const seg = samples16k.subarray(s0, s1);
    return config.normalizeVolume ? normalizeVolume(seg) : seg;
  });
}

/** Mel spectrogram of each segment with the voice encoder's frontend (null stays null). */
function windowMels(segments: readonly (Float32Array | null)[], frontend: FeatureBackend): (MelSpectrogram | null)[] {
  return segments.map((seg) => (seg === null ? null : frontend.melSpectrogram(seg, MEL)));
}

/**
 * One L2-normalised embedding per window. A window up to one partial (1.6 s) long is run as
 * one sequence of its own frames (no zero padding: trailing silence would dominate the LSTM's
 * final state); a longer one is cut into 1.6 s partials (step 1/partialsPerSec, the last one
 * aligned to the end) whose embeddings are averaged. Windows with the same frame count share
 * ONNX runs of up to `batchSize`. A window shorter than minWindowSec, or whose embedding is not
 * finite, gets a null vector and a `skipped` entry.
 */
export async function embedWindows(
  samples16k: Float32Array,
  windows: readonly EmbeddingWindow[],
  model: EmbeddingModel,
  options: EmbedOptions = {},
): Promise<WindowEmbeddings> {
  const config = options.config === undefined ? { ...DEFAULT_EMBEDDING_CONFIG } : validateEmbeddingConfig(options.config);
  const frontend = options.frontend ?? tsFeatureBackend;
  const segments = windowSegments(samples16k, windows, config);
  const parts: WindowEmbeddings[] = [];
  // Rounds bound the mels held in memory for long inputs.
  for (let w0 = 0; w0 < windows.length; w0 += WINDOWS_PER_ROUND) {
    const mels = windowMels(segments.slice(w0, w0 + WINDOWS_PER_ROUND), frontend);
    parts.push(await embedWindowMels(mels, model, config));
  }
  return concatWindowEmbeddings(parts, model.dim, model.hiddenMeanDim);
}

function concatWindowEmbeddings(parts: readonly WindowEmbeddings[], dim: number, hiddenMeanDim: number): WindowEmbeddings {
  if (parts.length === 1) return parts[0];
  const total = parts.reduce((a, p) => a + p.vectors.length, 0);
  const data = new Float32Array(total * dim);
  const hiddenMean = hiddenMeanDim > 0 ? new Float32Array(total * hiddenMeanDim) : null;
  const vectors: (Float32Array | null)[] = [];
  const skipped: { index: number; reason: SkipReason }[] = [];
  let o = 0;
  for (const p of parts) {
    data.set(p.data, o * dim);
    if (hiddenMean && p.hiddenMean) hiddenMean.set(p.hiddenMean, o * hiddenMeanDim);
    p.vectors.forEach((v, j) => {
      vectors.push(v ? data.subarray((o + j) * dim, (o + j + 1) * dim) : null);
    });
    for (const s of p.skipped) skipped.push({ index: s.index + o, reason: s.reason });
    o += p.vectors.length;
  }
  return { dim, data, hiddenMeanDim, hiddenMean, vectors, skipped };
}

/** The model half of embedWindows: embeddings from each window's mel spectrogram (null = too short). */
async function embedWindowMels(
  mels: readonly (MelSpectrogram | null)[],
  model: EmbeddingModel,
  config: EmbeddingConfig = DEFAULT_EMBEDDING_CONFIG,
): Promise<WindowEmbeddings> {
  const dim = model.dim;
  const hdim = model.hiddenMeanDim;
  const P = model.partialFrames;
  const bands = model.melBands;
  const step = roundHalfEven(MEL.sampleRateHz / config.partialsPerSec / MEL.hopSamples);
  const count = mels.length;
  const data = new Float32Array(count * dim);
  const hiddenMean = hdim > 0 ? new Float32Array(count * hdim) : null;
  const sums = new Float64Array(dim);
  const skipped: { index: number; reason: SkipReason }[] = [];
  const partsOk = new Int32Array(count);
  const partsAll = new Int32Array(count);
  const groups = new Map<number, Job[]>();
  mels.forEach((mel, i) => {
    if (mel === null || mel.frames === 0) return;
    if (mel.melBands !== bands) {
      throw new ConfigError(`mels[${i}].melBands`, `${bands} (the model's input)`, mel.melBands);
    }
    const frames = Math.min(mel.frames, P);
    for (const start of partialStarts(mel.frames, P, step)) {
      const job: Job = { window: i, mel, startFrame: start, frames };
      const g = groups.get(frames);
      if (g === undefined) groups.set(frames, [job]);
      else g.push(job);
      partsAll[i]++;
    }
  });
  for (const [frames, jobs] of groups) {
    for (let j0 = 0; j0 < jobs.length; j0 += config.batchSize) {
      const batch = jobs.slice(j0, j0 + config.batchSize);
      const input = new Float32Array(batch.length * frames * bands);
      batch.forEach((job, j) => {
        input.set(job.mel.data.subarray(job.startFrame * bands, (job.startFrame + frames) * bands), j * frames * bands);
      });
      const { embeddings: out, hiddenMean: hout } = await model.embedMels(input, batch.length);
      batch.forEach((job, j) => {
        if (!rowIsFinite(out, j * dim, dim)) return;
        const row = job.window * dim;
        for (let d = 0; d < dim; d++) data[row + d] += out[j * dim + d];
        if (hiddenMean && hout) {
          const hrow = job.window * hdim;
          for (let d = 0; d < hdim; d++) hiddenMean[hrow + d] += hout[j * hdim + d];
        }
        partsOk[job.window]++;
      });
    }
  }

  const vectors: (Float32Array | null)[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const row = data.subarray(i * dim, (i + 1) * dim);
    let reason: SkipReason | null = null;
    if (partsAll[i] === 0) reason = 'too-short';
    else if (partsOk[i] === 0) reason = 'not-finite';
    else {
      sums.set(row);
      if (!l2NormalizeInPlace(sums)) reason = 'not-finite';
      else for (let d = 0; d < dim; d++) row[d] = sums[d];
    }
    const hrow = hiddenMean?.subarray(i * hdim, (i + 1) * hdim);
    if (reason === null) {
      vectors[i] = row;
      // The mean over the window's partials, like Resemblyzer's averaging of partial embeddings.
      if (hrow) for (let d = 0; d < hdim; d++) hrow[d] /= partsOk[i];
    } else {
      row.fill(0);
      hrow?.fill(0);
      vectors[i] = null;
      skipped.push({ index: i, reason });
    }
  }
  return { dim, data, hiddenMeanDim: hdim, hiddenMean, vectors, skipped };
}
