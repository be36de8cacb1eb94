/**
 * The two speaker models the engine runs on every speech window:
 *  - CAM++ (3D-Speaker) tells speakers apart: models/speaker-lda.json (LDA + PLDA) is trained
 *    on its embeddings. It separates voices far better than GE2E, most of all in noise
 *    (bench/eval-embeddings.ts), but its embeddings carry less of the speaker's sex.
 *  - The GE2E voice encoder (Resemblyzer) tells the sex: models/sex-classifier.json is trained
 *    on its embeddings (98.85 % of 262 speakers leave-speakers-out, against 94.66 % on CAM++).
 * tools/train-models.ts trains each consumer on its model; the engine checks the dimensions.
 */
import { CAMPPLUS_MODEL_FILE, OnnxCampPlus } from './onnxCampPlus.js';
import { OnnxVoiceEncoder, VOICE_ENCODER_MODEL_FILE } from './onnxVoiceEncoder.js';
import type { EmbeddingModel } from './types.js';

export const SPEAKER_EMBEDDING_MODEL_FILE = CAMPPLUS_MODEL_FILE;
export const SEX_EMBEDDING_MODEL_FILE = VOICE_ENCODER_MODEL_FILE;

export function createSpeakerEmbeddingModel(options: { threads?: number } = {}): Promise<EmbeddingModel> {
  return OnnxCampPlus.create(options);
}

export function createSexEmbeddingModel(options: { threads?: number } = {}): Promise<EmbeddingModel> {
  return OnnxVoiceEncoder.create(options);
}
