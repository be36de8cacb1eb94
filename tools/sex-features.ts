/**
 * Compute (or load) the cached chunk features of the sex model for the given conditions:
 *   npx tsx tools/sex-features.ts [clean,music10,...]   (default: every evaluation condition and training copy)
 * for the original cut (what eval:sex tests) and for the shipped model's chunks
 * (tools/lib/sex-hparams.ts SEX_MODEL_CHUNKING, its training conditions). bench/eval-sex.ts and
 * tools/train-sex-model.ts call the same code; running this first (niced, in the background)
 * only fills the cache.
 */
import {
  AUGMENT_COPIES,
  chunkFeatures,
  collectSexSpeakers,
  EVAL_CONDITIONS,
  type SexChunking,
  type SexCondition,
} from './lib/sex-chunks.js';
import { TRAIN_CONDITIONS } from './lib/sex-cv.js';
import { SEX_MODEL_CHUNKING } from './lib/sex-hparams.js';

const arg = process.argv[2];
const conditions = (arg ? arg.split(',') : [...EVAL_CONDITIONS, ...AUGMENT_COPIES]) as SexCondition[];
const sets: { chunking: SexChunking | null; conditions: SexCondition[] }[] = [{ chunking: null, conditions }];
if (SEX_MODEL_CHUNKING !== null)
  sets.push({ chunking: SEX_MODEL_CHUNKING, conditions: conditions.filter((c) => TRAIN_CONDITIONS.includes(c)) });
for (const set of sets) {
  const speakers = await collectSexSpeakers(set.chunking);
  for (const c of set.conditions) {
    const t0 = Date.now();
    await chunkFeatures(speakers, c, (done, total) => process.stderr.write(`${c}: ${done}/${total}\r`));
    process.stderr.write(`${c}: done in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  }
}
