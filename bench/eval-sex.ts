/**
 * Sex classifier benchmark: leave-speakers-out cross-validated accuracy per speaker
 * on LibriSpeech readers and AMI speakers with >= 2 s of speech.
 *
 *   npm run eval:sex -- [--json out.json] [--folds 10] [--sweep]
 *   npm run eval:sex -- --conditions [--json out.json] [--compare]
 *
 * --conditions evaluates the chunk sex model (src/sex/model.ts) under film conditions instead
 * (bench/lib/sex-conditions.ts says how); the rest of this file is the window classifier's.
 *
 * Each fold trains the same logistic regression as tools/train-models.ts on the other speakers'
 * clean windows and decides each held-out speaker by the mean log-odds of its windows.
 *   --input embedding|hidden_mean   which encoder output the classifier reads (default: the shipped one)
 *   --noisy     also decide each held-out LibriSpeech reader from noisy copies of its utterance
 *               (white, pink, brown at 5-20 dB SNR; the comparison that chose hidden_mean)
 *   --augment   add the noise-augmented copies of train-split readers to the training folds (the
 *               comparison that made training use clean windows only)
 */
import { writeFileSync } from 'node:fs';
import { OnnxVoiceEncoder } from '../src/embedding/index.js';
import { logit, trainLogistic, type LogisticModel, type SexInput } from '../src/sex/index.js';
import { fnv1a32 } from '../src/batch/shard.js';
import { collectSpeakerWindows, sexFeatures, stackSexRows, type SpeakerWindows } from '../tools/lib/sex-data.js';
import { SEX_INPUT, SEX_L2 } from '../tools/lib/sex-hparams.js';

const argv = process.argv.slice(2);
if (argv.includes('--conditions')) {
  const { runSexConditions } = await import('./lib/sex-conditions.js');
  await runSexConditions(argv);
  process.exit(0);
}
const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const jsonOut = flag('--json');
const folds = Number(flag('--folds') ?? 10);
const sweep = argv.includes('--sweep');


const input = (flag('--input') ?? SEX_INPUT) as SexInput;
if (input !== 'embedding' && input !== 'hidden_mean') throw new Error(`--input must be embedding or hidden_mean, received ${input}`);
const augment = argv.includes('--augment');
const noisy = argv.includes('--noisy');

/** Per speaker: right on its clean windows, and (with --noisy) on its noise-augmented copies. */
function crossValidate(speakers: SpeakerWindows[], dim: number, l2: number): { clean: Map<string, boolean>; noisy: Map<string, boolean> } {
  const clean = new Map<string, boolean>();
  const noisyRight = new Map<string, boolean>();
  const decide = (model: LogisticModel, rows: Float32Array, n: number) => {
    let z = 0;
    for (let i = 0; i < n; i++) z += logit(model, rows, i * dim);
    return z / n >= 0 ? 'F' : 'M';
  };
  for (let f = 0; f < folds; f++) {
    const train = speakers.filter((s) => fnv1a32(s.speaker) % folds !== f);
    const test = speakers.filter((s) => fnv1a32(s.speaker) % folds === f);
    // --augment trains on the train-split readers' noisy copies too; with --noisy every reader
    // has copies, and the others' must stay out of training.
    const withCopies = augment ? train.map((s) => (s.split === 'train' ? s : { ...s, noisyN: 0 })) : train;
    const { rows, y, n } = stackSexRows(withCopies, dim, augment, input);
    const model = trainLogistic(rows, n, dim, y, { l2, iterations: 30 });
    for (const s of test) {
      clean.set(s.speaker, decide(model, sexFeatures(s, input), s.n) === s.sex);
      if (noisy && s.noisyN) noisyRight.set(s.speaker, decide(model, sexFeatures(s, input, true), s.noisyN) === s.sex);
    }
  }
  return { clean, noisy: noisyRight };
}

const encoder = await OnnxVoiceEncoder.create({ threads: 2 });
let speakers: SpeakerWindows[];
try {
  speakers = (await collectSpeakerWindows(encoder, { augment: noisy ? 'all' : augment })).filter((s) => s.n > 0);
} finally {
  await encoder.dispose();
}
const dim = sexFeatures(speakers[0], input).length / speakers[0].n;
const evaluated = (s: SpeakerWindows) => s.source === 'librispeech' || s.speechSec >= 2;

const report = (l2: number) => {
  const { clean: right, noisy: noisyRight } = crossValidate(speakers, dim, l2);
  const noisyAccuracy = noisyRight.size ? [...noisyRight.values()].filter(Boolean).length / noisyRight.size : null;
  const ev = speakers.filter(evaluated);
  const acc = (list: SpeakerWindows[]) => list.filter((s) => right.get(s.speaker)).length / Math.max(1, list.length);
  const ami = ev.filter((s) => s.source === 'ami');
  const wrong = ev.filter((s) => !right.get(s.speaker)).map((s) => `${s.speaker}(${s.sex})`);
  return { l2, accuracy: acc(ev), speakers: ev.length, ami_accuracy: acc(ami), ami_speakers: ami.length, librispeech_accuracy: acc(ev.filter((s) => s.source === 'librispeech')), wrong, noisyAccuracy, noisySpeakers: noisyRight.size };
};

if (sweep) {
  for (const l2 of [0.1, 1, 10, 100, 1000, 3000, 10000]) {
    const r = report(l2);
    process.stdout.write(
      `l2 ${l2}: accuracy ${(100 * r.accuracy).toFixed(2)}% of ${r.speakers}, AMI ${(100 * r.ami_accuracy).toFixed(1)}% of ${r.ami_speakers}` +
        (r.noisyAccuracy !== null ? `, noisy readers ${(100 * r.noisyAccuracy).toFixed(2)}% of ${r.noisySpeakers}` : '') +
        '\n',
    );
  }
}
const r = report(SEX_L2);
process.stdout.write(
  `sex accuracy (leave-speakers-out, ${folds} folds, input ${input}, l2 ${SEX_L2}): ${(100 * r.accuracy).toFixed(2)}% of ${r.speakers} speakers ` +
    `(LibriSpeech ${(100 * r.librispeech_accuracy).toFixed(2)}%, AMI ${(100 * r.ami_accuracy).toFixed(1)}% of ${r.ami_speakers}); target >= 98%\n` +
    (r.noisyAccuracy !== null ? `under noise (each reader's copies with white, pink and brown noise at 5-20 dB SNR): ${(100 * r.noisyAccuracy).toFixed(2)}% of ${r.noisySpeakers} readers\n` : '') +
    (r.wrong.length ? `wrong: ${r.wrong.join(' ')}\n` : ''),
);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ accuracy: r.accuracy, speakers: r.speakers, ami_accuracy: r.ami_accuracy, ami_speakers: r.ami_speakers, librispeech_accuracy: r.librispeech_accuracy, l2: SEX_L2, input, folds, wrong: r.wrong, noisy_accuracy: r.noisyAccuracy }, null, 1) + '\n');
