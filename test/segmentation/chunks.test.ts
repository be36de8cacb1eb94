import { describe, expect, it } from 'vitest';
import {
  frameSampleRange,
  gatherChunk,
  localChunks,
  ownedFrames,
  windowStarts,
  type FrameGeometry,
} from '../../src/segmentation/chunks.js';

const G: FrameGeometry = { stepSamples: 10, durationSamples: 30, frames: 10, speakers: 2 };

function activity(rows: Array<[number, number]>): Uint8Array {
  return Uint8Array.from(rows.flat());
}

describe('windowStarts', () => {
  it('steps and adds a last window aligned to the end', () => {
    expect(windowStarts(25, 10, 5)).toEqual([0, 5, 10, 15]);
    expect(windowStarts(27, 10, 5)).toEqual([0, 5, 10, 15, 17]);
    expect(windowStarts(8, 10, 5)).toEqual([0]);
  });
});

describe('localChunks', () => {
  it('takes the frames where a speaker is alone; overlap frames are left out', () => {
    // speaker 0 frames 0-5, speaker 1 frames 4-9: overlap at 4-5
    const a = activity([
      [1, 0],
      [1, 0],
      [1, 0],
      [1, 0],
      [1, 1],
      [1, 1],
      [0, 1],
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
    const chunks = localChunks(a, G, 30, 1000);
    expect(chunks.map((c) => [c.speaker, c.clean, c.samples])).toEqual([
      [0, true, 40],
      [1, true, 40],
    ]);
    expect(chunks[0].ranges).toEqual([frameSampleRange(0, G).map((x, i) => (i === 0 ? x : frameSampleRange(3, G)[1]))]);
  });

  it('falls back to overlapped frames when a speaker is never alone long enough, and drops one with too little speech', () => {
    const a = activity([
      [1, 1],
      [1, 1],
      [1, 1],
      [1, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    const chunks = localChunks(a, G, 30, 1000);
    expect(chunks.map((c) => [c.speaker, c.clean, c.samples])).toEqual([
      [0, false, 40],
      [1, false, 30],
    ]);
    expect(localChunks(a, G, 50, 1000)).toEqual([]);
  });

  it('caps a chunk at maxSamples, frames nearest the window centre first', () => {
    const a = activity(Array.from({ length: 10 }, () => [1, 0] as [number, number]));
    const [c] = localChunks(a, G, 10, 40);
    expect(c.samples).toBe(40);
    // centre frame 4.5: frames 3..6
    expect(c.ranges).toEqual([[frameSampleRange(3, G)[0], frameSampleRange(6, G)[1]]]);
  });
});

describe('gatherChunk', () => {
  it('concatenates ranges, clipped to the window', () => {
    const w = Float32Array.from({ length: 10 }, (_, i) => i);
    expect(
      Array.from(
        gatherChunk(w, [
          [-2, 2],
          [5, 7],
          [9, 12],
        ]),
      ),
    ).toEqual([0, 1, 5, 6, 9]);
  });

  it("takes only the frames the window owns, nearest the owned part's centre first", () => {
    const a = activity(Array.from({ length: 10 }, () => [1, 0] as [number, number]));
    const [c] = localChunks(a, G, 10, 40, { fromFrame: 5, toFrame: 10 });
    // owned centre 7: frames 5..8 (ties to the earlier frame)
    expect(c.ranges).toEqual([[frameSampleRange(5, G)[0], frameSampleRange(8, G)[1]]]);
    expect(localChunks(a, G, 10, 40, { fromFrame: 3, toFrame: 3 })).toEqual([]);
  });
});

describe('ownedFrames', () => {
  // Windows of 120 samples (frames centred at 15, 25, ..., 105) every 60 samples.
  it("shares overlapping windows' frames out once: each frame to the window whose centre is nearest", () => {
    const owned = [0, 60, 120].map((s, i, all) => ownedFrames(G, 120, s, all[i - 1], all[i + 1]));
    // Boundaries at 30 + 60 = 90 from window 0's start, i.e. 30 inside window 1.
    expect(owned).toEqual([
      { fromFrame: 0, toFrame: 8 },
      { fromFrame: 2, toFrame: 8 },
      { fromFrame: 2, toFrame: 10 },
    ]);
    // Every frame centre of the file, 15, 25, ..., exactly once.
    const centres = owned.flatMap((o, w) =>
      Array.from({ length: o.toFrame - o.fromFrame }, (_, k) => w * 60 + (o.fromFrame + k) * G.stepSamples + G.durationSamples / 2),
    );
    expect(centres).toEqual(Array.from({ length: centres.length }, (_, i) => 15 + 10 * i));
  });

  it('gives the first window everything before and the last everything after', () => {
    expect(ownedFrames(G, 120, 0, undefined, undefined)).toEqual({ fromFrame: 0, toFrame: 10 });
  });
});
