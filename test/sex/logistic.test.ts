import { describe, expect, it } from 'vitest';
import { trainLogistic, sigmoid } from '../../src/sex/index.js';

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
});

describe('trainLogisticLbfgs', () => {
  it('reaches the same solution as Newton', async () => {
    const { trainLogisticLbfgs } = await import('../../src/sex/logistic.js');
    const n = 300;
    const dim = 4;
    const rows = new Float32Array(n * dim);
    const y = new Uint8Array(n);
    let s = 3;
    const rand = () => {
      s = (s * 16807) % 2147483647;
      return s / 2147483647 - 0.5;
    };
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
