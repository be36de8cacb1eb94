/**
 * Clustering stage: speaker embeddings of speech windows -> one speaker label per window.
 * The number of speakers is found by cutting an average-linkage dendrogram at a distance
 * threshold calibrated on simulated conversations (tools/calibrate.ts), then clamped to
 * [minSpeakers, maxSpeakers]; `numSpeakers` forces it.
 * Memory stays sub-quadratic in the number of windows: beyond `maxAhcPoints` windows are
 * first reduced to that many k-means cells (ml-kmeans), and the cells are clustered.
 */
import { kmeans } from 'ml-kmeans';
import { checkNumber, mergeConfig } from '../config/index.js';
import { ConfigError } from '../errors/index.js';
import { averageLinkage, cutDendrogram, mergesBelow } from './ahc.js';

export interface ClusteringConfig {
  /** Average cosine distance above which two clusters are different speakers. */
  threshold: number;
  /** Force this many speakers (0 = find it). */
  numSpeakers: number;
  minSpeakers: number;
  maxSpeakers: number;
  /** Above this many windows, k-means cells are clustered instead of windows (bounds memory to maxAhcPoints^2 floats). */
  maxAhcPoints: number;
  /** Seed for the k-means reduction, so results are reproducible. */
  seed: number;
}

export const DEFAULT_CLUSTERING_CONFIG: Readonly<ClusteringConfig> = Object.freeze({
  threshold: 0.6,
  numSpeakers: 0,
  minSpeakers: 1,
  maxSpeakers: 50,
  maxAhcPoints: 1500,
  seed: 42,
});

export function validateClusteringConfig(partial?: Partial<ClusteringConfig>): ClusteringConfig {
  const c = mergeConfig('clustering', DEFAULT_CLUSTERING_CONFIG, partial);
  checkNumber('clustering.threshold', c.threshold, { min: 0, max: 2 });
  checkNumber('clustering.numSpeakers', c.numSpeakers, { min: 0, max: 1000, integer: true });
  checkNumber('clustering.minSpeakers', c.minSpeakers, { min: 1, max: 1000, integer: true });
  checkNumber('clustering.maxSpeakers', c.maxSpeakers, { min: 1, max: 1000, integer: true });
  checkNumber('clustering.maxAhcPoints', c.maxAhcPoints, { min: 2, max: 20000, integer: true });
  checkNumber('clustering.seed', c.seed, { integer: true });

  if (c.minSpeakers > c.maxSpeakers) {
    throw new ConfigError('clustering.minSpeakers', `<= maxSpeakers (${c.maxSpeakers})`, c.minSpeakers);
  }
  return c;
}

export interface ClusteringResult {
  /** Label per input window, 0..numClusters-1, numbered by first appearance. */
  labels: Int32Array;
  numClusters: number;
}

/**
 * @param embeddings row-major [n x dim], L2-normalised rows (non-finite rows must be removed by the caller)
 * @param pointWeights optional weight per row (e.g. windows per segment) for average linkage
 */
export function clusterEmbeddings(
  embeddings: Float32Array,
  n: number,
  dim: number,
  config: ClusteringConfig = DEFAULT_CLUSTERING_CONFIG,
  pointWeights?: ArrayLike<number>,
): ClusteringResult {
  if (n === 0) return { labels: new Int32Array(0), numClusters: 0 };
  if (n === 1) return { labels: new Int32Array(1), numClusters: 1 };

  let points = embeddings;
  let m = n;
  let cellOf: Int32Array | null = null;
  let weights: ArrayLike<number> | undefined = pointWeights;
  if (n > config.maxAhcPoints) {
    ({ points, cellOf, weights } = reduceByKmeans(embeddings, n, dim, config.maxAhcPoints, config.seed, pointWeights));
    m = weights.length;
  }

  const merges = averageLinkage(points, m, dim, weights);
  let k: number;
  if (config.numSpeakers > 0) {
    k = Math.min(config.numSpeakers, m);
  } else {
    k = m - mergesBelow(merges, config.threshold);
    k = Math.max(config.minSpeakers, Math.min(config.maxSpeakers, k));
    k = Math.min(k, m);
  }
  const cellLabels = cutDendrogram(m, merges, m - k);
  let labels: Int32Array;
  if (cellOf) {
    labels = new Int32Array(n);
    for (let i = 0; i < n; i++) labels[i] = cellLabels[cellOf[i]];
  } else {
    labels = cellLabels;
  }
  return renumberByFirstAppearance(labels);
}

function reduceByKmeans(
  embeddings: Float32Array,
  n: number,
  dim: number,
  cells: number,
  seed: number,
  pointWeights?: ArrayLike<number>,
): { points: Float32Array; cellOf: Int32Array; weights: Float64Array } {
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = Array.from(embeddings.subarray(i * dim, (i + 1) * dim));
  const result = kmeans(rows, cells, { seed, initialization: 'kmeans++', maxIterations: 50 });
  // Drop empty cells and re-normalise centroids so cosine distance stays meaningful.
  const counts = new Float64Array(cells);
  result.clusters.forEach((c, i) => (counts[c] += pointWeights ? pointWeights[i] : 1));
  const keep: number[] = [];
  const newIndex = new Int32Array(cells).fill(-1);
  for (let c = 0; c < cells; c++) {
    if (counts[c] > 0) {
      newIndex[c] = keep.length;
      keep.push(c);
    }
  }
  const points = new Float32Array(keep.length * dim);
  const weights = new Float64Array(keep.length);
  keep.forEach((c, j) => {
    const centroid = result.centroids[c];
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += centroid[d] * centroid[d];
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dim; d++) points[j * dim + d] = centroid[d] / norm;
    weights[j] = counts[c];
  });
  const cellOf = new Int32Array(n);
  for (let i = 0; i < n; i++) cellOf[i] = newIndex[result.clusters[i]];
  return { points, cellOf, weights };
}

export function renumberByFirstAppearance(labels: Int32Array): ClusteringResult {
  const map = new Map<number, number>();
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let l = map.get(labels[i]);
    if (l === undefined) {
      l = map.size;
      map.set(labels[i], l);
    }
    out[i] = l;
  }
  return { labels: out, numClusters: map.size };
}

/** L2-normalised mean of the rows with a given label: the speaker's centroid. */
export function clusterCentroids(embeddings: Float32Array, labels: Int32Array, numClusters: number, dim: number): Float32Array {
  const out = new Float32Array(numClusters * dim);
  for (let i = 0; i < labels.length; i++) {
    const o = labels[i] * dim;
    for (let d = 0; d < dim; d++) out[o + d] += embeddings[i * dim + d];
  }
  for (let c = 0; c < numClusters; c++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += out[c * dim + d] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dim; d++) out[c * dim + d] /= norm;
  }
  return out;
}

export { averageLinkage, cutDendrogram, mergesBelow } from './ahc.js';
export { SpeakerProjection, DEFAULT_PROJECTION_URL, type SpeakerProjectionFile } from './projection.js';
