/** Embedding stage options: frozen defaults and a validator. */
import { checkBoolean, checkNumber, mergeConfig } from '../config/index.js';

export interface EmbeddingConfig {
  /** Items per ONNX run: bounds memory; 64 x 160 frames is ~1.6 MB of input. */
  batchSize: number;
  /** Resemblyzer embed_utterance: partial utterances per second. */
  partialsPerSec: number;
  /** Resemblyzer embed_utterance: keep the last, zero-padded partial if it covers this much. */
  minCoverage: number;
  /** Windows shorter than this are not embedded (the LSTM needs some context). */
  minWindowSec: number;
  /** Scale each window up to -30 dBFS (Resemblyzer normalize_volume, increase only). */
  normalizeVolume: boolean;
}

export const DEFAULT_EMBEDDING_CONFIG: Readonly<EmbeddingConfig> = Object.freeze({
  batchSize: 64,
  partialsPerSec: 1.3,
  minCoverage: 0.75,
  minWindowSec: 0.25,
  normalizeVolume: true,
});

export function validateEmbeddingConfig(partial?: unknown): EmbeddingConfig {
  const c = mergeConfig<EmbeddingConfig>('embedding', DEFAULT_EMBEDDING_CONFIG, partial);
  checkNumber('embedding.batchSize', c.batchSize, { min: 1, max: 4096, integer: true });
  // Resemblyzer asserts the step between partials is at most one partial (rate >= 0.625/s).
  checkNumber('embedding.partialsPerSec', c.partialsPerSec, { min: 0.625, max: 100 });
  checkNumber('embedding.minCoverage', c.minCoverage, { min: 0, max: 1, exclusiveMin: true });
  checkNumber('embedding.minWindowSec', c.minWindowSec, { min: 0.02, max: 10 });
  checkBoolean('embedding.normalizeVolume', c.normalizeVolume);
  return c;
}
