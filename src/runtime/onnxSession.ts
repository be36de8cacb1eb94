/**
 * Opening a shipped model's ONNX file, shared by the stages that run one (CAM++ embeddings,
 * segmentation-3.0, the GE2E voice encoder): the file must exist, state the metadata the calling code assumes, load in
 * onnxruntime, and have the expected input and output names. One session per model instance,
 * created once and reused for every file and batch rather than reopened.
 */
import './onnxRuntimeEnv.js'; // before onnxruntime-node loads
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { ModelError } from '../errors/index.js';
import { readOnnxMetadata } from './onnxMetadata.js';

/** Where a model comes from and how many ONNX intra-op threads it runs on (default 1). */
export interface OnnxModelOptions {
  modelPath?: string;
  threads?: number;
}

/** A model file shipped in models/ (the same relative place from src/ under tsx and dist/ when built). */
export function shippedModelPath(file: string): string {
  return fileURLToPath(new URL(`../../models/${file}`, import.meta.url));
}

export interface OnnxModelSpec {
  /** Human name in messages ("CAM++ speaker model", "segmentation model"). */
  label: string;
  /** How to get the file back, for every error message. */
  fix: string;
  input: string;
  output: string;
  /** Metadata the file must hold exactly. */
  expectedMetadata: Record<string, string>;
  /** Metadata keys that must hold positive integers. */
  integerMetadata: string[];
  /** Session options this model needs beyond the shared ones. */
  sessionOptions?: ort.InferenceSession.SessionOptions;
}

export interface OpenedModel {
  session: ort.InferenceSession;
  metadata: Record<string, string>;
}

export async function openOnnxModel(modelPath: string, threads: number, spec: OnnxModelSpec): Promise<OpenedModel> {
  const info = await stat(modelPath).catch(() => null);
  if (info === null || !info.isFile()) {
    throw new ModelError(
      'MODEL_MISSING',
      `${spec.label} not found: expected an ONNX file at ${modelPath}, received nothing there. Reinstall the package (models/ ships with it), pass modelPath, or ${spec.fix}.`,
      modelPath,
    );
  }
  const bytes = new Uint8Array(await readFile(modelPath));
  const metadata = readOnnxMetadata(bytes, modelPath);
  for (const [key, want] of Object.entries(spec.expectedMetadata)) {
    if (metadata[key] !== want) {
      throw new ModelError(
        'MODEL_MISMATCH',
        `${modelPath}: expected metadata ${key}=${want} (what this code assumes), received ${metadata[key] ?? 'nothing'}. To fix: ${spec.fix}.`,
        modelPath,
      );
    }
  }
  for (const key of spec.integerMetadata) {
    const v = Number(metadata[key]);
    if (!Number.isInteger(v) || v <= 0) {
      throw new ModelError(
        'MODEL_MISMATCH',
        `${modelPath}: expected a positive integer metadata ${key}, received ${metadata[key] ?? 'nothing'}. To fix: ${spec.fix}.`,
        modelPath,
      );
    }
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Idle intra-op threads sleep instead of spinning: the CAM++ thread and the calling thread
      // share the cores with segmentation's pool (10-min film: 8.0-9.0 s -> 7.5-8.4 s).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
      ...spec.sessionOptions,
    });
  } catch (e) {
    throw new ModelError(
      'MODEL_MISMATCH',
      `${modelPath}: onnxruntime could not load the ${spec.label} (${(e as Error).message}). Reinstall the package or ${spec.fix}.`,
      modelPath,
    );
  }
  if (!session.inputNames.includes(spec.input) || !session.outputNames.includes(spec.output)) {
    const names = `inputs ${session.inputNames.join(',')} / outputs ${session.outputNames.join(',')}`;
    await session.release();
    throw new ModelError(
      'MODEL_MISMATCH',
      `${modelPath}: expected input "${spec.input}" and output "${spec.output}", received ${names}. To fix: ${spec.fix}.`,
      modelPath,
    );
  }
  return { session, metadata };
}

/** Run [batch x frames x bands] through the session; the result is copied out of onnxruntime's buffer. */
export async function runFeatureBatch(
  session: ort.InferenceSession | null,
  modelPath: string,
  spec: Pick<OnnxModelSpec, 'label' | 'input' | 'output'>,
  features: Float32Array,
  batch: number,
  bands: number,
): Promise<Float32Array> {
  if (session === null)
    throw new ModelError(
      'MODEL_MISSING',
      `${modelPath}: expected a live session, received a disposed ${spec.label}. Create a new one.`,
      modelPath,
    );
  const frames = features.length / batch / bands;
  if (!Number.isInteger(batch) || batch < 1 || !Number.isInteger(frames) || frames < 1) {
    throw new ModelError(
      'MODEL_MISMATCH',
      `${spec.label} input: expected [batch x frames x ${bands}] floats, received ${features.length} floats for batch ${batch}. This is a bug in the caller.`,
    );
  }
  const input = new ort.Tensor('float32', features, [batch, frames, bands]);
  const result = await session.run({ [spec.input]: input });
  const out = result[spec.output];
  try {
    return Float32Array.from(out.data as Float32Array);
  } finally {
    out.dispose();
  }
}
