/**
 * Speaker-discriminant projection (LDA) applied to embeddings before clustering: trained by
 * tools/train-models.ts on window embeddings of the train-split readers, clean and with added
 * noise, so directions that carry noise and channel rather than voice are suppressed.
 * Cosine distances between projected, re-normalised embeddings separate speakers better
 * than the raw GE2E space, most of all under noise. The same file carries the PLDA model
 * (plda.ts) fitted on the length-normalised projections of the same training windows.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ModelError } from '../errors/index.js';
import type { PldaModel } from './plda.js';

export interface SpeakerProjectionFile {
  format: 'count-speakers/lda@2';
  inputDim: number;
  outputDim: number;
  /** Subtracted before projecting. */
  mean: number[];
  /** Row-major [inputDim x outputDim]. */
  matrix: number[];
  /** Two-covariance PLDA in the projected space (outputDim each). */
  plda: { mean: number[]; withinStd: number[]; phi: number[] };
  trainedOn: Record<string, unknown>;
}

export const DEFAULT_PROJECTION_URL = new URL('../../models/speaker-lda.json', import.meta.url);

export class SpeakerProjection {
  readonly inputDim: number;
  readonly outputDim: number;
  private readonly mean: Float32Array;
  private readonly matrix: Float32Array;
  readonly plda: PldaModel;

  private constructor(file: SpeakerProjectionFile) {
    this.inputDim = file.inputDim;
    this.outputDim = file.outputDim;
    this.mean = Float32Array.from(file.mean);
    this.matrix = Float32Array.from(file.matrix);
    this.plda = { mean: Float64Array.from(file.plda.mean), withinStd: Float64Array.from(file.plda.withinStd), phi: Float64Array.from(file.plda.phi) };
  }

  static fromFile(file: SpeakerProjectionFile): SpeakerProjection {
    const k = file.outputDim;
    if (
      file.format !== 'count-speakers/lda@2' ||
      file.mean?.length !== file.inputDim ||
      file.matrix?.length !== file.inputDim * k ||
      file.plda?.mean?.length !== k ||
      file.plda.withinStd?.length !== k ||
      file.plda.phi?.length !== k ||
      !file.plda.withinStd.every((v) => v > 0) ||
      !file.plda.phi.every((v) => v >= 0)
    ) {
      throw new ModelError(
        'MODEL_MISMATCH',
        `Speaker projection: expected format count-speakers/lda@2 with a ${file.inputDim}-d mean, a ${file.inputDim}x${k} matrix and a ${k}-d PLDA (positive withinStd), received format ${String(file.format)}. Restore models/speaker-lda.json or rebuild it with tools/train-models.ts.`,
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

  /** Project n rows of [n x inputDim] to [n x outputDim], not normalised. */
  projectUnnormalised(embeddings: Float32Array, n: number): Float64Array {
    const { inputDim: di, outputDim: dk, mean, matrix } = this;
    const out = new Float64Array(n * dk);
    const centred = new Float64Array(di);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < di; d++) centred[d] = embeddings[i * di + d] - mean[d];
      const o = i * dk;
      for (let d = 0; d < di; d++) {
        const x = centred[d];
        const row = d * dk;
        for (let k = 0; k < dk; k++) out[o + k] += x * matrix[row + k];
      }
    }
    return out;
  }

  /** Project n rows of [n x inputDim] to [n x outputDim], each row L2-normalised. */
  project(embeddings: Float32Array, n: number): Float32Array {
    return SpeakerProjection.normaliseRows(this.projectUnnormalised(embeddings, n), n, this.outputDim);
  }

  static normaliseRows(projected: Float64Array, n: number, dk: number): Float32Array {
    const out = new Float32Array(n * dk);
    for (let i = 0; i < n; i++) {
      const o = i * dk;
      for (let k = 0; k < dk; k++) out[o + k] = projected[o + k];
      let norm = 0;
      for (let k = 0; k < dk; k++) norm += out[o + k] * out[o + k];
      norm = Math.sqrt(norm) || 1;
      for (let k = 0; k < dk; k++) out[o + k] /= norm;
    }
    return out;
  }
}
