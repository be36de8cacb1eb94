/**
 * VAD stage configuration: hysteresis and duration rules applied to Silero's per-chunk
 * probabilities (as silero's get_speech_timestamps), and the batching layout used to run it fast.
 */
import { checkNumber, mergeConfig } from '../config/index.js';
import { ConfigError } from '../errors/index.js';

export interface VadConfig {
  /** A chunk with probability >= onset starts (or keeps) speech. */
  onsetThreshold: number;
  /** Speech ends at the first chunk < offset, once the silence lasts minSilenceSec. */
  offsetThreshold: number;
  /** Regions shorter than this (before padding) are dropped. */
  minSpeechSec: number;
  /** Silences shorter than this do not split a region. */
  minSilenceSec: number;
  /** Added on both sides of every region (clipped to the signal); overlapping regions merge. */
  speechPadSec: number;
  /** Most independent streams run as one ONNX batch. */
  maxBatch: number;
  /** A stream is at least this long, so the warm-up overhead stays small. */
  minPieceSec: number;
  /** Audio run before each piece's start (probabilities discarded) so the recurrent state settles. */
  warmupSec: number;
  /** Streaming: audio is processed in blocks of this length, keeping memory bounded. */
  blockSec: number;
}

export const DEFAULT_VAD_CONFIG: Readonly<VadConfig> = Object.freeze({
  onsetThreshold: 0.5,
  offsetThreshold: 0.35,
  minSpeechSec: 0.25,
  minSilenceSec: 0.1,
  speechPadSec: 0.03,
  maxBatch: 64,
  minPieceSec: 30,
  warmupSec: 1,
  blockSec: 600,
});

export function validateVadConfig(partial?: Partial<VadConfig>): VadConfig {
  const c = mergeConfig<VadConfig>('vad', DEFAULT_VAD_CONFIG, partial);
  checkNumber('vad.onsetThreshold', c.onsetThreshold, { min: 0, max: 1, exclusiveMin: true });
  checkNumber('vad.offsetThreshold', c.offsetThreshold, { min: 0, max: 1 });
  if (c.offsetThreshold > c.onsetThreshold) {
    throw new ConfigError('vad.offsetThreshold', `a number <= vad.onsetThreshold (${c.onsetThreshold})`, c.offsetThreshold);
  }
  checkNumber('vad.minSpeechSec', c.minSpeechSec, { min: 0, max: 60 });
  checkNumber('vad.minSilenceSec', c.minSilenceSec, { min: 0, max: 60 });
  checkNumber('vad.speechPadSec', c.speechPadSec, { min: 0, max: 5 });
  checkNumber('vad.maxBatch', c.maxBatch, { min: 1, max: 1024, integer: true });
  checkNumber('vad.minPieceSec', c.minPieceSec, { min: 1, max: 86_400 });
  checkNumber('vad.warmupSec', c.warmupSec, { min: 0, max: 60 });
  checkNumber('vad.blockSec', c.blockSec, { min: 10, max: 86_400 });
  return c;
}
