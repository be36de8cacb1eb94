export type { EmbeddingModel, EmbeddingWindow, WindowEmbeddings, SkipReason } from './types.js';
export { DEFAULT_EMBEDDING_CONFIG, validateEmbeddingConfig, type EmbeddingConfig } from './config.js';
export { OnnxCampPlus, defaultCampPlusPath, CAMPPLUS_MODEL_FILE, type CampPlusOptions } from './onnxCampPlus.js';
export { OnnxVoiceEncoder, defaultVoiceEncoderPath, VOICE_ENCODER_MODEL_FILE, type VoiceEncoderOptions } from './onnxVoiceEncoder.js';
export { embedUtterance, embedWindows, embedWindowMels, windowMels, windowSegments, type EmbedOptions } from './embed.js';
export { computePartialSlices, roundHalfEven, type PartialSlice } from './partials.js';
export { readOnnxMetadata } from './onnxMetadata.js';
export { createSexEmbeddingModel, createSpeakerEmbeddingModel, SEX_EMBEDDING_MODEL_FILE, SPEAKER_EMBEDDING_MODEL_FILE } from './default.js';
