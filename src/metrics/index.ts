/** Evaluation metrics: DER with md-eval semantics, optimal speaker mapping. */
export {
  scoreDer,
  scoreDerFiles,
  validateDerConfig,
  DEFAULT_DER_CONFIG,
  type DerConfig,
  type DerOptions,
  type DerResult,
  type DerReport,
  type DerTotals,
  type DerFilesOptions,
  type FileDerResult,
  type SpeakerMapping,
  type TurnLike,
} from './der.js';
export { maxWeightAssignment } from './hungarian.js';
