import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SexClassifier, trainLogistic, sigmoid, type SexModelFile } from '../../src/sex/index.js';

/** Log-odds of female = the first input value. */
const TINY_MODEL: SexModelFile = {
  format: 'count-speakers/sex-logistic@1',
  positive: 'F',
  embeddingModel: 'test',
  embeddingDim: 2,
  model: { mean: [0, 0], std: [1, 1], weights: [1, 0], bias: 0 },
  trainedOn: {},
};

describe('trainLogistic', () => {
  it('separates two shifted Gaussian classes and recovers a calibrated probability', () => {
    // Deterministic two-class data in 3-D: class 1 shifted along the first axis.
    const n = 400;
    const dim = 3;
    const rows = new Float32Array(n * dim);
    const y = new Uint8Array(n);
    let s = 1;
    const rand = () => {
      s = (s * 16807) % 2147483647;
      return s / 2147483647 - 0.5;
    };
    for (let i = 0; i < n; i++) {
      y[i] = i % 2;
      rows[i * dim] = (y[i] ? 1 : -1) + rand();
      rows[i * dim + 1] = rand() * 4;
      rows[i * dim + 2] = 10 + rand();
    }
    const model = trainLogistic(rows, n, dim, y, { l2: 1e-3, iterations: 50 });
    let correct = 0;
    for (let i = 0; i < n; i++) {
      let z = model.bias;
      for (let d = 0; d < dim; d++) z += (model.weights[d] * (rows[i * dim + d] - model.mean[d])) / model.std[d];
      if ((sigmoid(z) >= 0.5 ? 1 : 0) === y[i]) correct++;
    }
    expect(correct).toBe(n);
    // The informative axis dominates the nuisance axes.
    expect(Math.abs(model.weights[0])).toBeGreaterThan(5 * Math.abs(model.weights[1]));
  });

  it('classifies a speaker by the mean log-odds of its windows', () => {
    const clf = SexClassifier.fromModel(TINY_MODEL);
    const emb = new Float32Array([2, 0, -1, 0, 3, 0]);
    const d = clf.classify(emb, [0, 1, 2]);
    expect(d.sex).toBe('F');
    expect(d.probabilityF).toBeCloseTo(sigmoid(4 / 3), 6);
    expect(clf.classify(emb, [1]).sex).toBe('M');
    expect(clf.classify(emb, [1]).confidence).toBeCloseTo(1 - sigmoid(-1), 6);
  });
});

describe('SexClassifier input', () => {
  const file = (extra: Record<string, unknown>) => JSON.stringify({ ...TINY_MODEL, ...extra });
  const write = (text: string) => {
    const p = path.join(mkdtempSync(path.join(tmpdir(), 'cs-sex-')), 'sex.json');
    writeFileSync(p, text);
    return p;
  };

  it('reads the embedding unless the file names hidden_mean', () => {
    expect(SexClassifier.load(write(file({}))).input).toBe('embedding');
    expect(SexClassifier.load(write(file({ input: 'hidden_mean' }))).input).toBe('hidden_mean');
  });

  it('checks an encoder gives the rows it reads, naming both sides', () => {
    const onHidden = SexClassifier.fromModel({ ...TINY_MODEL, input: 'hidden_mean' });
    expect(() => onHidden.requireInput({ dim: 256, hiddenMeanDim: 2 })).not.toThrow();
    expect(() => onHidden.requireInput({ dim: 2, hiddenMeanDim: 0 })).toThrow(/2-d rows of the voice encoder's hidden_mean output, received no such output/);
    expect(() => SexClassifier.fromModel(TINY_MODEL).requireInput({ dim: 256, hiddenMeanDim: 512 })).toThrow(
      expect.objectContaining({ code: 'MODEL_MISMATCH', message: expect.stringMatching(/embedding output, received a model giving 256/) }),
    );
  });

  it('rejects an unknown input naming it and the fix', () => {
    expect(() => SexClassifier.load(write(file({ input: 'pitch' })))).toThrow(/input embedding or hidden_mean.*received .*input pitch.*train-models\.ts/);
  });
});

describe('trainLogisticLbfgs', () => {
  it('reaches the same solution as Newton', async () => {
    const { trainLogisticLbfgs } = await import('../../src/sex/logistic.js');
    const n = 300;
    const dim = 4;
    const rows = new Float32Array(n * dim);
    const y = new Uint8Array(n);
    let s = 3;
    const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
    for (let i = 0; i < n; i++) {
      y[i] = rand() > 0 ? 1 : 0;
      for (let d = 0; d < dim; d++) rows[i * dim + d] = rand() * (d + 1) + (y[i] ? 0.3 * (dim - d) : 0);
    }
    const newton = trainLogistic(rows, n, dim, y, { l2: 1, iterations: 50 });
    const lbfgs = trainLogisticLbfgs(rows, n, dim, y, { l2: 1, iterations: 500, tolerance: 1e-12 });
    for (let d = 0; d < dim; d++) expect(lbfgs.weights[d]).toBeCloseTo(newton.weights[d], 4);
    expect(lbfgs.bias).toBeCloseTo(newton.bias, 4);
  });
});
