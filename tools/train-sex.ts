/**
 * Train the sex classifier shipped as models/sex-classifier.json.
 *
 *   npx tsx tools/train-sex.ts
 *
 * Data: LibriSpeech readers of ../shared/data except the held-out ones (they are reserved for
 * the simulated-conversation benchmark) and all AMI speakers; features: the voice encoder's
 * window embeddings, computed by the engine's own code. Model: L2 logistic regression.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { OnnxVoiceEncoder } from '../src/embedding/index.js';
import { trainLogistic, type SexModelFile } from '../src/sex/index.js';
import { collectSpeakerWindows } from './lib/sex-data.js';
import { REPO_ROOT } from './lib/shared-data.js';
import { SEX_L2 } from './lib/sex-hparams.js';

const model = await OnnxVoiceEncoder.create({ threads: 2 });
try {
  const speakers = (await collectSpeakerWindows(model)).filter((s) => !s.heldOut && s.n > 0);
  const dim = model.dim;
  const n = speakers.reduce((a, s) => a + s.n, 0);
  const rows = new Float32Array(n * dim);
  const y = new Uint8Array(n);
  let o = 0;
  for (const s of speakers) {
    rows.set(s.embeddings, o * dim);
    y.fill(s.sex === 'F' ? 1 : 0, o, o + s.n);
    o += s.n;
  }
  const lr = trainLogistic(rows, n, dim, y, { l2: SEX_L2, iterations: 30 });
  const round = (a: number[]) => a.map((v) => Number(v.toPrecision(7)));
  const file: SexModelFile = {
    format: 'count-speakers/sex-logistic@1',
    positive: 'F',
    embeddingModel: 'voice-encoder.onnx',
    embeddingDim: dim,
    model: { mean: round(lr.mean), std: round(lr.std), weights: round(lr.weights), bias: Number(lr.bias.toPrecision(7)) },
    trainedOn: {
      producedBy: 'tools/train-sex.ts',
      l2: SEX_L2,
      windows: n,
      librispeechReaders: speakers.filter((s) => s.source === 'librispeech').length,
      amiSpeakers: speakers.filter((s) => s.source === 'ami').length,
      female: speakers.filter((s) => s.sex === 'F').length,
      male: speakers.filter((s) => s.sex === 'M').length,
      excluded: 'LibriSpeech readers with id % 10 < 3 (held out for the simulated-conversation benchmark)',
    },
  };
  const out = path.join(REPO_ROOT, 'models/sex-classifier.json');
  writeFileSync(out, JSON.stringify(file) + '\n');
  process.stdout.write(`wrote ${out}: ${speakers.length} speakers, ${n} windows\n`);
} finally {
  await model.dispose();
}
