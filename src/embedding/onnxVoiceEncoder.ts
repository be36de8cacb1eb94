/**
 * Resemblyzer's GE2E voice encoder (Apache-2.0, converted by tools/convert_resemblyzer.py)
 * run with onnxruntime-node. One InferenceSession per instance, reused, released by dispose().
 */
import '../runtime/onnxRuntimeEnv.js'; // before onnxruntime-node loads
import * as ort from 'onnxruntime-node';
import { checkNumber } from '../config/index.js';
import { ModelError } from '../errors/index.js';
import { VOICE_ENCODER_MEL_CONFIG } from '../features/melConfig.js';
import type { MelConfig } from '../features/types.js';
import { openOnnxModel, shippedModelPath, type OnnxModelOptions, type OnnxModelSpec } from '../runtime/onnxSession.js';
import type { EmbeddingModel, EncoderOutput } from './types.js';

export const VOICE_ENCODER_MODEL_FILE = 'voice-encoder.onnx';
const INPUT = 'mels';
const OUTPUT = 'embedding';
const HIDDEN_MEAN = 'hidden_mean';

export function defaultVoiceEncoderPath(): string {
  return shippedModelPath(VOICE_ENCODER_MODEL_FILE);
}

export type VoiceEncoderOptions = OnnxModelOptions;

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

const SPEC: OnnxModelSpec = {
  label: 'voice encoder model',
  fix: 'regenerate it with tools/convert_resemblyzer.py',
  input: INPUT,
  output: OUTPUT,
  expectedMetadata: expectedMetadata(VOICE_ENCODER_MEL_CONFIG),
  integerMetadata: ['embedding_dim', 'partial_frames'],
  // Windows come in many frame counts, and a memory pattern is planned and kept per input
  // shape: with the hidden_mean output's extra tensors that held ~75 MB more on a 2 h film
  // (bench:scale: 443 MB peak against 350 MB without patterns, at the same speed).
  sessionOptions: { enableMemPattern: false },
};

export class OnnxVoiceEncoder implements EmbeddingModel {
  readonly dim: number;
  readonly hiddenMeanDim: number;
  readonly partialFrames: number;
  readonly melBands: number;
  readonly modelPath: string;
  readonly metadata: Readonly<Record<string, string>>;
  private session: ort.InferenceSession | null;

  private constructor(session: ort.InferenceSession, modelPath: string, metadata: Record<string, string>) {
    this.session = session;
    this.modelPath = modelPath;
    this.metadata = Object.freeze(metadata);
    this.dim = Number(metadata.embedding_dim);
    this.hiddenMeanDim = session.outputNames.includes(HIDDEN_MEAN) ? Number(metadata.hidden_mean_dim) : 0;
    this.partialFrames = Number(metadata.partial_frames);
    this.melBands = Number(metadata.mel_bands);
  }

  static async create(options: VoiceEncoderOptions = {}): Promise<OnnxVoiceEncoder> {
    const modelPath = options.modelPath ?? defaultVoiceEncoderPath();
    const threads = checkNumber('threads', options.threads ?? 1, { min: 1, max: 256, integer: true });
    const { session, metadata } = await openOnnxModel(modelPath, threads, SPEC);
    if (
      session.outputNames.includes(HIDDEN_MEAN) &&
      !(Number.isInteger(Number(metadata.hidden_mean_dim)) && Number(metadata.hidden_mean_dim) > 0)
    ) {
      await session.release();
      throw new ModelError(
        'MODEL_MISMATCH',
        `${modelPath}: expected a positive integer metadata hidden_mean_dim for the output "${HIDDEN_MEAN}", received ${metadata.hidden_mean_dim ?? 'nothing'}. To fix: ${SPEC.fix}.`,
        modelPath,
      );
    }
    return new OnnxVoiceEncoder(session, modelPath, metadata);
  }

  async embedMels(mels: Float32Array, batch: number): Promise<EncoderOutput> {
    const session = this.session;
    if (session === null)
      throw new ModelError(
        'MODEL_MISSING',
        `${this.modelPath}: expected a live session, received a disposed OnnxVoiceEncoder. Create a new one.`,
        this.modelPath,
      );
    const perItem = mels.length / batch;
    const frames = perItem / this.melBands;
    if (!Number.isInteger(batch) || batch < 1 || !Number.isInteger(frames) || frames < 1) {
      throw new ModelError(
        'MODEL_MISMATCH',
        `voice encoder input: expected [batch x frames x ${this.melBands}] floats, received ${mels.length} floats for batch ${batch}. This is a bug in the caller.`,
      );
    }
    const input = new ort.Tensor('float32', mels, [batch, frames, this.melBands]);
    const result = await session.run({ [INPUT]: input });
    try {
      // Copies: the results' buffers belong to onnxruntime and are released with the tensors.
      return {
        embeddings: Float32Array.from(result[OUTPUT].data as Float32Array),
        hiddenMean: this.hiddenMeanDim > 0 ? Float32Array.from(result[HIDDEN_MEAN].data as Float32Array) : null,
      };
    } finally {
      for (const t of Object.values(result)) t.dispose();
    }
  }

  async dispose(): Promise<void> {
    const s = this.session;
    this.session = null;
    if (s !== null) await s.release();
  }
}
