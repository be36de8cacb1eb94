/**
 * Leave-speakers-out training and scoring of the chunk sex model (src/sex/model.ts) on the
 * cached chunk features of tools/lib/sex-chunks.ts. Shared by bench/eval-sex.ts --conditions
 * (which reports it) and tools/train-sex-model.ts (which fits the shipped model's calibration on
 * its out-of-fold scores).
 */
import { logit, trainLogistic, trainLogisticLbfgs, type LogisticModel } from '../../src/sex/logistic.js';
import { SEX_BLOCK_DIMS, type SexFeatureBlock } from '../../src/sex/model.js';
import {
  AUGMENT_COPIES,
  EVAL_CONDITIONS,
  SEX_FOLDS,
  selectBlocks,
  type ChunkFeatures,
  type EvalCondition,
  type SexCondition,
  type SexSpeaker,
} from './sex-chunks.js';

export type FeatureTable = ReadonlyMap<SexCondition, ChunkFeatures>;

/**
 * What a model learns from: clean chunks, rooms, telephone band and the synthetic training
 * copies; never a real music bed, so that no model of the project has heard ../shared/data/music
 * (which film-like tests may use). TRAIN_CONDITIONS_WITH_BEDS adds the real-bed conditions of the
 * training speakers (in cross-validation, beds other than the tested fold's): the comparison.
 */
export const TRAIN_CONDITIONS: readonly SexCondition[] = ['clean', 'reverb', 'telephone', ...AUGMENT_COPIES];
export const TRAIN_CONDITIONS_WITH_BEDS: readonly SexCondition[] = [...EVAL_CONDITIONS, ...AUGMENT_COPIES];

export function blocksDim(blocks: readonly SexFeatureBlock[]): number {
  return blocks.reduce((a, b) => a + SEX_BLOCK_DIMS[b], 0);
}

/** Train on every chunk of `speakers` under every condition of `conditions`. */
export function trainSexRegression(
  speakers: readonly SexSpeaker[],
  table: FeatureTable,
  blocks: readonly SexFeatureBlock[],
  l2: number,
  conditions: readonly SexCondition[] = TRAIN_CONDITIONS,
): LogisticModel {
  const dim = blocksDim(blocks);
  const rows: Float32Array[] = [];
  const y: number[] = [];
  for (const s of speakers)
    for (const c of conditions) {
      const feats = table.get(c);
      if (!feats) throw new Error(`no features for condition ${c}`);
      for (const ch of s.chunks) {
        rows.push(selectBlocks(feats.rows.get(ch.id)!, blocks));
        y.push(s.sex === 'F' ? 1 : 0);
      }
    }
  const flat = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => {
    flat.set(r, i * dim);
  });
  return trainLogisticLbfgs(flat, rows.length, dim, y, { l2, iterations: 300 });
}

/** A speaker's score under one condition: its chunks' log-odds of F, weighted by chunk seconds. */
export function speakerScore(model: LogisticModel, s: SexSpeaker, feats: ChunkFeatures, blocks: readonly SexFeatureBlock[]): number {
  let z = 0;
  let w = 0;
  for (const ch of s.chunks) {
    const sec = ch.samples.length / 16000;
    z += sec * logit(model, selectBlocks(feats.rows.get(ch.id)!, blocks));
    w += sec;
  }
  return z / w;
}

export interface CvResult {
  /** speaker id -> condition -> out-of-fold score (weighted mean log-odds of F) */
  scores: Map<string, Record<EvalCondition, number>>;
}

/** Speakers (with their chunks) and the features of those chunks. */
export interface ChunkedSpeakers {
  speakers: readonly SexSpeaker[];
  table: FeatureTable;
}

/**
 * Out-of-fold scores: fold f's model learns from `train`'s speakers of the other folds and scores
 * `test`'s speakers of fold f (by default the same speakers and chunks; another chunking of the
 * same speakers tests chunks other than the ones learnt from).
 */
