/**
 * Average-linkage agglomerative clustering by the nearest-neighbour-chain algorithm:
 * O(n^2) time and one n x n float32 matrix (callers bound n; see index.ts).
 * Average linkage is reducible, so sorting the chain's merges by height gives the exact
 * dendrogram (Müllner 2011, "Modern hierarchical, agglomerative clustering algorithms").
 */

export interface Merge {
  /** Representative indices of the two clusters merged. */
  a: number;
  b: number;
  /** Average cosine distance between the two clusters. */
  distance: number;
}

/**
 * @param points row-major [n x dim], rows L2-normalised (cosine distance = 1 - dot)
 * @param weights optional initial cluster sizes (e.g. k-means cell counts)
 * @returns n - 1 merges sorted by increasing distance
 */
export function averageLinkage(points: Float32Array, n: number, dim: number, weights?: ArrayLike<number>): Merge[] {
  if (n <= 1) return [];
  const dist = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let dot = 0;
      const oi = i * dim;
      const oj = j * dim;
      for (let d = 0; d < dim; d++) dot += points[oi + d] * points[oj + d];
      const v = 1 - dot;
      dist[i * n + j] = v;
      dist[j * n + i] = v;
    }
  }
  const size = new Float64Array(n);
  for (let i = 0; i < n; i++) size[i] = weights ? weights[i] : 1;
  const active = new Uint8Array(n).fill(1);
  const merges: Merge[] = [];
  const chain: number[] = [];
  let remaining = n;

  while (remaining > 1) {
    if (chain.length === 0) {
      for (let i = 0; i < n; i++) {
        if (active[i]) {
          chain.push(i);
          break;
        }
      }
    }
    for (;;) {
      const x = chain[chain.length - 1];
      const prev = chain.length >= 2 ? chain[chain.length - 2] : -1;
      // Prefer the previous chain element on ties so the chain terminates.
      let best = prev;
      let bestD = prev >= 0 ? dist[x * n + prev] : Infinity;
      for (let y = 0; y < n; y++) {
        if (!active[y] || y === x) continue;
        const d = dist[x * n + y];
        if (d < bestD) {
          bestD = d;
          best = y;
        }
      }
      if (best === prev) {
        chain.pop();
        chain.pop();
        // Merge prev into x (keep the smaller index as representative for determinism).
        const keep = Math.min(x, prev);
        const drop = Math.max(x, prev);
        merges.push({ a: keep, b: drop, distance: bestD });
        const sk = size[keep];
        const sd = size[drop];
        for (let k = 0; k < n; k++) {
          if (!active[k] || k === keep || k === drop) continue;
          const v = (sk * dist[keep * n + k] + sd * dist[drop * n + k]) / (sk + sd);
          dist[keep * n + k] = v;
          dist[k * n + keep] = v;
        }
        size[keep] = sk + sd;
        active[drop] = 0;
        remaining--;
        break;
      }
      chain.push(best);
    }
  }
  // Stable sort: equal heights keep chain order, which is deterministic.
  return merges
    .map((m, i) => ({ m, i }))
    .sort((p, q) => p.m.distance - q.m.distance || p.i - q.i)
    .map((p) => p.m);
}

/**
 * Apply the first `mergeCount` merges (sorted by height) and return a label per point,
 * labels numbered 0.. in order of first appearance.
 */
export function cutDendrogram(n: number, merges: readonly Merge[], mergeCount: number): Int32Array {
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  for (let m = 0; m < Math.min(mergeCount, merges.length); m++) {
    const ra = find(merges[m].a);
    const rb = find(merges[m].b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  const labels = new Int32Array(n);
  const remap = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    let l = remap.get(r);
    if (l === undefined) {
      l = remap.size;
      remap.set(r, l);
    }
    labels[i] = l;
  }
  return labels;
}

/** Number of merges whose height is below `threshold` (merges sorted by height). */
export function mergesBelow(merges: readonly Merge[], threshold: number): number {
  let c = 0;
  while (c < merges.length && merges[c].distance < threshold) c++;
  return c;
}
