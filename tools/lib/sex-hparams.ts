import type { SexFeatureBlock } from '../../src/sex/model.js';
import type { SexChunking } from './sex-chunks.js';

/**
 * Feature blocks and L2 penalty of the chunk sex model (models/sex-model.json), chosen by
 * `npm run eval:sex -- --compare` (leave-speakers-out, film conditions).
 */
export const SEX_MODEL_BLOCKS: SexFeatureBlock[] = ['hidden_mean', 'campplus'];
export const SEX_MODEL_L2 = 100;
/** Chunks the shipped model learns from (null: the original cut of tools/lib/sex-chunks.ts). */
export const SEX_MODEL_CHUNKING: SexChunking | null = null;