export function crossValidateSex(
  train: ChunkedSpeakers,
  blocks: readonly SexFeatureBlock[],
  l2: number,
  conditions: readonly SexCondition[] = TRAIN_CONDITIONS,
  test: ChunkedSpeakers = train,
): CvResult {
  const scores = new Map<string, Record<EvalCondition, number>>();
  for (let f = 0; f < SEX_FOLDS; f++) {
    const model = trainSexRegression(
      train.speakers.filter((s) => s.fold !== f),
      train.table,
      blocks,
      l2,
      conditions,
    );
    for (const s of test.speakers.filter((x) => x.fold === f)) {
      const rec = {} as Record<EvalCondition, number>;
      for (const c of EVAL_CONDITIONS) rec[c] = speakerScore(model, s, test.table.get(c)!, blocks);
      scores.set(s.id, rec);
    }
  }
  return { scores };
}

export interface ConditionAccuracy {
  accuracy: number;
  speakers: number;
  wrong: string[];
}

export function accuracyByCondition(
  speakers: readonly SexSpeaker[],
  cv: CvResult,
  calibration = { scale: 1, bias: 0 },
): Record<EvalCondition, ConditionAccuracy> {
  const out = {} as Record<EvalCondition, ConditionAccuracy>;
  const ev = speakers.filter((s) => s.evaluated);
  for (const c of EVAL_CONDITIONS) {
    const wrong = ev.filter((s) => (calibration.scale * cv.scores.get(s.id)![c] + calibration.bias >= 0 ? 'F' : 'M') !== s.sex);
    out[c] = { accuracy: (ev.length - wrong.length) / ev.length, speakers: ev.length, wrong: wrong.map((s) => `${s.id}(${s.sex})`) };
  }
  return out;
}

/**
 * Platt scaling of the out-of-fold speaker scores (every evaluated speaker under every
 * condition): P(F) = sigmoid(scale * score + bias).
 */
export function fitCalibration(speakers: readonly SexSpeaker[], cv: CvResult): { scale: number; bias: number } {
  const z: number[] = [];
  const y: number[] = [];
  for (const s of speakers) {
    if (!s.evaluated) continue;
    for (const c of EVAL_CONDITIONS) {
      z.push(cv.scores.get(s.id)![c]);
      y.push(s.sex === 'F' ? 1 : 0);
    }
  }
  const m = trainLogistic(Float32Array.from(z), z.length, 1, y, { l2: 1e-3, iterations: 50 });
  const scale = m.weights[0] / m.std[0];
  return { scale, bias: m.bias - scale * m.mean[0] };
}

/** Expected calibration error of the speakers' confidences (10 bins) and their mean log loss. */
export function calibrationReport(
  speakers: readonly SexSpeaker[],
  cv: CvResult,
  cal: { scale: number; bias: number },
): { ece: number; logLoss: number } {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, right: 0 }));
  let loss = 0;
  let n = 0;
  for (const s of speakers) {
    if (!s.evaluated) continue;
    for (const c of EVAL_CONDITIONS) {
      const pF = 1 / (1 + Math.exp(-(cal.scale * cv.scores.get(s.id)![c] + cal.bias)));
      const conf = Math.max(pF, 1 - pF);
      const right = (pF >= 0.5 ? 'F' : 'M') === s.sex;
      const b = bins[Math.min(9, Math.floor((conf - 0.5) * 20))];
      b.n++;
      b.conf += conf;
      b.right += right ? 1 : 0;
      loss -= Math.log(Math.max(1e-12, s.sex === 'F' ? pF : 1 - pF));
      n++;
    }
  }
  const ece = bins.reduce((a, b) => a + (b.n ? Math.abs(b.conf - b.right) : 0), 0) / n;
  return { ece, logLoss: loss / n };
}

/**
 * Mean log loss per condition of the calibrated speaker probabilities: finer than accuracy when
 * two settings differ by a speaker or two.
 */
export function logLossByCondition(
  speakers: readonly SexSpeaker[],
  cv: CvResult,
  cal: { scale: number; bias: number },
): Record<EvalCondition, number> {
  const out = {} as Record<EvalCondition, number>;
  const ev = speakers.filter((s) => s.evaluated);
  for (const c of EVAL_CONDITIONS) {
    let loss = 0;
    for (const s of ev) {
      const pF = 1 / (1 + Math.exp(-(cal.scale * cv.scores.get(s.id)![c] + cal.bias)));
      loss -= Math.log(Math.max(1e-12, s.sex === 'F' ? pF : 1 - pF));
    }
    out[c] = loss / ev.length;
  }
  return out;
}
