/**
 * Sex stage: a speaker's windows -> 'M' | 'F' with a confidence.
 * The classifier is a logistic regression over one per-window output of the voice encoder
 * (`input`: the speaker embedding, or the mean LSTM states `hidden_mean`, which keep the sex of
 * a voice under noise far better), trained by tools/train-models.ts on LibriSpeech readers and
 * AMI speakers (models/sex-classifier.json). A speaker's decision averages the log-odds of its
 * windows, so long speakers are classified from many views, not one.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ModelError } from '../errors/index.js';
import type { Sex } from '../types.js';
import { logit, sigmoid, type LogisticModel } from './logistic.js';

export interface SexModelFile {
  format: 'count-speakers/sex-logistic@1';
  /** Positive class of the regression. */
  positive: 'F';
  embeddingModel: string;
  /** Which encoder output the rows are (default 'embedding'). */
  input?: SexInput;
  /** Size of one input row. */
  embeddingDim: number;
  model: LogisticModel;
  trainedOn: Record<string, unknown>;
}

export interface SexDecision {
  sex: Sex;
  /** Probability of the chosen sex, 0.5..1. */
  confidence: number;
  /** P(female). */
  probabilityF: number;
}

export type SexInput = 'embedding' | 'hidden_mean';

export const DEFAULT_SEX_MODEL_URL = new URL('../../models/sex-classifier.json', import.meta.url);

export class SexClassifier {
  readonly dim: number;
  readonly input: SexInput;
  private constructor(private readonly file: SexModelFile) {
    this.dim = file.embeddingDim;
    this.input = file.input ?? 'embedding';
  }

  static fromModel(file: SexModelFile): SexClassifier {
    return new SexClassifier(file);
  }

  static load(path: string | URL = DEFAULT_SEX_MODEL_URL): SexClassifier {
    const p = typeof path === 'string' ? path : fileURLToPath(path);
    let text: string;
    try {
      text = readFileSync(p, 'utf8');
    } catch (cause) {
      throw new ModelError(
        'MODEL_MISSING',
        `Sex classifier not found at ${p}: expected the JSON shipped in models/. Reinstall the package or run \`npx tsx tools/train-models.ts\` to rebuild it.`,
        p,
      );
    }
    let parsed: SexModelFile;
    try {
      parsed = JSON.parse(text) as SexModelFile;
    } catch {
      throw new ModelError('MODEL_MISMATCH', `Sex classifier ${p} is not valid JSON. Restore it from the repository.`, p);
    }
    if (
      parsed.format !== 'count-speakers/sex-logistic@1' ||
      (parsed.input !== undefined && parsed.input !== 'embedding' && parsed.input !== 'hidden_mean') ||
      !Array.isArray(parsed.model?.weights) ||
      parsed.model.weights.length !== parsed.embeddingDim
    ) {
      throw new ModelError(
        'MODEL_MISMATCH',
        `Sex classifier ${p}: expected format count-speakers/sex-logistic@1, input embedding or hidden_mean, and ${parsed.embeddingDim} weights; received format ${String(parsed.format)}, input ${String(parsed.input)}, ${parsed.model?.weights?.length} weights. Restore it from the repository or retrain with tools/train-models.ts.`,
        p,
      );
    }
    return new SexClassifier(parsed);
  }

  /**
   * Check that an encoder gives the rows this classifier reads (`hiddenMeanDim` 0 = no such
   * output); throws MODEL_MISMATCH naming both sides and the fix.
   */
  requireInput(encoder: { dim: number; hiddenMeanDim: number }): void {
    const given = this.input === 'hidden_mean' ? encoder.hiddenMeanDim : encoder.dim;
    if (given === this.dim) return;
    throw new ModelError(
      'MODEL_MISMATCH',
      `The sex classifier expects ${this.dim}-d rows of the voice encoder's ${this.input} output, received ${given === 0 ? 'no such output' : `a model giving ${given}`}. ` +
        'Use the voice-encoder.onnx and sex-classifier.json shipped together in models/ (tools/convert_resemblyzer.py, tools/train-models.ts).',
    );
  }

  /** Log-odds of female for one input row. */
  logitF(features: Float32Array, row: number): number {
    return logit(this.file.model, features, row * this.dim);
  }

  /** Decide from the rows of `features` (the encoder output named by `input`) listed in `rows` (a speaker's windows). */
  classify(features: Float32Array, rows: ArrayLike<number>): SexDecision {
    if (rows.length === 0) return { sex: 'M', confidence: 0.5, probabilityF: 0.5 };
    let sum = 0;
    for (let i = 0; i < rows.length; i++) sum += this.logitF(features, rows[i]);
    const pF = sigmoid(sum / rows.length);
    return pF >= 0.5 ? { sex: 'F', confidence: pF, probabilityF: pF } : { sex: 'M', confidence: 1 - pF, probabilityF: pF };
  }
}

export { trainLogistic, logit, sigmoid } from './logistic.js';
export type { LogisticModel } from './logistic.js';
export { SexModel, SEX_MODEL_FORMAT, DEFAULT_SEX_CHUNK_MODEL_URL, type SexChunkModelFile, type SexFeatureBlock, type SexModelOptions } from './model.js';
