import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../tools/lib/rng.js';
import { clusterEmbeddings, pldaClusterStats, pldaLlr, pldaMerge, toPldaSpace, validateClusteringConfig } from '../../src/clustering/index.js';
import { SpeakerProjection, type SpeakerProjectionFile } from '../../src/clustering/projection.js';
import { ModelError } from '../../src/errors/index.js';

/** Deterministic PRNG (mulberry32) so labels are exact and reproducible. */
const rng = mulberry32;
const gaussian = (r: () => number) => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());

/** Windows drawn from the PLDA model itself: speaker y ~ N(0, phi), window = y + N(0, I). */
function plda(speakerOf: number[], phi: number[], seed: number): Float64Array {
  const r = rng(seed);
  const dim = phi.length;
  const speakers = Math.max(...speakerOf) + 1;
  const y = Array.from({ length: speakers }, () => phi.map((p) => Math.sqrt(p) * gaussian(r)));
  const x = new Float64Array(speakerOf.length * dim);
  speakerOf.forEach((s, i) => phi.forEach((_, k) => (x[i * dim + k] = y[s][k] + gaussian(r))));
  return x;
}

describe('pldaMerge', () => {
  it('gives the exact log-likelihood ratio of the two-covariance model (golden, 1-D)', () => {
    // Two windows x1 = 1, x2 = 1.2, phi = 4. Same speaker: joint N(0, [[5,4],[4,5]]);
    // different speakers: two independent N(0, 5). Computed by hand from the densities.
    const phi = 4;
    const [x1, x2] = [1, 1.2];
    const det = 5 * 5 - 4 * 4;
    const quad = (5 * x1 * x1 - 2 * 4 * x1 * x2 + 5 * x2 * x2) / det;
    const logSame = -Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * quad;
    const logDiff = -Math.log(2 * Math.PI) - Math.log(5) - 0.5 * (x1 * x1 + x2 * x2) / 5;
    // By hand: det 9, quad 2.6/9, log-likelihoods -3.0809 and -3.6913.
    const llr = logSame - logDiff;
    expect(llr).toBeCloseTo(0.61038, 4);
    const x = Float64Array.from([x1, x2]);
    const phiArr = Float64Array.of(phi);
    const params = { statScale: 1, minClusters: 1, maxClusters: 10 };
    // Merged just above the ratio, kept apart just below it.
    expect(pldaMerge(x, 2, phiArr, Int32Array.of(0, 1), 2, { ...params, llrThreshold: llr - 1e-9 }).numClusters).toBe(1);
    expect(pldaMerge(x, 2, phiArr, Int32Array.of(0, 1), 2, { ...params, llrThreshold: llr + 1e-9 }).numClusters).toBe(2);
  });

  it('pldaLlr gives the same golden ratio for two one-window clusters, and weighs statScale', () => {
    const x = Float64Array.of(1, 1.2);
    const phi = Float64Array.of(4);
    const stats = pldaClusterStats(x, 2, phi, Int32Array.of(0, 1), 2, 1);
    expect(pldaLlr(stats, phi, 0, 1)).toBeCloseTo(0.61038, 4);
    expect(pldaLlr(stats, phi, 1, 0)).toBeCloseTo(pldaLlr(stats, phi, 0, 1), 12);
    // Half-weighted windows: sums 0.5 and 0.6, counts 0.5 each.
    const half = pldaClusterStats(x, 2, phi, Int32Array.of(0, 1), 2, 0.5);
    expect(Array.from(half.sums)).toEqual([0.5, 0.6]);
    expect(Array.from(half.count)).toEqual([0.5, 0.5]);
  });

  it('finds the speakers of PLDA-distributed windows with exact labels', () => {
    const truth = [0, 0, 0, 1, 1, 1, 1, 2, 2, 0, 0, 1, 2, 2, 2];
    const phi = Array.from({ length: 12 }, (_, k) => 20 / (k + 1));
    const x = plda(truth, phi, 7);
    const singletons = Int32Array.from(truth, (_, i) => i);
    const r = pldaMerge(x, truth.length, Float64Array.from(phi), singletons, truth.length, {
      llrThreshold: 0,
      statScale: 1,
      minClusters: 1,
      maxClusters: 50,
    });
    expect(Array.from(r.labels)).toEqual(truth);
    expect(r.numClusters).toBe(3);
  });

  it('stops at minClusters and keeps merging down to maxClusters', () => {
    const truth = [0, 0, 1, 1, 2, 2, 3, 3];
    const phi = [30, 30, 30, 30];
    const x = plda(truth, phi, 3);
    const init = Int32Array.from(truth, (_, i) => i);
    const p = Float64Array.from(phi);
    expect(pldaMerge(x, 8, p, init, 8, { llrThreshold: 0, statScale: 1, minClusters: 6, maxClusters: 50 }).numClusters).toBe(6);
    expect(pldaMerge(x, 8, p, init, 8, { llrThreshold: 1e9, statScale: 1, minClusters: 1, maxClusters: 2 }).numClusters).toBe(2);
  });
});

