/**
 * Compute (or load) the cached chunk features of the sex model for the given conditions:
 *   npx tsx tools/sex-features.ts [clean,music10,...]   (default: every evaluation condition and training copy)
 * bench/eval-sex.ts and tools/train-sex-model.ts call the same code; running this
 * first (niced, in the background) only fills the cache.
 */
import { AUGMENT_COPIES, chunkFeatures, collectSexSpeakers, EVAL_CONDITIONS, type SexCondition } from './lib/sex-chunks.js';

const arg = process.argv[2];
const conditions = (arg ? arg.split(',') : [...EVAL_CONDITIONS, ...AUGMENT_COPIES]) as SexCondition[];
const speakers = await collectSexSpeakers();
for (const c of conditions) {
  const t0 = Date.now();
  await chunkFeatures(speakers, c, (done, total) => process.stderr.write(`${c}: ${done}/${total}\r`));
  process.stderr.write(`${c}: done in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
}
