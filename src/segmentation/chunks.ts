/**
 * What each local speaker of one segmentation window hands on to be embedded: the samples of
 * its frames where it speaks alone (overlap would mix two voices into one embedding), nearest
 * the window centre first, up to maxChunkSec; when it never speaks alone long enough, its
 * frames with overlap. Only the frames the window owns are taken: windows overlap, and a turn
 * seen by two windows would otherwise be embedded twice (the model run is the pipeline's
 * largest cost). Pure given the frame geometry, so tested with exact answers.
 */

import type { FrameGeometry } from '../types.js';

export type { FrameGeometry };

export interface LocalChunk {
  /** Local speaker index in the window. */
  speaker: number;
  /** [start, end) sample ranges inside the window, in time order. */
  ranges: Array<[number, number]>;
  samples: number;
  /** Whether the ranges hold only this speaker (false: taken with overlap). */
  clean: boolean;
}

/** The samples frame f stands for: `stepSamples` around its receptive field's centre. */
export function frameSampleRange(f: number, g: Pick<FrameGeometry, 'stepSamples' | 'durationSamples'>): [number, number] {
  const centre = f * g.stepSamples + g.durationSamples / 2;
  return [Math.round(centre - g.stepSamples / 2), Math.round(centre + g.stepSamples / 2)];
}

/** Frames [fromFrame, toFrame) of a window that it embeds; the others belong to its neighbours. */
export interface OwnedFrames {
  fromFrame: number;
  toFrame: number;
}

/**
 * The frames a window owns when windows start at `prevStart`, `start` and `nextStart` (samples;
 * undefined: no window before / after): those whose centre is nearer this window's centre than
 * its neighbours', so consecutive windows share every frame out exactly once.
 */
export function ownedFrames(
  g: Pick<FrameGeometry, 'stepSamples' | 'durationSamples' | 'frames'>,
  windowSamples: number,
  start: number,
  prevStart: number | undefined,
  nextStart: number | undefined,
): OwnedFrames {
  const lo = prevStart === undefined ? -Infinity : (prevStart + start) / 2 + windowSamples / 2 - start;
  const hi = nextStart === undefined ? Infinity : (start + nextStart) / 2 + windowSamples / 2 - start;
  // Frame f's centre sits at f * step + duration / 2 inside the window.
  const first = (x: number) => Math.min(g.frames, Math.max(0, Math.ceil((x - g.durationSamples / 2) / g.stepSamples)));
  return { fromFrame: first(lo), toFrame: first(hi) };
}

export function localChunks(
  active: Uint8Array,
  g: FrameGeometry,
  minSamples: number,
  maxSamples: number,
  owned: OwnedFrames = { fromFrame: 0, toFrame: g.frames },
): LocalChunk[] {
  const out: LocalChunk[] = [];
  const centreFrame = (owned.fromFrame + owned.toFrame - 1) / 2;
  for (let k = 0; k < g.speakers; k++) {
    const clean: number[] = [];
    const any: number[] = [];
    for (let f = owned.fromFrame; f < owned.toFrame; f++) {
      if (!active[f * g.speakers + k]) continue;
      any.push(f);
      let others = 0;
      for (let j = 0; j < g.speakers; j++) if (j !== k) others += active[f * g.speakers + j];
      if (others === 0) clean.push(f);
    }
    const isClean = clean.length * g.stepSamples >= minSamples;
    const frames = isClean ? clean : any;
    if (frames.length * g.stepSamples < minSamples) continue;
    const maxFrames = Math.max(1, Math.floor(maxSamples / g.stepSamples));
    const chosen =
      frames.length <= maxFrames
        ? frames
        : [...frames]
            .sort((a, b) => Math.abs(a - centreFrame) - Math.abs(b - centreFrame) || a - b)
            .slice(0, maxFrames)
            .sort((a, b) => a - b);
    const ranges: Array<[number, number]> = [];
    let samples = 0;
    for (const f of chosen) {
      const [s, e] = frameSampleRange(f, g);
      const last = ranges[ranges.length - 1];
      if (last && last[1] >= s) last[1] = Math.max(last[1], e);
      else ranges.push([s, e]);
    }
    for (const [s, e] of ranges) samples += e - s;
    out.push({ speaker: k, ranges, samples, clean: isClean });
  }
  return out;
}

/** Copy a chunk's ranges out of the window's samples into one contiguous signal. */
export function gatherChunk(window: Float32Array, ranges: ReadonlyArray<readonly [number, number]>): Float32Array {
  let n = 0;
  for (const [s, e] of ranges) n += Math.max(0, Math.min(e, window.length) - Math.max(0, s));
  const out = new Float32Array(n);
  let o = 0;
  for (const [s, e] of ranges) {
    const a = Math.max(0, s);
    const b = Math.min(e, window.length);
    if (b > a) {
      out.set(window.subarray(a, b), o);
      o += b - a;
    }
  }
  return out;
}

/**
 * Window starts (in samples) over a file of `totalSamples`: every `stepSamples`, and one last
 * window aligned to the end so the tail is covered; a file shorter than one window gets one
 * window at 0 (zero-padded by the caller).
 */
export function windowStarts(totalSamples: number, windowSamples: number, stepSamples: number): number[] {
  if (totalSamples <= windowSamples) return [0];
  const starts: number[] = [];
  for (let s = 0; s + windowSamples <= totalSamples; s += stepSamples) starts.push(s);
  const lastEnd = starts[starts.length - 1] + windowSamples;
  if (lastEnd < totalSamples) starts.push(totalSamples - windowSamples);
  return starts;
}
