/**
 * `npm run eval:sex -- [--json out.json] [--features a,b] [--l2 N] [--compare]`
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
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEX_CHUNK_MODEL_URL, SEX_BLOCK_DIMS, type SexChunkModelFile, type SexFeatureBlock } from '../../src/sex/model.js';
import {
  AUGMENT_COPIES,
  chunkFeatures,
  collectSexSpeakers,
  CONDITION_LABELS,
  EVAL_CONDITIONS,
  musicBeds,
  SEX_FOLDS,
  type ChunkFeatures,
  type EvalCondition,
  type SexCondition,
} from '../../tools/lib/sex-chunks.js';
import {
  accuracyByCondition,
  calibrationReport,
  crossValidateSex,
  fitCalibration,
  TRAIN_CONDITIONS,
  TRAIN_CONDITIONS_WITH_BEDS,
} from '../../tools/lib/sex-cv.js';

function shippedDefaults(): { blocks: SexFeatureBlock[]; l2: number } {
  try {
    const f = JSON.parse(readFileSync(fileURLToPath(DEFAULT_SEX_CHUNK_MODEL_URL), 'utf8')) as SexChunkModelFile;
    return { blocks: f.blocks, l2: Number(f.trainedOn.l2) };
  } catch {
    return { blocks: ['hidden_mean', 'campplus'], l2: 100 };
  }
}

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

  const speakers = await collectSexSpeakers();
  const table = new Map<SexCondition, ChunkFeatures>();
  for (const c of [...EVAL_CONDITIONS, ...AUGMENT_COPIES]) {
    table.set(c, await chunkFeatures(speakers, c, (d, t) => process.stderr.write(`features ${c}: ${d}/${t}\r`)));
  }
  const beds = await musicBeds();
  const evaluated = speakers.filter((s) => s.evaluated);
  const count = (src: string) => evaluated.filter((s) => s.source === src).length;
  process.stdout.write(
    `sex by speaker, leave-speakers-out (${SEX_FOLDS} folds), ${evaluated.length} speakers (LibriSpeech ${count('librispeech')}, librispeech-long ${count('librispeech-long')}, AMI >= 2 s ${count('ami')}, sessions ${count('sessions')}), ` +
      `${speakers.reduce((a, s) => a + s.chunks.length, 0)} chunks\n` +
      `music: fold k's speakers hear bed ${beds.map((b, k) => `${k}=${b.name}`).join(', ')}; ` +
      `${withBeds ? 'its model was trained on the other four' : 'no model was trained on any of them (synthetic music only)'}\n`,
  );

  const run = (bl: SexFeatureBlock[], penalty: number, beds = withBeds) => {
    const cv = crossValidateSex(speakers, table, bl, penalty, beds ? TRAIN_CONDITIONS_WITH_BEDS : TRAIN_CONDITIONS);
    const cal = fitCalibration(speakers, cv);
    return { acc: accuracyByCondition(speakers, cv), cal, calReport: calibrationReport(speakers, cv, cal) };
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
    for (const penalty of [10, 100]) process.stdout.write(line(`${blocks.join('+')} (${penalty}) +beds`, run(blocks, penalty, true).acc));
  }

  const r = run(blocks, l2);
  process.stdout.write(`\nfeatures ${blocks.join('+')}, l2 ${l2}\n`);
  process.stdout.write(`${'condition'.padEnd(34)}${'accuracy'.padStart(9)}${'speakers'.padStart(10)}  wrong\n`);
  for (const c of EVAL_CONDITIONS) {
    const a = r.acc[c];
    process.stdout.write(
      `${CONDITION_LABELS[c].padEnd(34)}${(100 * a.accuracy).toFixed(2).padStart(8)}%${String(a.speakers).padStart(10)}  ${a.wrong.join(' ')}\n`,
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
