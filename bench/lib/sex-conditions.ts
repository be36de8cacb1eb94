/**
 * `npm run eval:sex -- [--json out.json] [--features a,b] [--l2 N] [--compare] [--train-chunks C] [--test-chunks C] [--train-pool P]`
 *
 * Leave-speakers-out (5 folds by speaker id) accuracy per speaker of the chunk sex model
 * (src/sex/model.ts) under film-like conditions. Speakers, chunks, degradations and folds are
 * tools/lib/sex-chunks.ts's: each test speaker's music is a bed its fold's model never heard.
 * Each fold trains on the other speakers' chunks clean, in rooms, in the telephone band and in
 * three synthetic training copies (tools/lib/sex-cv.ts TRAIN_CONDITIONS: no real music bed; with
 * --train-beds also under the other folds' beds); a speaker is decided by the chunk-seconds-weighted mean log-odds of its
 * chunks under the condition, as SexModel.decide does.
 *   --features  feature blocks (default: the shipped models/sex-model.json's)
 *   --l2        L2 penalty (default: the shipped model's)
 *   --train-beds  train the folds on the real-bed conditions of the training speakers too
 *   --compare   also print the table for other feature sets (the comparison that chose the blocks)
 *   --train-chunks  chunks the folds learn from: 'original' or chunkSec[:hopSec] (default: the
 *               shipped model's, tools/lib/sex-hparams.ts)
 *   --test-chunks   chunks a tested speaker is decided from (default: original, ~4 s pieces)
 *   --train-pool  all (default) | train+calib | train: the folds learn only from these speakers
 *               (LibriSpeech splits of tools/lib/shared-data.ts, plus AMI); every speaker is scored
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEX_CHUNK_MODEL_URL, SEX_BLOCK_DIMS, type SexChunkModelFile, type SexFeatureBlock } from '../../src/sex/model.js';
import {
  AUGMENT_COPIES,
  chunkFeatures,
  chunkingLabel,
  collectSexSpeakers,
  CONDITION_LABELS,
  EVAL_CONDITIONS,
  musicBeds,
  SEX_FOLDS,
  type ChunkFeatures,
  type EvalCondition,
  type SexChunking,
  type SexCondition,
  type SexSpeaker,
} from '../../tools/lib/sex-chunks.js';
import {
  accuracyByCondition,
  calibrationReport,
  crossValidateSex,
  fitCalibration,
  logLossByCondition,
  TRAIN_CONDITIONS,
  TRAIN_CONDITIONS_WITH_BEDS,
  type ChunkedSpeakers,
} from '../../tools/lib/sex-cv.js';
import { SEX_MODEL_BLOCKS, SEX_MODEL_CHUNKING, SEX_MODEL_L2 } from '../../tools/lib/sex-hparams.js';
import { readerSplit } from '../../tools/lib/shared-data.js';

function shippedDefaults(): { blocks: SexFeatureBlock[]; l2: number; chunking: SexChunking | null } {
  try {
    const f = JSON.parse(readFileSync(fileURLToPath(DEFAULT_SEX_CHUNK_MODEL_URL), 'utf8')) as SexChunkModelFile;
    return { blocks: f.blocks, l2: Number(f.trainedOn.l2), chunking: (f.trainedOn.chunking as SexChunking | undefined) ?? null };
  } catch {
    return { blocks: SEX_MODEL_BLOCKS, l2: SEX_MODEL_L2, chunking: SEX_MODEL_CHUNKING };
  }
}

async function chunkedSpeakers(chunking: SexChunking | null, conditions: readonly SexCondition[]): Promise<ChunkedSpeakers> {
  const speakers = await collectSexSpeakers(chunking);
  const table = new Map<SexCondition, ChunkFeatures>();
  for (const c of conditions) {
    table.set(c, await chunkFeatures(speakers, c, (d, t) => process.stderr.write(`features ${c}: ${d}/${t}\r`)));
  }
  return { speakers, table };
}

const libriSplit = (s: SexSpeaker) => (s.source === 'librispeech' ? readerSplit(s.id.replace('libri-', '')) : null);
/** Which speakers the folds may learn from (each fold then drops its own speakers). */
const TRAIN_POOLS: Record<string, (s: SexSpeaker) => boolean> = {
  all: () => true,
  // The shipped model's pool (tools/train-sex-model.ts), and the one before it.
  'train+calib': (s) => s.source === 'ami' || (libriSplit(s) !== null && libriSplit(s) !== 'test'),
  train: (s) => s.source === 'ami' || libriSplit(s) === 'train',
};

