import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../tools/lib/rng.js';
import {
  averageLinkage,
  clusterCentroids,
  clusterEmbeddings,
  cutDendrogram,
  validateClusteringConfig,
} from '../../src/clustering/index.js';
import { ConfigError } from '../../src/errors/index.js';

/** Deterministic PRNG (mulberry32) so labels are exact and reproducible. */
const rng = mulberry32;

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

function normalise(v: Float32Array, o: number, dim: number): void {
  let s = 0;
  for (let d = 0; d < dim; d++) s += v[o + d] ** 2;
  s = Math.sqrt(s);
  for (let d = 0; d < dim; d++) v[o + d] /= s;
}

/** Points around `centres` random unit directions, in the given label order. */
function blobs(order: number[], centres: number, dim: number, spread: number, seed: number): Float32Array {
  const r = rng(seed);
  const c = new Float32Array(centres * dim);
  for (let i = 0; i < c.length; i++) c[i] = gaussian(r);
  for (let k = 0; k < centres; k++) normalise(c, k * dim, dim);
  const out = new Float32Array(order.length * dim);
  order.forEach((k, i) => {
    for (let d = 0; d < dim; d++) out[i * dim + d] = c[k * dim + d] + spread * gaussian(r) / Math.sqrt(dim);
    normalise(out, i * dim, dim);
  });
  return out;
}

/** O(n^3) textbook average linkage, the reference for the NN-chain implementation. */
function naiveAverageLinkage(points: Float32Array, n: number, dim: number): number[] {
  let clusters: number[][] = Array.from({ length: n }, (_, i) => [i]);
  const d = (i: number, j: number) => {
    let dot = 0;
    for (let k = 0; k < dim; k++) dot += points[i * dim + k] * points[j * dim + k];
    return 1 - dot;
  };
  const heights: number[] = [];
  while (clusters.length > 1) {
    let best = Infinity;
    let bi = 0;
    let bj = 1;
    for (let i = 0; i < clusters.length; i++) {
      for (let j = i + 1; j < clusters.length; j++) {
        let s = 0;
        for (const a of clusters[i]) for (const b of clusters[j]) s += d(a, b);
        s /= clusters[i].length * clusters[j].length;
        if (s < best) {
          best = s;
          bi = i;
          bj = j;
        }
      }
    }
    heights.push(best);
    clusters = clusters.filter((_, k) => k !== bi && k !== bj).concat([[...clusters[bi], ...clusters[bj]]]);
  }
  return heights;
}

describe('averageLinkage (NN-chain)', () => {
  it('gives the same merge heights as the textbook O(n^3) algorithm', () => {
    const dim = 8;
    const n = 25;
    const pts = blobs(Array.from({ length: n }, (_, i) => i % 4), 4, dim, 1.5, 7);
    const fast = averageLinkage(pts, n, dim).map((m) => m.distance);
    const slow = naiveAverageLinkage(pts, n, dim).sort((a, b) => a - b);
    expect(fast.length).toBe(n - 1);
    fast.forEach((h, i) => expect(h).toBeCloseTo(slow[i], 5));
  });

  it('cuts into exactly the planted groups', () => {
    const order = [0, 0, 1, 1, 0, 2, 2, 1, 2, 0];
    const pts = blobs(order, 3, 16, 0.2, 3);
    const merges = averageLinkage(pts, order.length, 16);
    expect(Array.from(cutDendrogram(order.length, merges, order.length - 3))).toEqual(order);
  });
});

describe('clusterEmbeddings', () => {
  const order = [0, 0, 0, 1, 1, 2, 2, 2, 1, 0, 3, 3, 3, 3];
  const dim = 32;
  const pts = blobs(order, 4, dim, 0.3, 11);

  it('finds the number of speakers from the threshold, with exact labels', () => {
    const r = clusterEmbeddings(pts, order.length, dim, validateClusteringConfig({ threshold: 0.5 }));
    expect(r.numClusters).toBe(4);
    expect(Array.from(r.labels)).toEqual(order);
    expect(r.criterion).toBe('ahc');
  });

  it('honours numSpeakers, minSpeakers and maxSpeakers', () => {
    expect(clusterEmbeddings(pts, order.length, dim, validateClusteringConfig({ numSpeakers: 2 })).numClusters).toBe(2);
    expect(clusterEmbeddings(pts, order.length, dim, validateClusteringConfig({ maxSpeakers: 3 })).numClusters).toBe(3);
    expect(
      clusterEmbeddings(pts, order.length, dim, validateClusteringConfig({ threshold: 1.9, minSpeakers: 2 })).numClusters,
    ).toBe(2);
  });

  it('keeps exact labels when windows are first clustered in chunks (and recursively)', () => {
    const big = Array.from({ length: 300 }, (_, i) => Math.floor(i / 25) % 3);
    const p = blobs(big, 3, dim, 0.3, 5);
    for (const maxAhcPoints of [20, 64, 150]) {
      const r = clusterEmbeddings(p, big.length, dim, validateClusteringConfig({ threshold: 0.5, maxAhcPoints }));
      expect(r.numClusters).toBe(3);
      expect(Array.from(r.labels)).toEqual(big);
    }
  });

  it('chunked clustering gives the same partition as one dendrogram on well-separated voices', () => {
    const order = Array.from({ length: 400 }, (_, i) => (i * 7 + Math.floor(i / 13)) % 5);
    const p = blobs(order, 5, dim, 0.35, 21);
    const cfg = { threshold: 0.5 };
    const whole = clusterEmbeddings(p, order.length, dim, validateClusteringConfig({ ...cfg, maxAhcPoints: 1000 }));
    const chunked = clusterEmbeddings(p, order.length, dim, validateClusteringConfig({ ...cfg, maxAhcPoints: 50 }));
    expect(whole.numClusters).toBe(5);
    expect(Array.from(chunked.labels)).toEqual(Array.from(whole.labels));
  });

  it('handles 0 and 1 windows', () => {
    expect(clusterEmbeddings(new Float32Array(0), 0, dim).numClusters).toBe(0);
    expect(clusterEmbeddings(pts.slice(0, dim), 1, dim).numClusters).toBe(1);
  });

  it('centroids are unit vectors', () => {
    const r = clusterEmbeddings(pts, order.length, dim);
    const c = clusterCentroids(pts, r.labels, r.numClusters, dim);
    for (let k = 0; k < r.numClusters; k++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += c[k * dim + d] ** 2;
      expect(s).toBeCloseTo(1, 5);
    }
  });
});

describe('validateClusteringConfig', () => {
  it('names the field and the value', () => {
    expect(() => validateClusteringConfig({ threshold: -1 })).toThrow(ConfigError);
    expect(() => validateClusteringConfig({ threshold: -1 })).toThrow(/clustering\.threshold.*-1/);
    expect(() => validateClusteringConfig({ minSpeakers: 5, maxSpeakers: 2 })).toThrow(/minSpeakers/);
    expect(() => validateClusteringConfig({ bogus: 1 } as never)).toThrow(/clustering\.bogus/);
  });
});

it('DEFAULT_CLUSTERING_CONFIG is frozen', async () => {
  const { DEFAULT_CLUSTERING_CONFIG } = await import('../../src/clustering/index.js');
  expect(Object.isFrozen(DEFAULT_CLUSTERING_CONFIG)).toBe(true);
});
