/** A stretch of speech, in seconds from the start of the signal. Lists are sorted and disjoint. */
export interface SpeechRegion {
  startSec: number;
  endSec: number;
}

/**
 * Recurrent state of a VAD model for `batch` independent streams.
 * Silero keeps it as one [2, batch, 128] float32 tensor.
 */
export interface VadState {
  readonly batch: number;
  readonly data: Float32Array;
}

/**
 * What the VAD logic needs from a model (narrow, like ricky0123/vad's), so the batching and
 * post-processing can be tested without ONNX.
 *
 * Each step sees, for every stream, `contextSamples` samples that precede the chunk followed by
 * `chunkSamples` new samples (Silero's exported graph expects the 64-sample context that its
 * Python wrapper prepends; without it the probabilities collapse towards 0).
 */
export interface VadModel {
  readonly sampleRateHz: number;
  /** New samples per step and stream (512 at 16 kHz for Silero). */
  readonly chunkSamples: number;
  /** Samples of preceding audio prepended to every chunk (64 for Silero at 16 kHz). */
  readonly contextSamples: number;
  /**
   * One step for `batch` streams. `frames` is row-major [batch, contextSamples + chunkSamples].
   * Returns one speech probability per stream and the state to pass to the next step.
   */
  process(frames: Float32Array, batch: number, state: VadState): Promise<{ probs: Float32Array; state: VadState }>;
  /** Zero state for `batch` streams. */
  resetState(batch: number): VadState;
  dispose(): Promise<void>;
}

/** Speech probability of every chunk of a signal: chunk i covers samples [i*hop, (i+1)*hop). */
export interface SpeechProbabilities {
  probs: Float32Array;
  hopSamples: number;
  sampleRateHz: number;
  /** Length of the signal in samples (the last chunk may be partial). */
  totalSamples: number;
}
