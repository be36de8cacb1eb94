/** Speech time per sex, from the turns. */
import type { Sex } from '../types.js';
import type { MeasuredTurn } from './types.js';

/** Seconds covered by the union of intervals (overlapping pieces counted once). */
export function unionSec(intervals: ReadonlyArray<{ startSec: number; endSec: number }>): number {
  const s = [...intervals].sort((a, b) => a.startSec - b.startSec);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const iv of s) {
    if (iv.startSec > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = iv.startSec;
      curEnd = iv.endSec;
    } else if (iv.endSec > curEnd) curEnd = iv.endSec;
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

/**
 * Speech seconds per sex: each speaker's turns unioned (a speaker's own overlapping turns count
 * once), then summed; two speakers talking at once both count.
 */
export function speechSecBySex(turns: readonly MeasuredTurn[], sexOf: ReadonlyMap<string, Sex>): { M: number; F: number } {
  const bySpeaker = new Map<string, MeasuredTurn[]>();
  for (const t of turns) {
    if (!sexOf.has(t.speaker)) continue;
    const list = bySpeaker.get(t.speaker) ?? [];
    list.push(t);
    bySpeaker.set(t.speaker, list);
  }
  const out = { M: 0, F: 0 };
  for (const [spk, list] of bySpeaker) out[sexOf.get(spk)!] += unionSec(list);
  return out;
}

/** Women's share of the speech time (null when nobody speaks). */
export function speechShareF(bySex: { M: number; F: number }): number | null {
  const total = bySex.M + bySex.F;
  return total > 0 ? bySex.F / total : null;
}
