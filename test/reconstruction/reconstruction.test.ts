import { describe, expect, it } from 'vitest';
import { reconstructTurns, speechSecBySpeaker, type LabelledWindow } from '../../src/reconstruction/index.js';
import type { FrameGeometry } from '../../src/segmentation/chunks.js';

// 10 frames per window, one frame = 10 samples at 100 Hz = 0.1 s; receptive field 10 samples.
const G: FrameGeometry = { stepSamples: 10, durationSamples: 10, frames: 10, speakers: 2 };
const cfg = { minGapSec: 0, minTurnSec: 0, ownerWeight: 0, minFit: -1 };

function win(startSample: number, rows: Array<[number, number]>, labels: number[]): LabelledWindow {
  return { startSample, active: Uint8Array.from(rows.flat()), labels };
}

describe('reconstructTurns', () => {
  it('maps local speakers of consecutive windows to global turns, overlap kept for both', () => {
    const rows1: Array<[number, number]> = [
      [1, 0],
      [1, 0],
      [1, 0],
      [1, 0],
      [1, 0],
      [1, 1],
      [1, 1],
      [0, 1],
      [0, 1],
      [0, 1],
    ];
    // Second window starts 5 frames later; its local speakers are in the other order.
    const rows2: Array<[number, number]> = [
      [1, 1],
      [1, 1],
      [1, 0],
      [1, 0],
      [1, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ];
    const turns = reconstructTurns([win(0, rows1, [0, 1]), win(50, rows2, [1, 0])], G, 100, 150, 2, cfg);
    expect(turns.map((t) => [t.speaker, +t.startSec.toFixed(2), +t.endSec.toFixed(2)])).toEqual([
      [0, 0, 0.7],
      [1, 0.5, 1.0],
    ]);
    const speech = speechSecBySpeaker(turns, 2);
    expect(+speech[0].toFixed(2)).toBe(0.7);
    expect(+speech[1].toFixed(2)).toBe(0.5);
  });

  it('where two windows disagree, the window that owns the frames decides (not the lower speaker index)', () => {
    // Both windows cover the same 10 frames with one voice: window A calls it speaker 1, window B
    // (its local speaker not embedded there) speaker 0. One speaker per frame.
    const rows: Array<[number, number]> = Array.from({ length: 10 }, () => [1, 0] as [number, number]);
    const a: LabelledWindow = { ...win(0, rows, [1, -1]), owned: { fromFrame: 0, toFrame: 10 } };
    const b: LabelledWindow = { ...win(0, rows, [0, -1]), owned: { fromFrame: 0, toFrame: 0 } };
    const tie = reconstructTurns([a, b], G, 100, 100, 2, cfg);
    expect(tie.map((t) => t.speaker)).toEqual([0]);
    const owned = reconstructTurns([a, b], G, 100, 100, 2, { ...cfg, ownerWeight: 1 });
    expect(owned.map((t) => t.speaker)).toEqual([1]);
  });

  it('gives no turn to speech of local speakers without a global label', () => {
    const rows: Array<[number, number]> = Array.from({ length: 10 }, () => [1, 0] as [number, number]);
    expect(reconstructTurns([win(0, rows, [-1, -1])], G, 100, 100, 1, cfg)).toEqual([]);
  });

  it('a local speaker whose chunk does not fit its global speaker gives it no frames', () => {
    const rows: Array<[number, number]> = Array.from({ length: 10 }, (_, f) => [1, f >= 5 ? 1 : 0] as [number, number]);
    const w: LabelledWindow = { ...win(0, rows, [0, 1]), fits: [0.7, 0.39] };
    const spans = (minFit: number) =>
      reconstructTurns([w], G, 100, 100, 2, { ...cfg, minFit }).map((t) => [t.speaker, +t.startSec.toFixed(2), +t.endSec.toFixed(2)]);
    expect(spans(-1)).toEqual([
      [0, 0, 1],
      [1, 0.5, 1],
    ]);
    expect(spans(0.4)).toEqual([[0, 0, 1]]);
    expect(spans(0.39)).toEqual(spans(-1));
  });

  it('bridges short gaps and drops flicker', () => {
    const rows: Array<[number, number]> = [
      [1, 0],
      [1, 0],
      [0, 0],
      [1, 0],
      [1, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 1],
      [0, 0],
    ];
    const turns = reconstructTurns([win(0, rows, [0, 1])], G, 100, 100, 2, {
      minGapSec: 0.15,
      minTurnSec: 0.15,
      ownerWeight: 0,
      minFit: -1,
    });
    expect(turns.map((t) => [t.speaker, +t.startSec.toFixed(2), +t.endSec.toFixed(2)])).toEqual([[0, 0, 0.5]]);
  });
});
