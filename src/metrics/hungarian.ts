/**
 * Maximum-weight one-to-one assignment (Hungarian / Kuhn-Munkres with potentials, O(n^2 m)).
 * md-eval maps reference to system speakers by maximising total overlap time; this is the same
 * optimisation. Small and dependency-free: speaker counts are tiny.
 */

/**
 * `weights[i][j]` >= 0 for row i, column j (rectangular allowed).
 * Returns `assignment[i]` = column matched to row i, or -1 when row i is unmatched
 * (more rows than columns) or matched only with zero weight.
 */
export function maxWeightAssignment(weights: readonly (readonly number[])[]): number[] {
  const rows = weights.length;
  const cols = rows === 0 ? 0 : weights[0].length;
  if (rows === 0) return [];
  if (cols === 0) return new Array<number>(rows).fill(-1);
  // The potential-based algorithm needs rows <= cols; solve the transpose otherwise.
  if (rows > cols) {
    const t: number[][] = [];
    for (let j = 0; j < cols; j++) {
      t.push([]);
      for (let i = 0; i < rows; i++) t[j].push(weights[i][j]);
    }
    const colToRow = maxWeightAssignment(t);
    const out = new Array<number>(rows).fill(-1);
    colToRow.forEach((i, j) => {
      if (i >= 0) out[i] = j;
    });
    return out;
  }
  const n = rows;
  const m = cols;
  // 1-based arrays as in the classic formulation; cost = -weight to minimise.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j] = row matched to column j (0 = none)
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = -weights[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const out = new Array<number>(n).fill(-1);
  for (let j = 1; j <= m; j++) {
    const i = p[j];
    // A zero-weight pair is not a mapping: md-eval only maps speakers that overlap.
    if (i > 0 && weights[i - 1][j - 1] > 0) out[i - 1] = j - 1;
  }
  return out;
}
