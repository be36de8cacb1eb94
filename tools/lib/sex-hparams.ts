/** L2 penalty of the sex classifier, chosen by bench/eval-sex.ts's cross-validation sweep. */
export const SEX_L2 = 100;
