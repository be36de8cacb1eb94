export type { EmbeddingModel, EmbeddingWindow, EncoderOutput, WindowEmbeddings, SkipReason, SpeakerEmbedder } from './types.js';
export { DEFAULT_EMBEDDING_CONFIG, validateEmbeddingConfig, type EmbeddingConfig } from './config.js';
export { OnnxVoiceEncoder, defaultVoiceEncoderPath, VOICE_ENCODER_MODEL_FILE, type VoiceEncoderOptions } from './onnxVoiceEncoder.js';
export { embedUtterance, embedWindows, type EmbedOptions } from './embed.js';
export { CampPlusEmbedder, type CampPlusOptions } from './campplus.js';
export { CampPlusThread } from './campplusThread.js';
export { computePartialSlices, roundHalfEven, type PartialSlice } from './partials.js';
export { readOnnxMetadata } from '../runtime/onnxMetadata.js';
