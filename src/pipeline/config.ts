/**
 * Pipeline configuration: how speech is windowed, reconstructed and counted, plus each
 * stage's own config. Defaults are frozen. The clustering thresholds (AHC threshold, PLDA
 * llrThreshold and statScale), minClusterSec, foldThreshold, foldLlrThreshold and the VAD
 * hysteresis/pause settings were calibrated by tools/calibrate.ts on simulated conversations of
 * the calibration readers (never the held-out test readers).
 */
import { availableParallelism } from 'node:os';
import { checkNumber, mergeConfig } from '../config/index.js';
import { ConfigError } from '../errors/index.js';
import { DEFAULT_CLUSTERING_CONFIG, validateClusteringConfig, type ClusteringConfig } from '../clustering/index.js';
import { DEFAULT_VAD_CONFIG, validateVadConfig, type VadConfig } from '../vad/index.js';
import type { DiarizeOptions } from './types.js';

export interface PipelineConfig {
  /** Embedding window (the voice encoder was trained on 1.6 s partials). */
  windowSec: number;
  /** Step between windows inside a speech region. */
  hopSec: number;
  /** Speech regions shorter than this get no window of their own. */
  minWindowSec: number;
  /** Resolution of the turn boundaries. */
  frameSec: number;
  /** Turns shorter than this are merged into the neighbouring speaker. */
  minTurnSec: number;
  /** A region without its own window borrows a label from at most this far. */
  maxBorrowSec: number;
  /** A speaker with less total speech is not counted (their windows go to the nearest counted speaker). */
  minSpeechSec: number;
  /** Clusters with less speech than this are folded into the most alike larger one when alike enough (foldLlrThreshold, or foldThreshold). */
  minClusterSec: number;
  /**
   * Cosine distance between centroids under which a small cluster is folded, where clustering
   * was not PLDA over the whole input (no LDA model, or a long input clustered in blocks).
   */
  foldThreshold: number;
  /**
   * PLDA same-speaker log-likelihood ratio above which a small cluster is folded into the stable
   * one it is most alike (inputs clustered in one PLDA block). Looser than
   * clustering.llrThreshold, which joined what it was sure of. Calibrated on calib + calib-short
   * pooled: -25 gave 95.2 % exact counts, -20 94.8 %, -30 94.3 %; the cosine rule 94.5 %.
   */
  foldLlrThreshold: number;
  /** With threads >= 2, mels are computed in a worker thread when a file has at least this many windows. */
  featureWorkerMinWindows: number;
  /** Worker/ONNX threads. */
  threads: number;
  clustering: ClusteringConfig;
  vad: VadConfig;
}

export const DEFAULT_PIPELINE_CONFIG: Readonly<PipelineConfig> = Object.freeze({
  windowSec: 1.6,
  hopSec: 0.8,
  minWindowSec: 0.4,
  frameSec: 0.05,
  minTurnSec: 0.4,
  maxBorrowSec: 2,
  minSpeechSec: 2,
  minClusterSec: 4,
  foldThreshold: 0.7,
  foldLlrThreshold: -25,
  featureWorkerMinWindows: 300,
  threads: Math.max(1, Math.min(availableParallelism(), 4)),
  clustering: DEFAULT_CLUSTERING_CONFIG,
  // Diarization wants whole turns: bridge pauses under 0.3 s and keep soft onsets (calibrated).
  vad: Object.freeze({ ...DEFAULT_VAD_CONFIG, onsetThreshold: 0.4, offsetThreshold: 0.25, minSilenceSec: 0.3, speechPadSec: 0.1 }),
});

export type PipelineOverrides = Partial<Omit<PipelineConfig, 'clustering' | 'vad'>> & {
  clustering?: Partial<ClusteringConfig>;
  vad?: Partial<VadConfig>;
};

export function validatePipelineConfig(partial?: PipelineOverrides): PipelineConfig {
  const { clustering, vad, ...rest } = partial ?? {};
  const base = mergeConfig<Omit<PipelineConfig, 'clustering' | 'vad'>>(
    'pipeline',
    withoutStages(DEFAULT_PIPELINE_CONFIG),
    rest,
  );
  checkNumber('windowSec', base.windowSec, { min: 0.5, max: 10 });
  checkNumber('hopSec', base.hopSec, { min: 0.1, max: base.windowSec });
  checkNumber('minWindowSec', base.minWindowSec, { min: 0.1, max: base.windowSec });
  checkNumber('frameSec', base.frameSec, { min: 0.01, max: 0.5 });
  checkNumber('minTurnSec', base.minTurnSec, { min: 0, max: 10 });
  checkNumber('maxBorrowSec', base.maxBorrowSec, { min: 0, max: 60 });
  checkNumber('minSpeechSec', base.minSpeechSec, { min: 0, max: 3600 });
  checkNumber('minClusterSec', base.minClusterSec, { min: 0, max: 3600 });
  checkNumber('foldThreshold', base.foldThreshold, { min: 0, max: 2 });
  checkNumber('foldLlrThreshold', base.foldLlrThreshold, { min: -1e6, max: 1e6 });
  checkNumber('featureWorkerMinWindows', base.featureWorkerMinWindows, { min: 0, integer: true });
  checkNumber('threads', base.threads, { min: 1, max: 256, integer: true });
  return {
    ...base,
    clustering: validateClusteringConfig({ ...DEFAULT_PIPELINE_CONFIG.clustering, ...clustering }),
    vad: validateVadConfig({ ...DEFAULT_PIPELINE_CONFIG.vad, ...vad }),
  };
}

function withoutStages(c: Readonly<PipelineConfig>): Omit<PipelineConfig, 'clustering' | 'vad'> {
  const { clustering: _c, vad: _v, ...rest } = c;
  return rest;
}

/**
 * Public options (DiarizeOptions) -> pipeline overrides, validated with the option names users
 * typed. minSpeakers <= maxSpeakers is the clustering config's rule (validateClusteringConfig).
 */
export function overridesFromOptions(options: DiarizeOptions = {}): PipelineOverrides {
  const known = ['numSpeakers', 'minSpeakers', 'maxSpeakers', 'minSpeechSec', 'threads', 'onProgress'];
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new ConfigError(k, `one of the options ${known.join(', ')}`, 'an unknown option');
  }
  const clustering: Partial<ClusteringConfig> = {};
  if (options.numSpeakers !== undefined) clustering.numSpeakers = checkNumber('numSpeakers', options.numSpeakers, { min: 1, max: 1000, integer: true });
  if (options.minSpeakers !== undefined) clustering.minSpeakers = checkNumber('minSpeakers', options.minSpeakers, { min: 1, max: 1000, integer: true });
  if (options.maxSpeakers !== undefined) clustering.maxSpeakers = checkNumber('maxSpeakers', options.maxSpeakers, { min: 1, max: 1000, integer: true });
  const out: PipelineOverrides = { clustering };
  if (options.minSpeechSec !== undefined) out.minSpeechSec = checkNumber('minSpeechSec', options.minSpeechSec, { min: 0, max: 3600 });
  if (options.threads !== undefined) out.threads = checkNumber('threads', options.threads, { min: 1, max: 256, integer: true });
  return out;
}
