/**
 * Clustering stage: speaker embeddings of speech windows -> one speaker label per window.
 * Two steps: average-linkage AHC cut at a low cosine threshold over-clusters, then PLDA
 * merging (plda.ts) joins clusters while the same-speaker log-likelihood ratio is above a
 * threshold; both calibrated on simulated conversations (tools/calibrate.ts). The number of
 * speakers is clamped to [minSpeakers, maxSpeakers]; `numSpeakers` forces it. Without PLDA
 * features the AHC cut alone decides.
 * Memory stays sub-quadratic in the number of windows: beyond `maxAhcPoints` windows, chunks
 * are clustered first and their clusters continue the same average linkage (reduceByChunks).
 * (ml-kmeans cells were used before; its k-means++ start took 80 s for 1500 cells.)
 */
import { checkNumber, mergeConfig } from '../config/index.js';
import { ConfigError } from '../errors/index.js';
import { averageLinkage, cutDendrogram, mergesBelow } from './ahc.js';
import { pldaMerge } from './plda.js';

export interface ClusteringConfig {
  /**
   * Average cosine distance under which AHC joins windows before PLDA merging (so, low: it
   * over-clusters). Without PLDA features it is the final speaker threshold.
   */
  threshold: number;
  /** PLDA log-likelihood ratio above which two clusters are merged as one speaker. */
  llrThreshold: number;
  /** Weight of one window in the PLDA statistics (windows overlap by half: not independent). */
  statScale: number;
  /**
   * Long inputs: PLDA clustering runs on consecutive blocks of this many windows (about 2 min
   * of speech: the 10-60 s conversations it was calibrated on fit in one block), and the
   * blocks' clusters are then joined by average linkage at `linkThreshold`.
   */
  blockWindows: number;
  /**
   * Average cosine distance under which clusters of different blocks are one speaker.
   * Calibrated by tools/calibrate-films.ts on 15 10-min films of 2-6 calibration readers: 0.65
   * got 10 right, against 5 at 0.6, 8 at 0.7 and 9 at 0.75.
   */
  linkThreshold: number;
  /** At most this many AHC clusters go to PLDA merging (bounds its m^2 memory). */
  maxInitClusters: number;
  /** Force this many speakers (0 = find it). */
  numSpeakers: number;
  minSpeakers: number;
  maxSpeakers: number;
  /** Above this many windows, chunks are clustered first and their clusters merged (bounds memory to maxAhcPoints^2 floats). */
  maxAhcPoints: number;
}

export const DEFAULT_CLUSTERING_CONFIG: Readonly<ClusteringConfig> = Object.freeze({
  threshold: 0.3,
  llrThreshold: -10,
  statScale: 0.5,
  blockWindows: 150,
  linkThreshold: 0.65,
  maxInitClusters: 400,
  numSpeakers: 0,
  minSpeakers: 1,
  maxSpeakers: 50,
  maxAhcPoints: 1500,
});

