/**
 * L2-regularised binary logistic regression on standardised features, trained by
 * Newton's method (IRLS). Small (256 features, a few thousand rows) and deterministic,
 * so a hand-written solver is simpler than a dependency.
 */

export interface LogisticModel {
  /** Per-feature mean and standard deviation used to standardise inputs. */
  mean: number[];
  std: number[];
  weights: number[];
  bias: number;
}

export interface TrainOptions {
  /** L2 penalty on weights (not the bias). */
  l2: number;
  iterations: number;
}

/**
 * Standardise the rows (population mean and standard deviation per feature; a constant feature
 * keeps scale 1) and append the bias column: x is [n x p], p = dim + 1.
 */
function designMatrix(rows: Float32Array, n: number, dim: number): { mean: Float64Array; std: Float64Array; x: Float64Array; p: number } {
  const mean = new Float64Array(dim);
  const std = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d] += rows[i * dim + d];
  for (let d = 0; d < dim; d++) mean[d] /= n;
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) std[d] += (rows[i * dim + d] - mean[d]) ** 2;
  for (let d = 0; d < dim; d++) std[d] = Math.sqrt(std[d] / n) || 1;
  const p = dim + 1; // last coefficient is the bias
  const x = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) x[i * p + d] = (rows[i * dim + d] - mean[d]) / std[d];
    x[i * p + dim] = 1;
  }
  return { mean, std, x, p };
}

/** rows: [n x dim] row-major; y: 1 for the positive class. */
export function trainLogistic(rows: Float32Array, n: number, dim: number, y: ArrayLike<number>, opts: TrainOptions): LogisticModel {
  const { mean, std, x, p } = designMatrix(rows, n, dim);
  const w = new Float64Array(p);
  for (let it = 0; it < opts.iterations; it++) {
    const grad = new Float64Array(p);
    const hess = new Float64Array(p * p);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < p; j++) z += x[i * p + j] * w[j];
      const mu = 1 / (1 + Math.exp(-z));
      const r = mu - y[i];
      const s = Math.max(mu * (1 - mu), 1e-9);
      for (let j = 0; j < p; j++) {
        const xij = x[i * p + j];
        grad[j] += r * xij;
        const sx = s * xij;
        for (let k = j; k < p; k++) hess[j * p + k] += sx * x[i * p + k];
      }
    }
    for (let j = 0; j < dim; j++) {
      grad[j] += opts.l2 * w[j];
      hess[j * p + j] += opts.l2;
    }
    hess[dim * p + dim] += 1e-8;
    for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) hess[j * p + k] = hess[k * p + j];
    const step = solveSymmetric(hess, grad, p);
    let maxStep = 0;
    for (let j = 0; j < p; j++) {
      w[j] -= step[j];
      maxStep = Math.max(maxStep, Math.abs(step[j]));
    }
    if (maxStep < 1e-8) break;
  }
  return {
    mean: Array.from(mean),
    std: Array.from(std),
    weights: Array.from(w.subarray(0, dim)),
    bias: w[dim],
  };
}

/** Decision value (log-odds of the positive class) of one row. */
export function logit(model: LogisticModel, row: ArrayLike<number>, offset = 0): number {
  let z = model.bias;
  const dim = model.weights.length;
  for (let d = 0; d < dim; d++) z += (model.weights[d] * (row[offset + d] - model.mean[d])) / model.std[d];
  return z;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Cholesky solve of A x = b for symmetric positive-definite A (p x p). */
function solveSymmetric(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * p + j];
      for (let k = 0; k < j; k++) s -= l[i * p + k] * l[j * p + k];
      if (i === j) l[i * p + i] = Math.sqrt(Math.max(s, 1e-12));
      else l[i * p + j] = s / l[j * p + j];
    }
  }
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * p + k] * z[k];
    z[i] = s / l[i * p + i];
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < p; k++) s -= l[k * p + i] * x[k];
    x[i] = s / l[i * p + i];
  }
  return x;
}

/**
 * The same L2-regularised logistic regression as trainLogistic, minimised by L-BFGS (10 pairs,
 * backtracking line search) instead of Newton: each step costs two passes over the rows instead
 * of a dim x dim Hessian, so 700-wide rows from thousands of chunks train in seconds.
 * Deterministic (starts from zero).
 */
export function trainLogisticLbfgs(
  rows: Float32Array,
  n: number,
  dim: number,
  y: ArrayLike<number>,
  opts: TrainOptions & { tolerance?: number },
): LogisticModel {
  const { mean, std, x, p } = designMatrix(rows, n, dim);
  const lossGrad = (w: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let z = 0;
      const o = i * p;
      for (let j = 0; j < p; j++) z += x[o + j] * w[j];
      // log(1 + exp(-s z)) with s = +-1, computed stably.
      const s = y[i] ? 1 : -1;
      const m = -s * z;
      loss += m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
      const r = 1 / (1 + Math.exp(-z)) - y[i];
      for (let j = 0; j < p; j++) g[j] += r * x[o + j];
    }
    for (let j = 0; j < dim; j++) {
      loss += 0.5 * opts.l2 * w[j] * w[j];
      g[j] += opts.l2 * w[j];
    }
    return loss;
  };
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let j = 0; j < p; j++) s += a[j] * b[j];
    return s;
  };
  const tol = opts.tolerance ?? 1e-6;
  let w = new Float64Array(p);
  let g = new Float64Array(p);
  let f = lossGrad(w, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const M = 10;
  for (let it = 0; it < opts.iterations; it++) {
    // Two-loop recursion: d = -H g.
    const q = Float64Array.from(g);
    const alpha: number[] = [];
    for (let k = S.length - 1; k >= 0; k--) {
      const a = dot(S[k], q) / dot(Y[k], S[k]);
      alpha[k] = a;
      for (let j = 0; j < p; j++) q[j] -= a * Y[k][j];
    }
    const gamma = S.length
      ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1])
      : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let j = 0; j < p; j++) q[j] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const b = dot(Y[k], q) / dot(Y[k], S[k]);
      for (let j = 0; j < p; j++) q[j] += S[k][j] * (alpha[k] - b);
    }
    const dir = q.map((v) => -v);
    const slope = dot(g, dir);
    if (!(slope < 0)) break;
    let step = 1;
    const wNew = new Float64Array(p);
    const gNew = new Float64Array(p);
    let fNew = Infinity;
    for (let ls = 0; ls < 30; ls++) {
      for (let j = 0; j < p; j++) wNew[j] = w[j] + step * dir[j];
      fNew = lossGrad(wNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(fNew < f)) break;
    const s = wNew.map((v, j) => v - w[j]);
    const yv = gNew.map((v, j) => v - g[j]);
    if (dot(s, yv) > 1e-12) {
      S.push(s);
      Y.push(yv);
      if (S.length > M) {
        S.shift();
        Y.shift();
      }
    }
    const done = (f - fNew) / Math.max(1, Math.abs(f)) < tol;
    w = wNew;
    g = gNew;
    f = fNew;
    if (done) break;
  }
  return { mean: Array.from(mean), std: Array.from(std), weights: Array.from(w.subarray(0, dim)), bias: w[dim] };
}
