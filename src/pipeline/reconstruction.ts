/**
 * Reconstruction (pyannote's last stage): speech regions + labelled embedding windows
 * -> speaker turns. Pure functions on seconds, so they are tested with exact answers.
 */
import type { Turn } from './types.js';

export interface TimeSpan {
  startSec: number;
  endSec: number;
}

export interface PlannedWindow extends TimeSpan {
  /** Index of the speech region the window belongs to. */
  region: number;
}

/**
 * Windows for embedding: regions shorter than `windowSec` get one window equal to the region
 * (the embedding model takes shorter inputs); longer ones are tiled every `hopSec` with
 * the last window aligned to the region end so no speech is left uncovered.
 * Regions shorter than `minWindowSec` get none (their frames take a neighbour's label).
 */
export function planWindows(regions: readonly TimeSpan[], windowSec: number, hopSec: number, minWindowSec: number): PlannedWindow[] {
  const out: PlannedWindow[] = [];
  regions.forEach((r, region) => {
    const len = r.endSec - r.startSec;
    if (len < minWindowSec) return;
    if (len <= windowSec) {
      out.push({ startSec: r.startSec, endSec: r.endSec, region });
      return;
    }
    const count = Math.ceil((len - windowSec) / hopSec) + 1;
    const step = (len - windowSec) / (count - 1);
    for (let i = 0; i < count; i++) {
      const s = r.startSec + i * step;
      out.push({ startSec: s, endSec: s + windowSec, region });
    }
  });
  return out;
}

export interface ReconstructionConfig {
  /** Frame resolution of the label decision. */
  frameSec: number;
  /** Turns shorter than this are given to the neighbouring speaker (within one region). */
  minTurnSec: number;
  /** A region without a usable window borrows the label of a window at most this far away; else it is dropped. */
  maxBorrowSec: number;
}

/**
 * Label every speech frame with the speaker whose windows cover it with the most weight
 * (a triangular weight peaking at the window centre, so boundaries fall between window
 * centres), then cut runs into turns and absorb turns shorter than `minTurnSec`.
 * @param labels speaker index per window, -1 for a window without a valid embedding
 */
export function reconstructTurns(
  regions: readonly TimeSpan[],
  windows: readonly PlannedWindow[],
  labels: ArrayLike<number>,
  speakerNames: readonly string[],
  config: ReconstructionConfig,
): Turn[] {
  const turns: Turn[] = [];
  const byRegion = new Map<number, number[]>();
  windows.forEach((w, i) => {
    if (labels[i] < 0) return;
    const list = byRegion.get(w.region) ?? [];
    list.push(i);
    byRegion.set(w.region, list);
  });
  const centreOf = (i: number) => (windows[i].startSec + windows[i].endSec) / 2;
  const validWindows = windows.map((_, i) => i).filter((i) => labels[i] >= 0);

  regions.forEach((r, ri) => {
    const frames = Math.max(1, Math.round((r.endSec - r.startSec) / config.frameSec));
    const frameSec = (r.endSec - r.startSec) / frames;
    const frameLabel = new Int32Array(frames).fill(-1);
    const own = byRegion.get(ri) ?? [];
    if (own.length === 0) {
      // No window of its own (too short): take the label of the nearest window in time.
      const mid = (r.startSec + r.endSec) / 2;
      let best = -1;
      let bestD = Infinity;
      for (const i of validWindows) {
        const d = Math.abs(centreOf(i) - mid);
        if (d < bestD) {
          bestD = d;
          best = i;
        }
      }
      if (best < 0 || bestD > config.maxBorrowSec) return;
      frameLabel.fill(labels[best]);
    } else {
      const score = new Map<number, Float64Array>();
      for (const i of own) {
        const w = windows[i];
        const half = (w.endSec - w.startSec) / 2;
        const c = centreOf(i);
        let arr = score.get(labels[i]);
        if (!arr) score.set(labels[i], (arr = new Float64Array(frames)));
        const f0 = Math.max(0, Math.floor((w.startSec - r.startSec) / frameSec));
        const f1 = Math.min(frames, Math.ceil((w.endSec - r.startSec) / frameSec));
        for (let f = f0; f < f1; f++) {
          const t = r.startSec + (f + 0.5) * frameSec;
          arr[f] += Math.max(1e-3, 1 - Math.abs(t - c) / Math.max(half, 1e-6));
        }
      }
      for (let f = 0; f < frames; f++) {
        let best = -1;
        let bestS = 0;
        for (const [label, arr] of score) {
          if (arr[f] > bestS || (arr[f] === bestS && best >= 0 && label < best)) {
            bestS = arr[f];
            best = label;
          }
        }
        frameLabel[f] = best;
      }
      fillGaps(frameLabel);
    }
    absorbShortRuns(frameLabel, Math.round(config.minTurnSec / frameSec));
    let runStart = 0;
    for (let f = 1; f <= frames; f++) {
      if (f === frames || frameLabel[f] !== frameLabel[runStart]) {
        if (frameLabel[runStart] >= 0) {
          turns.push({
            startSec: round3(r.startSec + runStart * frameSec),
            endSec: round3(r.startSec + f * frameSec),
            speaker: speakerNames[frameLabel[runStart]],
          });
        }
        runStart = f;
      }
    }
  });
  return turns.sort((a, b) => a.startSec - b.startSec || a.speaker.localeCompare(b.speaker));
}

/** Frames no window reached take the nearest labelled frame's label. */
function fillGaps(labels: Int32Array): void {
  let last = -1;
  for (let f = 0; f < labels.length; f++) {
    if (labels[f] >= 0) last = labels[f];
    else if (last >= 0) labels[f] = last;
  }
  let next = -1;
  for (let f = labels.length - 1; f >= 0; f--) {
    if (labels[f] >= 0) next = labels[f];
    else labels[f] = next;
  }
}

/** Give runs shorter than minFrames to the longer neighbouring run, shortest first. */
export function absorbShortRuns(labels: Int32Array, minFrames: number): void {
  if (minFrames <= 1) return;
  for (;;) {
    const runs: Array<{ start: number; end: number; label: number }> = [];
    let s = 0;
    for (let f = 1; f <= labels.length; f++) {
      if (f === labels.length || labels[f] !== labels[s]) {
        runs.push({ start: s, end: f, label: labels[s] });
        s = f;
      }
    }
    if (runs.length <= 1) return;
    let shortest = -1;
    for (let i = 0; i < runs.length; i++) {
      const len = runs[i].end - runs[i].start;
      if (len < minFrames && (shortest < 0 || len < runs[shortest].end - runs[shortest].start)) shortest = i;
    }
    if (shortest < 0) return;
    const prev = runs[shortest - 1];
    const next = runs[shortest + 1];
    const into = !prev ? next : !next ? prev : prev.end - prev.start >= next.end - next.start ? prev : next;
    labels.fill(into.label, runs[shortest].start, runs[shortest].end);
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Total speech seconds per speaker name. */
export function speechByTurns(turns: readonly Turn[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of turns) m.set(t.speaker, (m.get(t.speaker) ?? 0) + (t.endSec - t.startSec));
  return m;
}
