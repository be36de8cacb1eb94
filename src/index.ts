/** count-speakers: how many distinct women and men speak in a recording. */
import './runtime/onnxRuntimeEnv.js'; // before anything loads onnxruntime-node
export { countSpeakers, diarize, createEngine, Engine } from './pipeline/index.js';
export type {
  Counts,
  Diarization,
  DiarizeOptions,
  ProgressEvent,
  ProgressStage,
  Sex,
  SpeakerSummary,
  Turn,
  EngineOptions,
} from './pipeline/index.js';
export { CountSpeakersError, AudioInputError, ConfigError, ModelError, AnnotationError } from './errors/index.js';
export type { ErrorCode } from './errors/index.js';
export { scoreDer } from './metrics/index.js';
export { parseRttm, formatRttm } from './io/index.js';
export { runBatch, discoverInputs, parseShard, shardOf, BatchPool, type BatchInput, type FileResult, type Shard } from './batch/index.js';
