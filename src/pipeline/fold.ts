/**
 * Folding of clusters with little speech (part of step 4, reconstruction). A cluster with
 * little speech is often a split-off piece of a speaker (a turn edge, a change of channel) and
 * sometimes a real minor speaker: below minSpeechSec it always joins the most alike stable
 * cluster (it would not be counted anyway); below the stable size it joins it when the two are
 * alike enough. Pure, so the rule is tested with exact answers.
 */

/**
 * @param speechSec speech seconds per cluster (after reconstruction)
 * @param stableSec clusters with at least this much speech are stable (never folded)
 * @param similarity how alike cluster c is to stable cluster k (higher: more alike)
 * @param alike whether the best similarity is enough to fold a cluster that has >= minSpeechSec
 * @returns per cluster, the cluster it joins (itself when kept)
 */
export function foldSmallClusters(
  speechSec: ArrayLike<number>,
  stableSec: number,
  minSpeechSec: number,
  similarity: (c: number, k: number) => number,
  alike: (best: number) => boolean,
): Int32Array {
  const n = speechSec.length;
  const target = Int32Array.from({ length: n }, (_, c) => c);
  const stable = Array.from({ length: n }, (_, c) => speechSec[c] >= stableSec);
  if (!stable.some(Boolean)) return target;
  for (let c = 0; c < n; c++) {
    if (stable[c]) continue;
    let best = -1;
    let bestSim = -Infinity;
    for (let k = 0; k < n; k++) {
      if (!stable[k]) continue;
      const s = similarity(c, k);
      if (s > bestSim) {
        bestSim = s;
        best = k;
      }
    }
    if (speechSec[c] < minSpeechSec || alike(bestSim)) target[c] = best;
  }
  return target;
}
