/**
 * Narrow model interface (as ricky0123/vad does for Silero) so the partial/batching logic
 * is testable without ONNX; OnnxVoiceEncoder is the real implementation.
 */
export interface EmbeddingModel {
  /** Embedding size (256 for the GE2E voice encoder). */
  readonly dim: number;
  /** Size of the second output, the mean LSTM states the sex classifier reads (512); 0 when the model has none. */
  readonly hiddenMeanDim: number;
  /** Frames per partial utterance the model was trained on (160 = 1.6 s at hop 10 ms). */
  readonly partialFrames: number;
  /** Mel bands per frame the model expects (40). */
  readonly melBands: number;
  /**
   * @param mels row-major [batch x frames x melBands], every item the same number of frames
   */
  embedMels(mels: Float32Array, batch: number): Promise<EncoderOutput>;
  dispose(): Promise<void>;
}

export interface EncoderOutput {
  /** row-major [batch x dim]; each row L2-normalised by the model (may hold NaN for an all-zero input: callers check) */
  embeddings: Float32Array;
  /** row-major [batch x hiddenMeanDim], or null when the model has no such output */
  hiddenMean: Float32Array | null;
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
  hiddenMeanDim: number;
  /** row-major [windows x hiddenMeanDim], the mean over a window's partials (zero rows where skipped); null when the model has none */
  hiddenMean: Float32Array | null;
  /** view of row i, or null when window i has no usable embedding */
  vectors: (Float32Array | null)[];
  skipped: { index: number; reason: SkipReason }[];
}

/**
 * What the pipeline needs of a speaker model: one embedding per chunk of one speaker's 16 kHz
 * speech (CampPlusEmbedder on the calling thread, CampPlusThread on a worker thread).
 */
export interface SpeakerEmbedder {
  readonly dim: number;
  /** Raw (not normalised) embedding of the chunk, or null when it is too short or not finite. */
  embed(samples: Float32Array): Promise<Float32Array | null>;
  dispose(): Promise<void>;
}