export function validateClusteringConfig(partial?: Partial<ClusteringConfig>): ClusteringConfig {
  const c = mergeConfig('clustering', DEFAULT_CLUSTERING_CONFIG, partial);
  checkNumber('clustering.threshold', c.threshold, { min: 0, max: 2 });
  checkNumber('clustering.llrThreshold', c.llrThreshold, { min: -1e6, max: 1e6 });
  checkNumber('clustering.statScale', c.statScale, { min: 1e-3, max: 10 });
  checkNumber('clustering.blockWindows', c.blockWindows, { min: 2, max: 100000, integer: true });
  checkNumber('clustering.linkThreshold', c.linkThreshold, { min: 0, max: 2 });
  checkNumber('clustering.maxInitClusters', c.maxInitClusters, { min: 2, max: 5000, integer: true });
  checkNumber('clustering.numSpeakers', c.numSpeakers, { min: 0, max: 1000, integer: true });
  checkNumber('clustering.minSpeakers', c.minSpeakers, { min: 1, max: 1000, integer: true });
  checkNumber('clustering.maxSpeakers', c.maxSpeakers, { min: 1, max: 1000, integer: true });
  checkNumber('clustering.maxAhcPoints', c.maxAhcPoints, { min: 2, max: 20000, integer: true });

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
 * What decided the clusters: PLDA merging over the whole input, blocks of PLDA joined by
 * average linkage (long inputs), or average linkage alone (no PLDA features, or one window).
 * Later steps judge clusters by the same criterion (pipeline/assemble.ts: folding).
 */
export type ClusteringCriterion = 'plda' | 'blocks' | 'ahc';

export interface ClusteringOutcome extends ClusteringResult {
  criterion: ClusteringCriterion;
}

/** The same windows in the PLDA space (toPldaSpace), with the model's between-speaker variances. */
export interface PldaFeatures {
  x: Float64Array;
  phi: Float64Array;
}

/**
 * @param embeddings row-major [n x dim], L2-normalised rows (non-finite rows must be removed by the caller)
 * @param plda the same rows in the PLDA space: AHC then PLDA merging; without it, AHC alone
 */
export function clusterEmbeddings(
  embeddings: Float32Array,
  n: number,
  dim: number,
  config: ClusteringConfig = DEFAULT_CLUSTERING_CONFIG,
  plda?: PldaFeatures,
): ClusteringOutcome {
  if (!plda || n < 2) return { ...ahcCluster(embeddings, n, dim, config), criterion: 'ahc' };
  if (n > config.blockWindows) return { ...clusterByBlocks(embeddings, n, dim, config, plda), criterion: 'blocks' };
  return { ...pldaCluster(embeddings, n, dim, config, plda), criterion: 'plda' };
}

/**
 * Long inputs. Why blocks: over a long film a voice's turns differ in content and channel, so
 * its clusters' means stay further apart than the PLDA expects of many windows, and PLDA over
 * the whole film split a 1 h film of 6 voices into 35. Within ~2 min it behaves as calibrated;
 * across blocks, average linkage (the criterion calibrated before PLDA) joins the clusters.
 */
function clusterByBlocks(embeddings: Float32Array, n: number, dim: number, config: ClusteringConfig, plda: PldaFeatures): ClusteringResult {
  const pdim = plda.phi.length;
  const block = config.blockWindows;
  const local = new Int32Array(n);
  let clusters = 0;
  for (let b0 = 0; b0 < n; b0 += block) {
    const b1 = Math.min(n, b0 + block);
    const r = pldaCluster(
      embeddings.subarray(b0 * dim, b1 * dim),
      b1 - b0,
      dim,
      { ...config, numSpeakers: 0, minSpeakers: 1, maxSpeakers: Math.max(config.maxSpeakers, 1) },
      { x: plda.x.subarray(b0 * pdim, b1 * pdim), phi: plda.phi },
    );
    for (let i = b0; i < b1; i++) local[i] = clusters + r.labels[i - b0];
    clusters += r.numClusters;
  }
  // Each block cluster becomes its unnormalised mean weighted by its size: average linkage over
  // the means is then exactly average linkage over their windows (see reduceByChunks).
  const means = new Float32Array(clusters * dim);
  const sizes = new Float64Array(clusters);
  for (let i = 0; i < n; i++) {
    sizes[local[i]]++;
    for (let d = 0; d < dim; d++) means[local[i] * dim + d] += embeddings[i * dim + d];
  }
  for (let c = 0; c < clusters; c++) for (let d = 0; d < dim; d++) means[c * dim + d] /= sizes[c];
  const global = ahcCluster(means, clusters, dim, { ...config, threshold: config.linkThreshold }, sizes);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = global.labels[local[i]];
  return renumberByFirstAppearance(labels);
}

function pldaCluster(embeddings: Float32Array, n: number, dim: number, config: ClusteringConfig, plda: PldaFeatures): ClusteringResult {
  if (n < 2) return ahcCluster(embeddings, n, dim, config);
  const forced = config.numSpeakers > 0;
  const minK = forced ? config.numSpeakers : config.minSpeakers;
  const maxK = forced ? config.numSpeakers : config.maxSpeakers;
  const init = ahcCluster(embeddings, n, dim, {
    ...config,
    numSpeakers: 0,
    minSpeakers: Math.min(n, Math.max(minK, 1)),
    maxSpeakers: Math.max(config.maxInitClusters, minK),
  });
  const merged = pldaMerge(plda.x, n, plda.phi, init.labels, init.numClusters, {
    llrThreshold: config.llrThreshold,
    statScale: config.statScale,
    minClusters: minK,
    maxClusters: maxK,
  });
  return renumberByFirstAppearance(merged.labels);
}

/**
 * Average-linkage AHC cut at `threshold` (clamped to [minSpeakers, maxSpeakers], or forced to numSpeakers).
 * @param pointWeights optional weight per row (e.g. windows per segment) for average linkage
 */
function ahcCluster(
  embeddings: Float32Array,
  n: number,
  dim: number,
  config: ClusteringConfig,
  pointWeights?: ArrayLike<number>,
): ClusteringResult {
  if (n === 0) return { labels: new Int32Array(0), numClusters: 0 };
  if (n === 1) return { labels: new Int32Array(1), numClusters: 1 };

  let points = embeddings;
  let m = n;
  let cellOf: Int32Array | null = null;
  let weights: ArrayLike<number> | undefined = pointWeights;
  if (n > config.maxAhcPoints) {
    ({ points, cellOf, weights } = reduceByChunks(embeddings, n, dim, config, pointWeights));
    m = weights.length;
    if (m > config.maxAhcPoints) {
      // Still too many fine clusters (a very long film): reduce them the same way, recursively.
      const inner = ahcCluster(points, m, dim, config, weights);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) labels[i] = inner.labels[cellOf[i]];
      return renumberByFirstAppearance(labels);
    }
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

/**
 * Stage 1 for many windows: exact average linkage inside consecutive chunks of maxAhcPoints
 * rows, cut at the threshold (so the fine clusters are ones the full dendrogram would also
 * form), at least halving each chunk. Each fine cluster becomes its weighted mean, NOT
 * re-normalised: with cosine distance 1 - x.y, the average pairwise distance between two sets
 * is exactly 1 - mean_a.mean_b, so average linkage over the means (weighted by size) continues
 * the same criterion. Memory is maxAhcPoints^2 floats whatever n; time is O(n maxAhcPoints).
 */
function reduceByChunks(
  embeddings: Float32Array,
  n: number,
  dim: number,
  config: ClusteringConfig,
  pointWeights?: ArrayLike<number>,
): { points: Float32Array; cellOf: Int32Array; weights: Float64Array } {
  const chunk = config.maxAhcPoints;
  const cellOf = new Int32Array(n);
  const means: number[][] = [];
  const sizes: number[] = [];
  for (let c0 = 0; c0 < n; c0 += chunk) {
    const c1 = Math.min(n, c0 + chunk);
    const m = c1 - c0;
    const sub = embeddings.subarray(c0 * dim, c1 * dim);
    const subW = pointWeights ? Array.from({ length: m }, (_, i) => pointWeights[c0 + i]) : undefined;
    const merges = averageLinkage(sub, m, dim, subW);
    const mergeCount = Math.max(mergesBelow(merges, config.threshold), Math.ceil(m / 2));
    const local = renumberByFirstAppearance(cutDendrogram(m, merges, Math.min(mergeCount, m - 1)));
    const base = means.length;
    for (let k = 0; k < local.numClusters; k++) {
      means.push(new Array<number>(dim).fill(0));
      sizes.push(0);
    }
    for (let i = 0; i < m; i++) {
      const k = base + local.labels[i];
      const w = subW ? subW[i] : 1;
      cellOf[c0 + i] = k;
      sizes[k] += w;
      for (let d = 0; d < dim; d++) means[k][d] += w * sub[i * dim + d];
    }
  }
  const points = new Float32Array(means.length * dim);
  means.forEach((sum, k) => {
    for (let d = 0; d < dim; d++) points[k * dim + d] = sum[d] / sizes[k];
  });
  return { points, cellOf, weights: Float64Array.from(sizes) };
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
export { pldaClusterStats, pldaLlr, pldaMerge, toPldaSpace, type PldaClusterStats, type PldaModel, type PldaMergeParams } from './plda.js';
