/**
 * Resemblyzer's GE2E voice encoder (Apache-2.0, converted by tools/convert_resemblyzer.py)
 * run with onnxruntime-node. One InferenceSession per instance, reused, released by dispose().
 */
import { fileURLToPath } from 'node:url';
import { checkNumber } from '../config/index.js';
import { VOICE_ENCODER_FRONTEND } from '../features/frontend.js';
import { VOICE_ENCODER_MEL_CONFIG } from '../features/melConfig.js';
import type { MelConfig } from '../features/types.js';
import { OnnxSpeakerModel, openSpeakerModel, type OpenedModel, type SpeakerModelSpec } from './onnxSession.js';
import type { EmbeddingModel } from './types.js';

export const VOICE_ENCODER_MODEL_FILE = 'voice-encoder.onnx';

export function defaultVoiceEncoderPath(): string {
  // Same relative place from src/embedding (tsx, tests) and dist/embedding (built package).
  return fileURLToPath(new URL(`../../models/${VOICE_ENCODER_MODEL_FILE}`, import.meta.url));
}

export interface VoiceEncoderOptions {
  modelPath?: string;
  /** ONNX intra-op threads (default 1). */
  threads?: number;
}

/** Frontend facts the model file must state, checked against the code's mel config. */
function expectedMetadata(mel: Readonly<MelConfig>): Record<string, string> {
  return {
    sample_rate_hz: String(mel.sampleRateHz),
    window_samples: String(mel.windowSamples),
    hop_samples: String(mel.hopSamples),
    fft_size: String(mel.fftSize),
    mel_bands: String(mel.melBands),
    fmin_hz: String(mel.fMinHz),
    fmax_hz: String(mel.fMaxHz),
    spectrum: mel.spectrum,
    mel_norm: mel.melNorm,
    pad_mode: mel.padMode,
    log: 'false',
  };
}

const SPEC: SpeakerModelSpec = {
  label: 'voice encoder',
  fix: 'regenerate it with tools/convert_resemblyzer.py',
  input: 'mels',
  output: 'embedding',
  expectedMetadata: expectedMetadata(VOICE_ENCODER_MEL_CONFIG),
  integerMetadata: ['embedding_dim', 'partial_frames'],
};

export class OnnxVoiceEncoder extends OnnxSpeakerModel implements EmbeddingModel {
  readonly dim: number;
  readonly frontend = VOICE_ENCODER_FRONTEND;
  readonly maxBatch = 64;
  readonly partialFrames: number;
  readonly melBands: number;

  private constructor(opened: OpenedModel, modelPath: string) {
    super(SPEC, opened, modelPath);
    this.dim = Number(opened.metadata.embedding_dim);
    this.partialFrames = Number(opened.metadata.partial_frames);
    this.melBands = Number(opened.metadata.mel_bands);
  }

  static async create(options: VoiceEncoderOptions = {}): Promise<OnnxVoiceEncoder> {
    const modelPath = options.modelPath ?? defaultVoiceEncoderPath();
    const threads = checkNumber('threads', options.threads ?? 1, { min: 1, max: 256, integer: true });
    return new OnnxVoiceEncoder(await openSpeakerModel(modelPath, threads, SPEC), modelPath);
  }
}
