/**
 * Who replies to whom. Turns may overlap (two speakers at once): a turn that starts while another
 * speaker is talking replies to that speaker.
 */
import type { Sex } from '../types.js';
import type { Exchanges, MeasuredTurn } from './types.js';

/**
 * For each turn (in the order given, which must be sorted by start), the index of the turn it
 * follows, or -1: among the earlier-starting turns still going at its start or ended at most
 * `gapSec` before it, the one that held the floor last (the latest end, capped at this start;
 * ties go to the latest start). It may be the same speaker's: then the turn continues, it does
 * not reply.
 */
export function previousTurns(turns: readonly MeasuredTurn[], gapSec: number): Int32Array {
  const prev = new Int32Array(turns.length).fill(-1);
  // Latest end among turns 0..i, so the backward scan stops when nothing earlier can reach.
  const maxEnd = new Float64Array(turns.length);
  for (let i = 0; i < turns.length; i++) maxEnd[i] = Math.max(i > 0 ? maxEnd[i - 1] : -Infinity, turns[i].endSec);
  for (let i = 0; i < turns.length; i++) {
    const s = turns[i].startSec;
    let best = -1;
    let bestEnd = -Infinity;
    for (let j = i - 1; j >= 0 && maxEnd[j] >= s - gapSec; j--) {
      const u = turns[j];
      if (u.startSec >= s || u.endSec < s - gapSec) continue;
      const end = Math.min(u.endSec, s);
      if (end > bestEnd || (end === bestEnd && u.startSec > turns[best].startSec)) {
        best = j;
        bestEnd = end;
      }
    }
    prev[i] = best;
  }
  return prev;
}

/** Turns sorted by start (then end), the order previousTurns expects. */
export function byStart<T extends MeasuredTurn>(turns: readonly T[]): T[] {
  return [...turns].sort((a, b) => a.startSec - b.startSec || a.endSec - b.endSec);
}

/** Every reply: a turn and the turn of another speaker it follows. */
export function replies<T extends MeasuredTurn>(turns: readonly T[], gapSec: number): Array<{ from: T; to: T }> {
  const sorted = byStart(turns);
  const prev = previousTurns(sorted, gapSec);
  const out: Array<{ from: T; to: T }> = [];
  sorted.forEach((t, i) => {
    if (prev[i] >= 0 && sorted[prev[i]].speaker !== t.speaker) out.push({ from: sorted[prev[i]], to: t });
  });
  return out;
}

interface RunState {
  /** The other woman of the run (the speaker of the previous turn of the run). */
  partner: string;
  speakers: [string, string];
  startSec: number;
  endSec: number;
  turns: number;
}

export function countExchanges(turns: readonly MeasuredTurn[], sexOf: ReadonlyMap<string, Sex>, gapSec: number): Exchanges {
  const sorted = byStart(turns.filter((t) => sexOf.has(t.speaker)));
  const prev = previousTurns(sorted, gapSec);
  const out: Exchanges = { gapSec, FF: 0, FM: 0, MF: 0, MM: 0, longestWomenRun: null };
  // Where the speaker's current stretch (turns continued within the gap) began.
  const floorStart = new Float64Array(sorted.length);
  const run: Array<RunState | null> = new Array(sorted.length).fill(null);
  let best: RunState | null = null;
  sorted.forEach((t, i) => {
    const p = prev[i];
    floorStart[i] = t.startSec;
    if (p < 0) return;
    const a = sorted[p];
    if (a.speaker === t.speaker) {
      floorStart[i] = floorStart[p];
      const r = run[p];
      run[i] = r && { ...r, endSec: Math.max(r.endSec, t.endSec) };
      return;
    }
    const pair = `${sexOf.get(a.speaker)}${sexOf.get(t.speaker)}` as 'FF' | 'FM' | 'MF' | 'MM';
    out[pair]++;
    if (pair !== 'FF') return;
    const r = run[p];
    run[i] =
      r && r.partner === t.speaker
        ? { partner: a.speaker, speakers: r.speakers, startSec: r.startSec, endSec: Math.max(r.endSec, t.endSec), turns: r.turns + 1 }
        : { partner: a.speaker, speakers: [a.speaker, t.speaker], startSec: floorStart[p], endSec: Math.max(a.endSec, t.endSec), turns: 2 };
    const cur = run[i]!;
    if (!best || cur.turns > best.turns || (cur.turns === best.turns && cur.endSec - cur.startSec > best.endSec - best.startSec))
      best = cur;
  });
  if (best) {
    const { startSec, endSec, speakers, turns: n } = best as RunState;
    out.longestWomenRun = { startSec, endSec, speakers, turns: n };
  }
  return out;
}
