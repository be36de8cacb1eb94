/**
 * Train the two small models that sit on top of the voice encoder:
 *   models/speaker-lda.json     - LDA projection used before clustering, with the PLDA model
 *                                 (per-dimension within/between-speaker variances) of merging
 *   models/sex-classifier.json  - logistic regression over the encoder's mean LSTM states (hidden_mean)
 *
 *   npx tsx tools/simulate-conversations.ts --set train --count 600 --out bench/results/sim-train
 *   npx tsx tools/train-models.ts [--sim bench/results/sim-train] [--lda-dim N] [--shrinkage 0.1]
 * --lda-dim defaults to the number of training speakers minus one: every discriminant direction
 * they define (beyond it the between-speaker scatter is zero): 132 for 133 speakers. On the
 * calibration conversations it beat 100 (98.3 % against 97.0 % exact counts); 120, 150, 200
 * and 256, tried with an earlier set of training conversations, were within two files of it.
 *   npx tsx tools/train-models.ts --manifest-only   (refresh the manifest entries only)
 *
 * Data: the train-split LibriSpeech readers of ../shared/data (tools/lib/shared-data.ts:
 * readerSplit) with noise-augmented copies (white, pink, brown at 5-20 dB SNR), plus the AMI
 * speakers (sex = first letter of the id). Calibration and test readers are never used.
 * Features: the engine's own window embeddings (1.6 s windows, hop 0.8 s). The LDA/PLDA also
 * learns from the engine's windows of simulated conversations of the same train readers
 * (--sim; tools/lib/sim-windows.ts says why); the sex classifier does not use them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { OnnxVoiceEncoder } from '../src/embedding/index.js';
import { SpeakerProjection, type SpeakerProjectionFile } from '../src/clustering/projection.js';
import { SexClassifier, trainLogistic, type SexModelFile } from '../src/sex/index.js';
import { collectSpeakerWindows, stackSexRows, type SpeakerWindows } from './lib/sex-data.js';
import { SEX_INPUT, SEX_L2 } from './lib/sex-hparams.js';
import { REPO_ROOT } from './lib/shared-data.js';
import { recordTrainedModel } from './lib/manifest.js';
import { collectSimWindows, type SimWindows } from './lib/sim-windows.js';
import { createEngine } from '../src/pipeline/index.js';

const argv = process.argv.slice(2);
const flag = (name: string, dflt: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
const LDA_DIM_FLAG = flag('--lda-dim', 0);
const SHRINKAGE = flag('--shrinkage', 0.1);
const SIM_DIR = argv.includes('--sim') ? argv[argv.indexOf('--sim') + 1] : path.join(REPO_ROOT, 'bench/results/sim-train');

/** Rows of one speaker: clean windows then noisy copies. */
function speakerRows(s: SpeakerWindows, dim: number): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let i = 0; i < s.n; i++) rows.push(s.embeddings.subarray(i * dim, (i + 1) * dim));
  for (let i = 0; i < (s.noisyN ?? 0); i++) rows.push(s.noisy!.subarray(i * dim, (i + 1) * dim));
  return rows;
}

/**
 * Two-covariance PLDA in the LDA output space, on the same training windows projected and
 * length-normalised to sqrt(outDim) (src/clustering/plda.ts says why): per dimension, the
 * pooled within-speaker variance and the variance of the speaker means (unweighted, so long
 * readers do not dominate). Diagonal because LDA diagonalises both scatters (before length
 * normalisation exactly, after it nearly); phi is the between/within ratio.
 */
export function trainPlda(classes: Float32Array[][], lda: Pick<SpeakerProjectionFile, 'inputDim' | 'outputDim' | 'mean' | 'matrix'>): SpeakerProjectionFile['plda'] {
  const { inputDim: di, outputDim: dk, mean, matrix } = lda;
  const within = new Float64Array(dk);
  const means: Float64Array[] = [];
  let total = 0;
  for (const rows of classes) {
    const proj = rows.map((r) => {
      const out = new Float64Array(dk);
      for (let a = 0; a < di; a++) {
        const x = r[a] - mean[a];
        for (let k = 0; k < dk; k++) out[k] += x * matrix[a * dk + k];
      }
      let norm = 0;
      for (let k = 0; k < dk; k++) norm += out[k] * out[k];
      const f = Math.sqrt(dk / (norm || 1));
      for (let k = 0; k < dk; k++) out[k] *= f;
      return out;
    });
    const mu = new Float64Array(dk);
    for (const p of proj) for (let k = 0; k < dk; k++) mu[k] += p[k] / proj.length;
    for (const p of proj) for (let k = 0; k < dk; k++) within[k] += (p[k] - mu[k]) ** 2;
    total += proj.length;
    means.push(mu);
  }
  const gmean = new Float64Array(dk);
  for (const mu of means) for (let k = 0; k < dk; k++) gmean[k] += mu[k] / means.length;
  const between = new Float64Array(dk);
  for (const mu of means) for (let k = 0; k < dk; k++) between[k] += (mu[k] - gmean[k]) ** 2 / means.length;
  const r7 = (x: number) => Number(x.toPrecision(7));
  return {
    mean: Array.from(gmean, r7),
    withinStd: Array.from(within, (w) => r7(Math.sqrt(w / total))),
    phi: Array.from(between, (b, k) => r7(b / (within[k] / total))),
  };
}

