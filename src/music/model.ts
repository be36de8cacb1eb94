/**
 * inaSpeechSegmenter's speech/music CNN (MIT, weights from PyPI inaSpeechSegmenter 0.4.2,
 * converted by tools/convert_speech_music.py), run with onnxruntime-node on standardised patches
 * of log mel bands. The patch shape is read from the ONNX metadata. One InferenceSession per
 * instance, reused, released by dispose().
 */
import { ModelError } from '../errors/index.js';
import { openOnnxModel, runFeatureBatch, shippedModelPath, type OnnxModelOptions, type OnnxModelSpec } from '../runtime/onnxSession.js';
import type * as ort from 'onnxruntime-node';

/** What the stage needs of a speech/music model. */
export interface SpeechMusicModel {
  readonly patchFrames: number;
  readonly patchBands: number;
  /** Probability of music for each of `count` patches ([count x patchFrames x patchBands], standardised). */
  musicProbabilities(patches: Float32Array, count: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export const SPEECH_MUSIC_MODEL_FILE = 'speech-music.onnx';

const SPEC: OnnxModelSpec = {
  label: 'speech/music model',
  fix: 'regenerate it with tools/convert_speech_music.py',
  input: 'patches',
  output: 'probs',
  expectedMetadata: { sample_rate_hz: '16000', hop_samples: '160', classes: 'speech,music' },
  integerMetadata: ['patch_frames', 'patch_bands'],
};

/** Patches per ONNX run: 0.9 ms a patch on one thread from 4 on. */
const MAX_BATCH = 64;

export class OnnxSpeechMusicModel implements SpeechMusicModel {
  private constructor(
    private session: ort.InferenceSession | null,
    private readonly modelPath: string,
    readonly patchFrames: number,
    readonly patchBands: number,
  ) {}

  static async create(options: OnnxModelOptions = {}): Promise<OnnxSpeechMusicModel> {
    const modelPath = options.modelPath ?? shippedModelPath(SPEECH_MUSIC_MODEL_FILE);
    const { session, metadata } = await openOnnxModel(modelPath, options.threads ?? 1, SPEC);
    return new OnnxSpeechMusicModel(session, modelPath, Number(metadata.patch_frames), Number(metadata.patch_bands));
  }

  async musicProbabilities(patches: Float32Array, count: number): Promise<Float32Array> {
    const size = this.patchFrames * this.patchBands;
    if (patches.length !== count * size)
      throw new ModelError(
        'MODEL_MISMATCH',
        `${SPEC.label} input: expected ${count} x ${this.patchFrames} x ${this.patchBands} floats, received ${patches.length}. This is a bug in the caller.`,
      );
    const out = new Float32Array(count);
    for (let i = 0; i < count; i += MAX_BATCH) {
      const n = Math.min(MAX_BATCH, count - i);
      const probs = await runFeatureBatch(
        this.session,
        this.modelPath,
        SPEC,
        patches.subarray(i * size, (i + n) * size),
        n,
        this.patchBands,
      );
      for (let j = 0; j < n; j++) out[i + j] = probs[2 * j + 1];
    }
    return out;
  }

  async dispose(): Promise<void> {
    const s = this.session;
    this.session = null;
    if (s !== null) await s.release();
  }
}