export async function runSexConditions(argv: readonly string[]): Promise<void> {
  const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const shipped = shippedDefaults();
  const blocks = (flag('--features')?.split(',') ?? shipped.blocks) as SexFeatureBlock[];
  for (const b of blocks)
    if (!(b in SEX_BLOCK_DIMS))
      throw new Error(`--features: expected blocks among ${Object.keys(SEX_BLOCK_DIMS).join(', ')}, received ${b}`);
  const l2 = Number(flag('--l2') ?? shipped.l2);
  const jsonOut = flag('--json');
  const withBeds = argv.includes('--train-beds');

  const chunkingFlag = (name: string, fallback: SexChunking | null): SexChunking | null => {
    const v = flag(name);
    if (v === undefined) return fallback;
    if (v === 'original') return null;
    const [chunkSec, hopSec = chunkSec] = v.split(':').map(Number);
    if (!(chunkSec >= 0.5 && chunkSec <= 10 && hopSec > 0 && hopSec <= chunkSec))
      throw new Error(
        `${name}: expected 'original' or chunkSec[:hopSec] with 0.5 <= chunkSec <= 10 and 0 < hopSec <= chunkSec, received ${v}`,
      );
    return { chunkSec, hopSec };
  };
  const trainChunking = chunkingFlag('--train-chunks', shipped.chunking);
  const testChunking = chunkingFlag('--test-chunks', null);
  const trainPool = flag('--train-pool') ?? 'all';
  if (!(trainPool in TRAIN_POOLS))
    throw new Error(`--train-pool: expected one of ${Object.keys(TRAIN_POOLS).join(', ')}, received ${trainPool}`);
  const sameChunks = JSON.stringify(trainChunking) === JSON.stringify(testChunking);
  // Another chunking learnt from needs its training conditions only.
  const trainConditions = withBeds || sameChunks ? [...EVAL_CONDITIONS, ...AUGMENT_COPIES] : TRAIN_CONDITIONS;
  const chunked = await chunkedSpeakers(trainChunking, trainConditions);
  const train = { speakers: chunked.speakers.filter(TRAIN_POOLS[trainPool]), table: chunked.table };
  const test = sameChunks ? chunked : await chunkedSpeakers(testChunking, EVAL_CONDITIONS);
  const speakers = test.speakers;
  const beds = await musicBeds();
  const evaluated = speakers.filter((s) => s.evaluated);
  const count = (src: string) => evaluated.filter((s) => s.source === src).length;
  process.stdout.write(
    `sex by speaker, leave-speakers-out (${SEX_FOLDS} folds), ${evaluated.length} speakers (LibriSpeech ${count('librispeech')}, librispeech-long ${count('librispeech-long')}, AMI >= 2 s ${count('ami')}, sessions ${count('sessions')}), ` +
      `tested on ${speakers.reduce((a, s) => a + s.chunks.length, 0)} chunks (${chunkingLabel(testChunking)}), trained on ${train.speakers.reduce((a, s) => a + s.chunks.length, 0)} of ${train.speakers.length} speakers (${chunkingLabel(trainChunking)}, pool ${trainPool})\n` +
      `music: fold k's speakers hear bed ${beds.map((b, k) => `${k}=${b.name}`).join(', ')}; ` +
      `${withBeds ? 'its model was trained on the other four' : 'no model was trained on any of them (synthetic music only)'}\n`,
  );

  const run = (bl: SexFeatureBlock[], penalty: number, beds = withBeds) => {
    const cv = crossValidateSex(train, bl, penalty, beds ? TRAIN_CONDITIONS_WITH_BEDS : TRAIN_CONDITIONS, test);
    const cal = fitCalibration(speakers, cv);
    return {
      acc: accuracyByCondition(speakers, cv),
      cal,
      calReport: calibrationReport(speakers, cv, cal),
      logLoss: logLossByCondition(speakers, cv, cal),
    };
  };
  const line = (label: string, acc: ReturnType<typeof accuracyByCondition>) =>
    `${label.padEnd(34)}` + EVAL_CONDITIONS.map((c) => `${(100 * acc[c].accuracy).toFixed(1).padStart(8)}`).join('') + '\n';
  const short: Record<EvalCondition, string> = {
    clean: 'clean',
    music10: 'mus10',
    music0: 'mus0',
    reverb: 'room',
    reverb_music: 'room+mus',
    telephone: 'tel',
  };
  const header = `${'features (l2)'.padEnd(34)}` + EVAL_CONDITIONS.map((c) => short[c].padStart(8)).join('') + '\n';

  if (argv.includes('--compare')) {
    process.stdout.write(`\ncomparison (accuracy %, same folds):\n${header}`);
    const sets: SexFeatureBlock[][] = [['hidden_mean'], ['campplus'], ['hidden_mean', 'campplus']];
    for (const bl of sets)
      for (const penalty of [10, 100, 1000]) process.stdout.write(line(`${bl.join('+')} (${penalty})`, run(bl, penalty).acc));
    if (sameChunks || withBeds)
      for (const penalty of [10, 100]) process.stdout.write(line(`${blocks.join('+')} (${penalty}) +beds`, run(blocks, penalty, true).acc));
  }

  const r = run(blocks, l2);
  process.stdout.write(`\nfeatures ${blocks.join('+')}, l2 ${l2}\n`);
  process.stdout.write(`${'condition'.padEnd(34)}${'accuracy'.padStart(9)}${'speakers'.padStart(10)}${'log loss'.padStart(10)}  wrong\n`);
  for (const c of EVAL_CONDITIONS) {
    const a = r.acc[c];
    process.stdout.write(
      `${CONDITION_LABELS[c].padEnd(34)}${(100 * a.accuracy).toFixed(2).padStart(8)}%${String(a.speakers).padStart(10)}${r.logLoss[c].toFixed(3).padStart(10)}  ${a.wrong.join(' ')}\n`,
    );
  }
  process.stdout.write(
    `targets: >= 99 % clean, >= 98 % in every condition\n` +
      `confidence (Platt on these out-of-fold scores, scale ${r.cal.scale.toFixed(3)}, bias ${r.cal.bias.toFixed(3)}): ECE ${r.calReport.ece.toFixed(3)}, log loss ${r.calReport.logLoss.toFixed(3)}\n`,
  );
  if (jsonOut) {
    const conditions = Object.fromEntries(EVAL_CONDITIONS.map((c) => [c, { accuracy: r.acc[c].accuracy, speakers: r.acc[c].speakers }]));
    writeFileSync(jsonOut, JSON.stringify({ conditions }, null, 1) + '\n');
  }
}
