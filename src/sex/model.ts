/**
 * Sex of a speaker from chunks of its speech, trained for film conditions (rooms, EQ, level
 * changes, codec band limits, music and noise; tools/train-sex-model.ts). One row of features
 * per chunk: the GE2E voice encoder's mean LSTM states (hidden_mean, 512) and/or the chunk's
 * CAM++ embedding (192, L2-normalised), as the model file lists. (YIN F0 statistics were tried
 * as a third block: 92 % of speakers alone on clean chunks, 83 % over music at 10 dB, and no
 * gain over the two embeddings, for more time than the GE2E pass: dropped.)
 * A logistic regression scores each row; a speaker's score is the mean of its rows' log-odds
 * weighted by chunk seconds, turned into a probability by a Platt calibration fitted on
 * held-out speakers.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ENGINE_SAMPLE_RATE_HZ } from '../audio/types.js';
import { checkNumber } from '../config/index.js';
import { ConfigError, ModelError } from '../errors/index.js';
import { embedWindows } from '../embedding/embed.js';
import { OnnxVoiceEncoder } from '../embedding/onnxVoiceEncoder.js';
import type { Sex } from '../types.js';
import { logit, sigmoid, type LogisticModel } from './logistic.js';

export const SEX_MODEL_FORMAT = 'count-speakers/sex-chunks@1';

export type SexFeatureBlock = 'hidden_mean' | 'campplus';

export const SEX_BLOCK_DIMS: Readonly<Record<SexFeatureBlock, number>> = Object.freeze({ hidden_mean: 512, campplus: 192 });

export interface SexChunkModelFile {
  format: typeof SEX_MODEL_FORMAT;
  /** Positive class of the regression. */
  positive: 'F';
  /** Feature blocks of a row, in order. */
  blocks: SexFeatureBlock[];
  model: LogisticModel;
  /** P(F) of a speaker = sigmoid(scale * weighted mean log-odds + bias). */
  calibration: { scale: number; bias: number };
  trainedOn: Record<string, unknown>;
}

export const DEFAULT_SEX_CHUNK_MODEL_URL = new URL('../../models/sex-model.json', import.meta.url);

/** The GE2E encoder's minimum: shorter chunks are zero-padded to it for hidden_mean. */
const MIN_CHUNK_SEC = 0.25;

export function validateSexModelFile(parsed: SexChunkModelFile, where: string): SexChunkModelFile {
  const blocksOk =
    Array.isArray(parsed?.blocks) &&
    parsed.blocks.length > 0 &&
    parsed.blocks.every((b) => b in SEX_BLOCK_DIMS) &&
    new Set(parsed.blocks).size === parsed.blocks.length;
  const dim = blocksOk ? parsed.blocks.reduce((a, b) => a + SEX_BLOCK_DIMS[b], 0) : -1;
  const m = parsed?.model;
  if (
    parsed?.format !== SEX_MODEL_FORMAT ||
    !blocksOk ||
    !Array.isArray(m?.weights) ||
    m.weights.length !== dim ||
    m.mean?.length !== dim ||
    m.std?.length !== dim ||
    !Number.isFinite(m.bias) ||
    !Number.isFinite(parsed.calibration?.scale) ||
    !Number.isFinite(parsed.calibration?.bias)
  ) {
    throw new ModelError(
      'MODEL_MISMATCH',
      `Sex model ${where}: expected format ${SEX_MODEL_FORMAT}, blocks among ${Object.keys(SEX_BLOCK_DIMS).join(', ')}, ${dim} weights/means/stds and a calibration; ` +
        `received format ${String(parsed?.format)}, blocks ${JSON.stringify(parsed?.blocks)}, ${m?.weights?.length} weights. Restore it from the repository or retrain with tools/train-sex-model.ts.`,
      where,
    );
  }
  return parsed;
}

export interface SexModelOptions {
  /** ONNX intra-op threads of the voice encoder (default 1). */
  threads?: number;
  /** The model JSON (default models/sex-model.json). */
  modelPath?: string;
}

export class SexModel {
  readonly dim: number;
  private constructor(
    readonly file: SexChunkModelFile,
    private encoder: OnnxVoiceEncoder | null,
  ) {
    this.dim = file.model.weights.length;
  }

