import type { SexInput } from '../../src/sex/index.js';
import type { SexFeatureBlock } from '../../src/sex/model.js';

/** Encoder output the sex classifier reads (bench/eval-sex.ts --input compares them). */
export const SEX_INPUT: SexInput = 'hidden_mean';
/** L2 penalty of the sex classifier, chosen by bench/eval-sex.ts's cross-validation sweep. */
export const SEX_L2 = 1000;

/**
 * Feature blocks and L2 penalty of the chunk sex model (models/sex-model.json), chosen by
 * `npm run eval:sex -- --conditions --compare` (leave-speakers-out, film conditions).
 */
export const SEX_MODEL_BLOCKS: SexFeatureBlock[] = ['hidden_mean', 'campplus'];
export const SEX_MODEL_L2 = 100;
