export type { SpeechRegion, SpeechProbabilities, VadModel, VadState } from './types.js';
export { DEFAULT_VAD_CONFIG, validateVadConfig, type VadConfig } from './config.js';
export { regionsFromProbabilities, speechSeconds } from './postprocess.js';
export { planPieces, speechProbabilities, type BatchLayout, type ProbabilityOptions } from './batch.js';
export {
  batchLayout,
  detectSpeech,
  detectSpeechProbabilities,
  detectSpeechStream,
  SpeechProbabilityStream,
  type DetectOptions,
} from './detect.js';
export { SileroVad, defaultSileroModelPath, SILERO_MODEL_FILE, type SileroVadOptions } from './silero.js';