export function trainLda(classes: Float32Array[][], dim: number, outDim: number, shrinkage: number): SpeakerProjectionFile {
  const all = classes.flat();
  const n = all.length;
  const mean = new Float64Array(dim);
  for (const r of all) for (let d = 0; d < dim; d++) mean[d] += r[d] / n;
  const sw = Matrix.zeros(dim, dim);
  const sb = Matrix.zeros(dim, dim);
  for (const rows of classes) {
    const mu = new Float64Array(dim);
    for (const r of rows) for (let d = 0; d < dim; d++) mu[d] += r[d] / rows.length;
    for (const r of rows) {
      for (let a = 0; a < dim; a++) {
        const xa = r[a] - mu[a];
        for (let b = a; b < dim; b++) sw.set(a, b, sw.get(a, b) + (xa * (r[b] - mu[b])) / n);
      }
    }
    for (let a = 0; a < dim; a++) {
      const da = mu[a] - mean[a];
      for (let b = a; b < dim; b++) sb.set(a, b, sb.get(a, b) + (rows.length * da * (mu[b] - mean[b])) / n);
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) {
    sw.set(a, b, sw.get(b, a));
    sb.set(a, b, sb.get(b, a));
  }
  // Shrink the within-class scatter toward its average variance: 256 dimensions from ~140
  // speakers is too few to trust its smallest eigenvalues.
  const tr = sw.trace() / dim;
  const swS = sw.mul(1 - shrinkage).add(Matrix.eye(dim, dim).mul(shrinkage * tr));
  const e1 = new EigenvalueDecomposition(swS, { assumeSymmetric: true });
  const v = e1.eigenvectorMatrix;
  const invSqrt = Matrix.diag(e1.realEigenvalues.map((l) => 1 / Math.sqrt(Math.max(l, 1e-12))));
  const w = v.mmul(invSqrt).mmul(v.transpose());
  const m = w.mmul(sb).mmul(w);
  const e2 = new EigenvalueDecomposition(m.add(m.transpose()).mul(0.5), { assumeSymmetric: true });
  const order = e2.realEigenvalues.map((l, i) => [l, i] as const).sort((p, q) => q[0] - p[0]).slice(0, outDim).map(([, i]) => i);
  const u = e2.eigenvectorMatrix;
  const uk = new Matrix(dim, outDim);
  for (let r = 0; r < dim; r++) for (let c = 0; c < outDim; c++) uk.set(r, c, u.get(r, order[c]));
  const proj = w.mmul(uk);
  const matrix: number[] = [];
  for (let r = 0; r < dim; r++) for (let c = 0; c < outDim; c++) matrix.push(Number(proj.get(r, c).toPrecision(7)));
  const file = {
    inputDim: dim,
    outputDim: outDim,
    mean: Array.from(mean, (x) => Number(x.toPrecision(7))),
    matrix,
  };
  return { format: 'count-speakers/lda@2', ...file, plda: trainPlda(classes, file), trainedOn: {} };
}

function recordBoth(): void {
  // From the written file, so that --manifest-only describes the shipped model too.
  const lda = JSON.parse(readFileSync(path.join(REPO_ROOT, 'models/speaker-lda.json'), 'utf8')) as SpeakerProjectionFile;
  const ldaDim = lda.outputDim;
  const simFiles = (lda.trainedOn.simulatedConversations as { files: number } | undefined)?.files ?? 0;
  recordTrainedModel('speaker-lda', 'speaker-lda.json', {
    format: 'count-speakers/lda@2',
    inputs: [{ name: 'embedding', type: 'float32', shape: ['n', 256] }],
    outputs: [
      { name: 'projected', type: 'float32', shape: ['n', ldaDim], note: 'L2-normalised, cosine distance for AHC' },
      { name: 'plda', type: 'float64', shape: ['n', ldaDim], note: '(projected * sqrt(outputDim) - plda.mean) / plda.withinStd; between-speaker variances plda.phi' },
    ],
    sampleRateHz: 16000,
  }, [
    `the engine's windows of ${simFiles} simulated conversations of the same train readers (tools/simulate-conversations.ts --set train: synthetic music and brown noise beds, not the benchmark's MUSAN clips)`,
  ]);
  recordTrainedModel('sex-classifier', 'sex-classifier.json', {
    format: 'count-speakers/sex-logistic@1',
    inputs: [{ name: 'hidden_mean', type: 'float32', shape: ['n', 512], note: "voice-encoder.onnx's hidden_mean output per window" }],
    outputs: [{ name: 'logitF', type: 'float32', shape: ['n'], note: 'log-odds of female; a speaker averages its windows' }],
    sampleRateHz: 16000,
  });
}

if (argv.includes('--manifest-only')) {
  recordBoth();
  process.exit(0);
}

const model = await OnnxVoiceEncoder.create({ threads: 2 });
try {
  const speakers = (await collectSpeakerWindows(model, { augment: true })).filter((s) => s.split === 'train' && s.n > 0);
  const dim = model.dim;
  const summary = (windows: number) => ({
    producedBy: 'tools/train-models.ts',
    librispeechReaders: speakers.filter((s) => s.source === 'librispeech').length,
    amiSpeakers: speakers.filter((s) => s.source === 'ami').length,
    female: speakers.filter((s) => s.sex === 'F').length,
    male: speakers.filter((s) => s.sex === 'M').length,
    windows,
    augmentation: 'white, pink and brown noise at 5-20 dB SNR on LibriSpeech readers',
    readers: 'LibriSpeech train split only (id % 10 in 3..7); calibration and test readers excluded',
  });

  // The sex classifier reads the encoder's mean LSTM states (hidden_mean), which keep the sex of
  // a voice under noise far better than the embedding (bench/eval-sex.ts --noisy). It learns
  // from clean windows only: with the noisy copies the embedding-based classifier's
  // leave-speakers-out accuracy fell from 98.85 % to 97.71 % at best.
  const sexDim = model.hiddenMeanDim;
  const { rows, y, n: cleanWindows } = stackSexRows(speakers, sexDim, false, SEX_INPUT);
  const lr = trainLogistic(rows, cleanWindows, sexDim, y, { l2: SEX_L2, iterations: 30 });
  const round = (a: number[]) => a.map((v) => Number(v.toPrecision(7)));
  const sexFile: SexModelFile = {
    format: 'count-speakers/sex-logistic@1',
    positive: 'F',
    embeddingModel: 'voice-encoder.onnx',
    input: SEX_INPUT,
    embeddingDim: sexDim,
    model: { mean: round(lr.mean), std: round(lr.std), weights: round(lr.weights), bias: Number(lr.bias.toPrecision(7)) },
    trainedOn: { ...summary(cleanWindows), augmentation: 'none (clean windows only)', l2: SEX_L2 },
  };

  // The engine collects the simulated conversations' windows (VAD, window plan, embeddings),
  // which do not depend on the LDA or the sex classifier; it is given the ones trained here
  // (an LDA of the utterance rows alone) so that training never reads the files it rewrites
  // and works when they are absent.
  const utteranceClasses = speakers.map((s) => speakerRows(s, dim));
  const ldaDim = LDA_DIM_FLAG > 0 ? LDA_DIM_FLAG : Math.min(dim, speakers.length - 1);
  const provisional = SpeakerProjection.fromFile(trainLda(utteranceClasses, dim, ldaDim, SHRINKAGE));
  // The engine borrows this encoder (one ONNX session); its dispose leaves the encoder alone.
  const engine = await createEngine({ threads: 2, encoder: model, projection: provisional, sex: SexClassifier.fromModel(sexFile) });
  let sim: SimWindows;
  try {
    sim = await collectSimWindows(engine, SIM_DIR, { onFile: (k, n) => void (k % 100 === 0 && process.stderr.write(`simulated conversations: ${k}/${n}\n`)) });
  } finally {
    await engine.dispose();
  }
  const classes = utteranceClasses.map((rows, i) => rows.concat(sim.bySpeaker.get(speakers[i].speaker) ?? []));
  const windows = classes.reduce((a, c) => a + c.length, 0);
  const lda = trainLda(classes, dim, ldaDim, SHRINKAGE);
  lda.trainedOn = {
    ...summary(windows),
    simulatedConversations: {
      files: sim.files,
      windows: sim.windows,
      pureWindows: sim.kept,
      purity: sim.purity,
      producedBy: `tools/simulate-conversations.ts --set train --count ${sim.files}`,
      beds: 'synthetic music (makeMusic), brown noise, white noise or none',
    },
    shrinkage: SHRINKAGE,
  };
  writeFileSync(path.join(REPO_ROOT, 'models/speaker-lda.json'), JSON.stringify(lda) + '\n');
  writeFileSync(path.join(REPO_ROOT, 'models/sex-classifier.json'), JSON.stringify(sexFile) + '\n');
  recordBoth();
  process.stdout.write(`trained on ${speakers.length} speakers, ${windows} windows: models/speaker-lda.json (${dim}->${ldaDim}), models/sex-classifier.json\n`);
} finally {
  await model.dispose();
}