  static async create(options: SexModelOptions = {}): Promise<SexModel> {
    const p = options.modelPath ?? fileURLToPath(DEFAULT_SEX_CHUNK_MODEL_URL);
    const threads = checkNumber('threads', options.threads ?? 1, { min: 1, max: 256, integer: true });
    let text: string;
    try {
      text = await readFile(p, 'utf8');
    } catch {
      throw new ModelError(
        'MODEL_MISSING',
        `Sex model not found at ${p}: expected the JSON shipped in models/. Reinstall the package or rebuild it with tools/train-sex-model.ts.`,
        p,
      );
    }
    let parsed: SexChunkModelFile;
    try {
      parsed = JSON.parse(text) as SexChunkModelFile;
    } catch {
      throw new ModelError('MODEL_MISMATCH', `Sex model ${p} is not valid JSON. Restore it from the repository.`, p);
    }
    return SexModel.fromModel(
      validateSexModelFile(parsed, p),
      parsed.blocks.includes('hidden_mean') ? await OnnxVoiceEncoder.create({ threads }) : null,
    );
  }

  /** A model from its parsed file; `encoder` is needed (and then owned) when the file uses hidden_mean. */
  static fromModel(file: SexChunkModelFile, encoder: OnnxVoiceEncoder | null = null): SexModel {
    validateSexModelFile(file, 'fromModel');
    return new SexModel(file, encoder);
  }

  /**
   * One row per chunk: a chunk is 0.5-10 s of ONE speaker's speech at 16 kHz (from one
   * segmentation window, overlap removed); speakerEmbedding is CAM++'s raw 192-d vector of
   * that same chunk.
   */
  async features(chunk: Float32Array, speakerEmbedding: Float32Array): Promise<Float32Array> {
    const row = new Float32Array(this.dim);
    let o = 0;
    for (const block of this.file.blocks) {
      if (block === 'hidden_mean') row.set(await this.hiddenMean(chunk), o);
      else row.set(normalisedCampPlus(speakerEmbedding), o);
      o += SEX_BLOCK_DIMS[block];
    }
    return row;
  }

  private async hiddenMean(chunk: Float32Array): Promise<Float32Array> {
    const encoder = this.encoder;
    if (encoder === null)
      throw new ModelError(
        'MODEL_MISSING',
        'SexModel: expected a live voice encoder for hidden_mean, received a disposed or missing one. Create the model with SexModel.create().',
      );
    const minSamples = Math.ceil(MIN_CHUNK_SEC * ENGINE_SAMPLE_RATE_HZ);
    let audio = chunk;
    if (chunk.length < minSamples) {
      audio = new Float32Array(minSamples);
      audio.set(chunk);
    }
    const r = await embedWindows(audio, [{ startSec: 0, endSec: audio.length / ENGINE_SAMPLE_RATE_HZ }], encoder);
    // A silent or non-finite chunk has no states: zeros leave its row at the training mean's side.
    return r.vectors[0] !== null && r.hiddenMean
      ? r.hiddenMean.subarray(0, SEX_BLOCK_DIMS.hidden_mean)
      : new Float32Array(SEX_BLOCK_DIMS.hidden_mean);
  }

  /** Log-odds of female for one row. */
  logitF(row: Float32Array): number {
    return logit(this.file.model, row);
  }

  /** Decision for a speaker from all its chunks' rows, weighted by chunk seconds. */
  decide(rows: readonly Float32Array[], weightsSec: readonly number[]): { sex: Sex; confidence: number } {
    if (rows.length !== weightsSec.length) throw new ConfigError('weightsSec', `one weight per row (${rows.length})`, weightsSec.length);
    let z = 0;
    let total = 0;
    rows.forEach((r, i) => {
      if (r.length !== this.dim) throw new ConfigError(`rows[${i}]`, `a ${this.dim}-d row from SexModel.features()`, `${r.length} values`);
      const w = weightsSec[i];
      if (!(w >= 0) || !Number.isFinite(w)) throw new ConfigError(`weightsSec[${i}]`, 'finite seconds >= 0', w);
      z += w * this.logitF(r);
      total += w;
    });
    if (total === 0) return { sex: 'M', confidence: 0.5 };
    const { scale, bias } = this.file.calibration;
    const pF = sigmoid(scale * (z / total) + bias);
    return pF >= 0.5 ? { sex: 'F', confidence: pF } : { sex: 'M', confidence: 1 - pF };
  }

  async dispose(): Promise<void> {
    const e = this.encoder;
    this.encoder = null;
    if (e !== null) await e.dispose();
  }
}

/** CAM++'s raw vector scaled to unit length: its norm varies with the recording, not the voice. */
export function normalisedCampPlus(v: Float32Array): Float32Array {
  if (v.length !== SEX_BLOCK_DIMS.campplus)
    throw new ConfigError('speakerEmbedding', `CAM++'s raw ${SEX_BLOCK_DIMS.campplus}-d vector`, `${v.length} values`);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s) || 1;
  return Float32Array.from(v, (x) => x / n);
}
