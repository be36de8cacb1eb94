import { describe, expect, it } from 'vitest';
import {
  centroidCosines,
  clusterSpeakers,
  clusterUniformity,
  DEFAULT_CLUSTERING_CONFIG,
  validateClusteringConfig,
} from '../../src/clustering/index.js';
import { mulberry32 } from '../../tools/lib/rng.js';

/** Unit vectors around `centres`, each row jittered (seeded). */
function points(centres: number[][], perCentre: number[], jitter: number, seed = 1): { x: Float32Array; truth: number[] } {
  const rng = mulberry32(seed);
  const rows: number[][] = [];
  const truth: number[] = [];
  centres.forEach((c, k) => {
    for (let i = 0; i < perCentre[k]; i++) {
      const v = c.map((x) => x + jitter * (rng() - 0.5));
      const n = Math.hypot(...v);
      rows.push(v.map((x) => x / n));
      truth.push(k);
    }
  });
  return { x: Float32Array.from(rows.flat()), truth };
}

const E = [
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [0, 0, 1, 0],
];

describe('clusterSpeakers', () => {
  it('finds the speakers by the threshold, labels by first appearance', () => {
    const { x } = points(E, [5, 4, 3], 0.2);
    const r = clusterSpeakers(x, new Array(12).fill(3), 12, 4, { ...DEFAULT_CLUSTERING_CONFIG, minClusterSec: 0, minTrainSec: 0 });
    expect(r.numClusters).toBe(3);
    expect(Array.from(r.labels)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2]);
  });

  it('folds a cluster with little speech into the most alike stable one', () => {
    const { x } = points([...E, [0.3, 0, 0, 0.95]], [5, 4, 3, 1], 0.1);
    const w = [...new Array(12).fill(3), 2];
    const r = clusterSpeakers(x, w, 13, 4, { ...DEFAULT_CLUSTERING_CONFIG, threshold: 0.3, minClusterSec: 6 });
    expect(r.numClusters).toBe(3);
    expect(r.labels[12]).toBe(r.labels[0]);
  });

  it('keeps the small voices of a short recording: the bar is at most minClusterShare of the embedded seconds', () => {
    const near = [
      [1, 0, 0, 0],
      [0.5, 0.87, 0, 0],
      [0.5, 0, 0.87, 0],
    ];
    const { x } = points(near, [5, 2, 2], 0.05);
    const w = new Array(9).fill(1.5);
    const base = { ...DEFAULT_CLUSTERING_CONFIG, threshold: 0.3, minClusterSec: 6, foldThreshold: 0.9 };
    // 13.5 s embedded: a bar of 6 s folds the two 3 s voices into the 7.5 s one...
    expect(clusterSpeakers(x, w, 9, 4, { ...base, minClusterShare: 1 }).numClusters).toBe(1);
    // ...one of 0.125 x 13.5 s = 1.7 s keeps them.
    const r = clusterSpeakers(x, w, 9, 4, { ...base, minClusterShare: 0.125 });
    expect(Array.from(r.labels)).toEqual([0, 0, 0, 0, 0, 1, 1, 2, 2]);
  });

  it('forces numSpeakers', () => {
    const { x } = points(E, [5, 4, 3], 0.2);
    const r = clusterSpeakers(x, new Array(12).fill(3), 12, 4, { ...DEFAULT_CLUSTERING_CONFIG, numSpeakers: 2 });
    expect(r.numClusters).toBe(2);
  });

  it('clusters many embeddings in chunks with the same answer', () => {
    const { x } = points(E, [300, 200, 100], 0.2);
    const r = clusterSpeakers(x, new Array(600).fill(2), 600, 4, {
      ...DEFAULT_CLUSTERING_CONFIG,
      maxAhcPoints: 100,
      minClusterSec: 0,
      minTrainSec: 0,
    });
    expect(r.numClusters).toBe(3);
  });

  it('validates its config, naming the field', () => {
    expect(() => validateClusteringConfig({ threshold: -1 })).toThrow(/clustering.threshold/);
    expect(() => validateClusteringConfig({ minSpeakers: 3, maxSpeakers: 2 })).toThrow(/minSpeakers/);
    expect(() => validateClusteringConfig({ minClusterShare: 1.5 })).toThrow(/clustering.minClusterShare/);
  });
});

describe('clusterUniformity', () => {
  it('is the mean cosine between different chunks of a cluster, pairs weighted by their seconds', () => {
    const s = Math.SQRT1_2;
    // Cluster 0: three chunks, two alike; cluster 1: two orthogonal chunks; cluster 2: one chunk.
    const x = Float32Array.from([1, 0, 1, 0, s, s, 1, 0, 0, 1, 0, 1]);
    const u = clusterUniformity(x, [1, 1, 2, 3, 1, 5], Int32Array.from([0, 0, 0, 1, 1, 2]), 3, 2);
    // Pairs (1 s, 1 s) cos 1, (1 s, 2 s) cos s twice: (1 + 2 s + 2 s) / (1 + 2 + 2).
    expect(u[0]).toBeCloseTo((1 + 4 * s) / 5, 6);
    expect(u[1]).toBeCloseTo(0, 6);
    expect(u[2]).toBeNaN();
    // Below minChunks the cluster is not judged.
    expect(Array.from(clusterUniformity(x, [1, 1, 2, 3, 1, 5], Int32Array.from([0, 0, 0, 1, 1, 2]), 3, 2, 3))).toEqual([
      u[0],
      Number.NaN,
      Number.NaN,
    ]);
  });
});

describe('centroidCosines', () => {
  it("is each row's cosine to the normalised mean of its cluster", () => {
    const s = Math.SQRT1_2;
    // Cluster 0: (1, 0) and (0, 1), centroid (s, s); cluster 1: one row, its own centroid.
    const x = Float32Array.from([1, 0, 0, 1, s, s]);
    const c = centroidCosines(x, Int32Array.from([0, 0, 1]), 2, 2);
    expect(c[0]).toBeCloseTo(s, 6);
    expect(c[1]).toBeCloseTo(s, 6);
    expect(c[2]).toBeCloseTo(1, 6);
  });
});
