/**
 * Speaker-discriminant projection (LDA) applied to embeddings before clustering: trained by
 * tools/train-models.ts on window embeddings of the train-split readers, clean and with added
 * noise, so directions that carry noise and channel rather than voice are suppressed.
 * Cosine distances between projected, re-normalised embeddings separate speakers better
 * than the raw GE2E space, most of all under noise.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ModelError } from '../errors/index.js';

export interface SpeakerProjectionFile {
  format: 'count-speakers/lda@1';
  inputDim: number;
  outputDim: number;
  /** Subtracted before projecting. */
  mean: number[];
  /** Row-major [inputDim x outputDim]. */
  matrix: number[];
  trainedOn: Record<string, unknown>;
}

export const DEFAULT_PROJECTION_URL = new URL('../../models/speaker-lda.json', import.meta.url);

export class SpeakerProjection {
  readonly inputDim: number;
  readonly outputDim: number;
  private readonly mean: Float32Array;
  private readonly matrix: Float32Array;

  private constructor(file: SpeakerProjectionFile) {
    this.inputDim = file.inputDim;
    this.outputDim = file.outputDim;
    this.mean = Float32Array.from(file.mean);
    this.matrix = Float32Array.from(file.matrix);
  }

  static fromFile(file: SpeakerProjectionFile): SpeakerProjection {
    if (
      file.format !== 'count-speakers/lda@1' ||
      file.mean?.length !== file.inputDim ||
      file.matrix?.length !== file.inputDim * file.outputDim
    ) {
      throw new ModelError(
        'MODEL_MISMATCH',
        `Speaker projection: expected format count-speakers/lda@1 with a ${file.inputDim}-d mean and a ${file.inputDim}x${file.outputDim} matrix, received format ${String(file.format)}. Restore models/speaker-lda.json or rebuild it with tools/train-models.ts.`,
      );
    }
    return new SpeakerProjection(file);
  }

  static load(path: string | URL = DEFAULT_PROJECTION_URL): SpeakerProjection {
    const p = typeof path === 'string' ? path : fileURLToPath(path);
    let text: string;
    try {
      text = readFileSync(p, 'utf8');
    } catch {
      throw new ModelError(
        'MODEL_MISSING',
        `Speaker projection not found at ${p}: expected the JSON shipped in models/. Reinstall the package or rebuild it with \`npx tsx tools/train-models.ts\`.`,
        p,
      );
    }
    try {
      return SpeakerProjection.fromFile(JSON.parse(text) as SpeakerProjectionFile);
    } catch (e) {
      if (e instanceof ModelError) throw e;
      throw new ModelError('MODEL_MISMATCH', `Speaker projection ${p} is not valid JSON. Restore it from the repository.`, p);
    }
  }

  /** Project n rows of [n x inputDim] to [n x outputDim], each row L2-normalised. */
  project(embeddings: Float32Array, n: number): Float32Array {
    const { inputDim: di, outputDim: dk, mean, matrix } = this;
    const out = new Float32Array(n * dk);
    const centred = new Float32Array(di);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < di; d++) centred[d] = embeddings[i * di + d] - mean[d];
      const o = i * dk;
      for (let d = 0; d < di; d++) {
        const x = centred[d];
        const row = d * dk;
        for (let k = 0; k < dk; k++) out[o + k] += x * matrix[row + k];
      }
      let norm = 0;
      for (let k = 0; k < dk; k++) norm += out[o + k] * out[o + k];
      norm = Math.sqrt(norm) || 1;
      for (let k = 0; k < dk; k++) out[o + k] /= norm;
    }
    return out;
  }
}