describe('clusterEmbeddings with PLDA features', () => {
  const truth = [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 2, 2, 2, 1, 1];
  const phi = Array.from({ length: 10 }, () => 25);
  const x = plda(truth, phi, 11);
  // The cosine view of the same windows (rows normalised) for the AHC step.
  const dim = phi.length;
  const pts = new Float32Array(x.length);
  for (let i = 0; i < truth.length; i++) {
    let s = 0;
    for (let k = 0; k < dim; k++) s += x[i * dim + k] ** 2;
    for (let k = 0; k < dim; k++) pts[i * dim + k] = x[i * dim + k] / Math.sqrt(s);
  }
  const features = { x, phi: Float64Array.from(phi) };

  it('over-clusters with AHC, then merges to the true speakers', () => {
    const r = clusterEmbeddings(pts, truth.length, dim, validateClusteringConfig({ threshold: 0.05, llrThreshold: 0, statScale: 1 }), features);
    expect(Array.from(r.labels)).toEqual(truth);
    expect(r.criterion).toBe('plda');
  });

  it('honours numSpeakers', () => {
    const cfg = validateClusteringConfig({ threshold: 0.05, llrThreshold: 0, statScale: 1, numSpeakers: 2 });
    expect(clusterEmbeddings(pts, truth.length, dim, cfg, features).numClusters).toBe(2);
  });

  it('clusters long inputs in blocks and joins the blocks by average linkage, with exact labels', () => {
    // 60 windows, 3 voices recurring across blocks of 20.
    const long = Array.from({ length: 60 }, (_, i) => [0, 1, 2, 1, 0][Math.floor(i / 12)]);
    const xl = plda(long, phi, 5);
    const pl = new Float32Array(xl.length);
    for (let i = 0; i < long.length; i++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += xl[i * dim + k] ** 2;
      for (let k = 0; k < dim; k++) pl[i * dim + k] = xl[i * dim + k] / Math.sqrt(s);
    }
    const cfg = validateClusteringConfig({ threshold: 0.05, llrThreshold: 0, statScale: 1, blockWindows: 20, linkThreshold: 0.6 });
    const r = clusterEmbeddings(pl, long.length, dim, cfg, { x: xl, phi: Float64Array.from(phi) });
    expect(Array.from(r.labels)).toEqual(long);
    expect(r.criterion).toBe('blocks');
    const forced = clusterEmbeddings(pl, long.length, dim, { ...cfg, numSpeakers: 2 }, { x: xl, phi: Float64Array.from(phi) });
    expect(forced.numClusters).toBe(2);
  });

  it('validates its new fields by name', () => {
    expect(() => validateClusteringConfig({ statScale: 0 })).toThrow(/clustering\.statScale.*0/);
    expect(() => validateClusteringConfig({ maxInitClusters: 1.5 })).toThrow(/clustering\.maxInitClusters/);
    expect(() => validateClusteringConfig({ blockWindows: 1 })).toThrow(/clustering\.blockWindows.*1/);
  });
});

describe('SpeakerProjection with PLDA', () => {
  it('loads the shipped model with a PLDA of the output dimension', () => {
    const p = SpeakerProjection.load();
    expect(p.plda.phi.length).toBe(p.outputDim);
    expect(p.plda.withinStd.every((v) => v > 0)).toBe(true);
    // Between-speaker variance falls along the LDA directions (sorted by discriminance).
    expect(p.plda.phi[0]).toBeGreaterThan(p.plda.phi[p.outputDim - 1]);
    const one = new Float32Array(p.inputDim).fill(0.05);
    const u = p.project(one, 1);
    const z = toPldaSpace(p.plda, u, 1);
    expect(z.every(Number.isFinite)).toBe(true);
  });

  it('rejects a model without PLDA, naming what was expected and the fix', () => {
    const file = {
      format: 'count-speakers/lda@1',
      inputDim: 2,
      outputDim: 1,
      mean: [0, 0],
      matrix: [1, 0],
      trainedOn: {},
    } as unknown as SpeakerProjectionFile;
    expect(() => SpeakerProjection.fromFile(file)).toThrow(ModelError);
    expect(() => SpeakerProjection.fromFile(file)).toThrow(/lda@2.*PLDA.*tools\/train-models\.ts/);
  });
});
