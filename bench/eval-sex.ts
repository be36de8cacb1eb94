/**
 * Sex classifier benchmark (issue #2): leave-speakers-out cross-validated accuracy per speaker
 * on LibriSpeech readers and AMI speakers with >= 2 s of speech.
 *
 *   npm run eval:sex -- [--json out.json] [--folds 10] [--sweep]
 *
 * Each fold trains the same logistic regression as tools/train-models.ts on the other speakers'
 * clean window embeddings and decides each held-out speaker by the mean log-odds of its windows.
 * --augment adds the noise-augmented copies of train-split readers to the training folds (the
 * comparison that made training use clean windows only).
 */
import { writeFileSync } from 'node:fs';
import { OnnxVoiceEncoder } from '../src/embedding/index.js';
import { logit, trainLogistic } from '../src/sex/index.js';
import { fnv1a32 } from '../src/batch/shard.js';
import { collectSpeakerWindows, stackSexRows, type SpeakerWindows } from '../tools/lib/sex-data.js';
import { SEX_L2 } from '../tools/lib/sex-hparams.js';

const argv = process.argv.slice(2);
const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const jsonOut = flag('--json');
const folds = Number(flag('--folds') ?? 10);
const sweep = argv.includes('--sweep');


function crossValidate(speakers: SpeakerWindows[], dim: number, l2: number): Map<string, boolean> {
  const right = new Map<string, boolean>();
  for (let f = 0; f < folds; f++) {
    const train = speakers.filter((s) => fnv1a32(s.speaker) % folds !== f);
    const test = speakers.filter((s) => fnv1a32(s.speaker) % folds === f);
    const { rows, y, n } = stackSexRows(train, dim, true);
    const model = trainLogistic(rows, n, dim, y, { l2, iterations: 30 });
    for (const s of test) {
      let z = 0;
      for (let i = 0; i < s.n; i++) z += logit(model, s.embeddings, i * dim);
      right.set(s.speaker, (z / s.n >= 0 ? 'F' : 'M') === s.sex);
    }
  }
  return right;
}

const encoder = await OnnxVoiceEncoder.create({ threads: 2 });
let speakers: SpeakerWindows[];
try {
  speakers = (await collectSpeakerWindows(encoder, { augment: argv.includes('--augment') })).filter((s) => s.n > 0);
} finally {
  await encoder.dispose();
}
const dim = speakers[0].embeddings.length / speakers[0].n;
const evaluated = (s: SpeakerWindows) => s.source === 'librispeech' || s.speechSec >= 2;

const report = (l2: number) => {
  const right = crossValidate(speakers, dim, l2);
  const ev = speakers.filter(evaluated);
  const acc = (list: SpeakerWindows[]) => list.filter((s) => right.get(s.speaker)).length / Math.max(1, list.length);
  const ami = ev.filter((s) => s.source === 'ami');
  const wrong = ev.filter((s) => !right.get(s.speaker)).map((s) => `${s.speaker}(${s.sex})`);
  return { l2, accuracy: acc(ev), speakers: ev.length, ami_accuracy: acc(ami), ami_speakers: ami.length, librispeech_accuracy: acc(ev.filter((s) => s.source === 'librispeech')), wrong };
};

if (sweep) {
  for (const l2 of [0.1, 1, 10, 100, 1000]) {
    const r = report(l2);
    process.stdout.write(`l2 ${l2}: accuracy ${(100 * r.accuracy).toFixed(2)}% of ${r.speakers}, AMI ${(100 * r.ami_accuracy).toFixed(1)}% of ${r.ami_speakers}\n`);
  }
}
const r = report(SEX_L2);
process.stdout.write(
  `sex accuracy (leave-speakers-out, ${folds} folds, l2 ${SEX_L2}): ${(100 * r.accuracy).toFixed(2)}% of ${r.speakers} speakers ` +
    `(LibriSpeech ${(100 * r.librispeech_accuracy).toFixed(2)}%, AMI ${(100 * r.ami_accuracy).toFixed(1)}% of ${r.ami_speakers}); target >= 98%\n` +
    (r.wrong.length ? `wrong: ${r.wrong.join(' ')}\n` : ''),
);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ accuracy: r.accuracy, speakers: r.speakers, ami_accuracy: r.ami_accuracy, ami_speakers: r.ami_speakers, librispeech_accuracy: r.librispeech_accuracy, l2: SEX_L2, folds, wrong: r.wrong }, null, 1) + '\n');
