import type { SexInput } from '../../src/sex/index.js';

/** Encoder output the sex classifier reads (bench/eval-sex.ts --input compares them). */
export const SEX_INPUT: SexInput = 'hidden_mean';
/** L2 penalty of the sex classifier, chosen by bench/eval-sex.ts's cross-validation sweep. */
export const SEX_L2 = 1000;
