/**
 * Sex stage: a speaker's chunks -> 'M' | 'F' with a confidence (SexModel, models/sex-model.json,
 * trained by tools/train-sex-model.ts).
 */
export { trainLogistic, logit, sigmoid } from './logistic.js';
export type { LogisticModel } from './logistic.js';
export {
  SexModel,
  SEX_MODEL_FORMAT,
  DEFAULT_SEX_CHUNK_MODEL_URL,
  type SexChunkModelFile,
  type SexFeatureBlock,
  type SexModelOptions,
} from './model.js';
