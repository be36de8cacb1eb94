/**
 * Narrow model interface (as ricky0123/vad does for Silero) so the partial/batching logic
 * is testable without ONNX; OnnxVoiceEncoder is the real implementation.
 */
import type { FrontendSpec } from '../features/types.js';

export interface EmbeddingModel {
  /** Embedding size (256 for the GE2E voice encoder, 192 for CAM++). */
  readonly dim: number;
  /** The features the model consumes (computed by features/frontend.ts). */
  readonly frontend: Readonly<FrontendSpec>;
  /** Longest input in frames; longer windows are cut into partials of this length and averaged (160 = 1.6 s for GE2E). */
  readonly partialFrames: number;
  /** Most items per ONNX run: the activations of a run grow with it (CAM++'s 2-D head holds ~1.6 MB per 1.6 s item per layer). */
  readonly maxBatch: number;
  /** Feature bands per frame the model expects (40 mel for GE2E, 80 fbank for CAM++). */
  readonly melBands: number;
  /**
   * @param mels row-major [batch x frames x melBands], every item the same number of frames
   * @returns row-major [batch x dim], L2-normalised by GE2E, raw from CAM++ (callers normalise);
   *          may hold NaN for an all-zero input: callers check
   */
  embedMels(mels: Float32Array, batch: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** A span of the input to embed, in seconds from the start of the samples given. */
export interface EmbeddingWindow {
  startSec: number;
  endSec: number;
}

export type SkipReason = 'too-short' | 'not-finite';

/** Embeddings of a list of windows; rows of skipped windows are zero and `vectors[i]` is null. */
export interface WindowEmbeddings {
  dim: number;
  /** row-major [windows x dim] */
  data: Float32Array;
  /** view of row i, or null when window i has no usable embedding */
  vectors: (Float32Array | null)[];
  skipped: { index: number; reason: SkipReason }[];
}
