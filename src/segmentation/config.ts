/**
 * Segmentation stage config: how the 10 s segmentation windows step over the file, and which
 * part of a local speaker's speech is handed on to be embedded.
 */
import { validateNumbers } from '../config/index.js';

export interface SegmentationConfig {
  /**
   * Step between segmentation windows. Half a window: every frame is judged by two windows
   * (their average decides turns and overlap) and every second of speech is embedded about once.
   */
  stepSec: number;
  /**
   * Windows per ONNX run. Only speed and memory depend on it, never the result: onnxruntime's
   * arena grows with the batch (10-min film, peak RSS 432-438 MB at 8 against 339-346 MB at 4,
   * same time within noise).
   */
  batchWindows: number;
  /**
   * A local speaker with less speech than this in a window gets no embedding (its speech is then
   * left out of the turns); short ones are embedded but only assigned afterwards (clustering.minTrainSec).
   */
  minChunkSec: number;
  /**
   * At most this much of a local speaker's speech in one window is embedded (and read for sex),
   * frames nearest the window centre first, where the segmentation is surest. With a 5 s step, a
   * voice that talks on is embedded for 3 s of every 5: CAM++ is the pipeline's largest cost.
   */
  maxChunkSec: number;
  /**
   * Windows quieter than this RMS are raised to it before the model hears them
   * (segmentation/level.ts). Set from the model's epsilon, not tuned: at -35 dBFS it is 3 % of a
   * window's variance. On the 300 calibration files it changes nothing (M/F exact 88.0 %, DER
   * 13.24 % against 13.25 %); films 38-45 dB under their level keep their speakers.
   */
  minWindowRmsDb: number;
  /** The most a quiet window is raised: 30 dB lifts a -65 dBFS window, not dither or digital near-silence. */
  maxWindowGainDb: number;
}

export const DEFAULT_SEGMENTATION_CONFIG: Readonly<SegmentationConfig> = Object.freeze({
  stepSec: 5,
  batchWindows: 4,
  minChunkSec: 0.25,
  maxChunkSec: 3,
  minWindowRmsDb: -35,
  maxWindowGainDb: 30,
});

export function validateSegmentationConfig(partial?: Partial<SegmentationConfig>): SegmentationConfig {
  return validateNumbers('segmentation', DEFAULT_SEGMENTATION_CONFIG, partial, {
    stepSec: { min: 0.5, max: 10 },
    batchWindows: { min: 1, max: 64, integer: true },
    minChunkSec: { min: 0.1, max: 10 },
    maxChunkSec: (c) => ({ min: c.minChunkSec, max: 10 }),
    minWindowRmsDb: { min: -120, max: 0 },
    maxWindowGainDb: { min: 0, max: 60 },
  });
}
