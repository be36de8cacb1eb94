/**
 * PLDA merging: the second clustering step. Average-linkage AHC at a low cosine threshold
 * over-clusters (each cluster is one voice with high confidence); these clusters are then
 * merged greedily by the two-covariance PLDA log-likelihood ratio "same speaker" vs
 * "different speakers" until no pair is above `llrThreshold`.
 *
 * Why: a fixed cosine threshold treats a 2-window cluster and a 40-window cluster alike.
 * The PLDA ratio weighs the evidence: two large clusters of similar voices need to be much
 * closer to stay apart than two small ones, which is what over- and under-counting on
 * simulated conversations showed (tools/calibrate.ts).
 *
 * Space: the L2-normalised LDA projection scaled to length sqrt(dim) (length normalisation,
 * Garcia-Romero & Espy-Wilson 2011), then centred and scaled per dimension by PldaModel. Without
 * length normalisation, windows far from the training data (a 48 kHz film with a noise floor)
 * have large norms and every ratio becomes hugely negative: a 1 h film split into 35 speakers.
 *
 * Model (Ioffe 2006; Kenny's two-covariance form): in that space each
 * window is x = y + e with speaker y ~ N(0, diag(phi)) and e ~ N(0, I). For a set of n
 * windows with sum S, the marginal log-likelihood up to terms that cancel in the ratio is
 *   f(n, S) = sum_k [ S_k^2 phi_k / (2 (1 + n phi_k)) - log(1 + n phi_k) / 2 ],
 * and LLR(A, B) = f(A u B) - f(A) - f(B). Overlapping windows are not independent evidence:
 * each counts as `statScale` of an observation (VBx's Fa plays the same role). The model
 * holds for a few minutes of speech; long inputs are clustered in blocks (index.ts).
 */

export interface PldaModel {
  /** Subtracted from the length-normalised LDA projection (scaled to length sqrt(dim)). */
  mean: Float64Array;
  /** Per-dimension within-speaker standard deviation (divides, so within-speaker covariance is I). */
  withinStd: Float64Array;
  /** Per-dimension between-speaker variance in the scaled space. */
  phi: Float64Array;
}

export interface PldaMergeParams {
  llrThreshold: number;
  statScale: number;
  /** Stop merging at this many speakers (minSpeakers). */
  minClusters: number;
  /** Keep merging, whatever the ratio, until at most this many (maxSpeakers or numSpeakers). */
  maxClusters: number;
}

/** Map L2-normalised LDA projections [n x dim] (SpeakerProjection.project) into the PLDA space. */
export function toPldaSpace(model: PldaModel, normalised: ArrayLike<number>, n: number): Float64Array {
  const dim = model.phi.length;
  const scale = Math.sqrt(dim);
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < dim; k++) out[i * dim + k] = (normalised[i * dim + k] * scale - model.mean[k]) / model.withinStd[k];
  }
  return out;
}

/**
 * @param x [n x dim] features in the PLDA space
 * @param initLabels cluster per row, 0..numInit-1 (from AHC)
 * @returns merged label per row, 0..k-1 numbered by first appearance, and k
 */
export function pldaMerge(
  x: Float64Array,
  n: number,
  phi: Float64Array,
  initLabels: Int32Array,
  numInit: number,
  params: PldaMergeParams,
): { labels: Int32Array; numClusters: number } {
  const dim = phi.length;
  const m = numInit;
  const { sums, count } = pldaClusterStats(x, n, phi, initLabels, m, params.statScale);
  const f = (a: number, b = -1): number => logMarginal(sums, count, phi, a, b);
  const self = new Float64Array(m);
  for (let c = 0; c < m; c++) self[c] = f(c);
  // Pairwise ratios, updated only for the merged cluster: O(m^2) memory, O(m^2 dim + m^3) time;
  // callers bound m (maxInitClusters).
  const llr = new Float64Array(m * m).fill(-Infinity);
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) llr[a * m + b] = llr[b * m + a] = f(a, b) - self[a] - self[b];
  }
  const alive = new Uint8Array(m).fill(1);
  const parent = Int32Array.from({ length: m }, (_, i) => i);
  let clusters = m;
  while (clusters > Math.max(1, params.minClusters)) {
    let best = -Infinity;
    let ba = -1;
    let bb = -1;
    for (let a = 0; a < m; a++) {
      if (!alive[a]) continue;
      for (let b = a + 1; b < m; b++) {
        if (alive[b] && llr[a * m + b] > best) {
          best = llr[a * m + b];
          ba = a;
          bb = b;
        }
      }
    }
    if (ba < 0 || (best < params.llrThreshold && clusters <= params.maxClusters)) break;
    for (let k = 0; k < dim; k++) sums[ba * dim + k] += sums[bb * dim + k];
    count[ba] += count[bb];
    alive[bb] = 0;
    parent[bb] = ba;
    clusters--;
    self[ba] = f(ba);
    for (let c = 0; c < m; c++) {
      if (!alive[c] || c === ba) continue;
      llr[ba * m + c] = llr[c * m + ba] = f(ba, c) - self[ba] - self[c];
    }
  }
  const root = (c: number): number => {
    while (parent[c] !== c) c = parent[c];
    return c;
  };
  const map = new Map<number, number>();
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = root(initLabels[i]);
    let l = map.get(r);
    if (l === undefined) map.set(r, (l = map.size));
    labels[i] = l;
  }
  return { labels, numClusters: map.size };
}

/** Each cluster's PLDA statistics: the sum of its rows and their number, each row weighted by statScale. */
export interface PldaClusterStats {
  /** [clusters x dim] */
  sums: Float64Array;
  count: Float64Array;
}

export function pldaClusterStats(
  x: Float64Array,
  n: number,
  phi: Float64Array,
  labels: Int32Array,
  numClusters: number,
  statScale: number,
): PldaClusterStats {
  const dim = phi.length;
  const count = new Float64Array(numClusters);
  const sums = new Float64Array(numClusters * dim);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    count[c] += statScale;
    for (let k = 0; k < dim; k++) sums[c * dim + k] += statScale * x[i * dim + k];
  }
  return { sums, count };
}

/** Same-speaker log-likelihood ratio of clusters a and b (the header's LLR(A, B)). */
export function pldaLlr(stats: PldaClusterStats, phi: Float64Array, a: number, b: number): number {
  return logMarginal(stats.sums, stats.count, phi, a, b) - logMarginal(stats.sums, stats.count, phi, a) - logMarginal(stats.sums, stats.count, phi, b);
}

/** f(n, S) of the header for cluster a, or for clusters a and b pooled as one speaker. */
function logMarginal(sums: Float64Array, count: Float64Array, phi: Float64Array, a: number, b = -1): number {
  const dim = phi.length;
  const cnt = count[a] + (b >= 0 ? count[b] : 0);
  let r = 0;
  for (let k = 0; k < dim; k++) {
    const s = sums[a * dim + k] + (b >= 0 ? sums[b * dim + k] : 0);
    const p = phi[k];
    r += (0.5 * s * s * p) / (1 + cnt * p) - 0.5 * Math.log(1 + cnt * p);
  }
  return r;
}
