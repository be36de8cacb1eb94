import { describe, expect, it } from 'vitest';
import { absorbShortRuns, planWindows, reconstructTurns } from '../../src/pipeline/reconstruction.js';

describe('planWindows', () => {
  it('tiles long regions with the last window at the end, keeps short ones whole, drops tiny ones', () => {
    const w = planWindows(
      [
        { startSec: 0, endSec: 3 },
        { startSec: 5, endSec: 6 },
        { startSec: 8, endSec: 8.1 },
      ],
      1.5,
      0.75,
      0.3,
    );
    expect(w.map((x) => [x.startSec, x.endSec, x.region])).toEqual([
      [0, 1.5, 0],
      [0.75, 2.25, 0],
      [1.5, 3, 0],
      [5, 6, 1],
    ]);
  });
});

describe('reconstructTurns', () => {
  const cfg = { frameSec: 0.1, minTurnSec: 0.3, maxBorrowSec: 3 };

  it('splits a region between two speakers at the midpoint of the window centres', () => {
    const regions = [{ startSec: 0, endSec: 4 }];
    const windows = planWindows(regions, 1, 1, 0.3); // 0-1, 1-2, 2-3, 3-4
    const turns = reconstructTurns(regions, windows, [0, 0, 1, 1], ['A', 'B'], cfg);
    expect(turns).toEqual([
      { startSec: 0, endSec: 2, speaker: 'A' },
      { startSec: 2, endSec: 4, speaker: 'B' },
    ]);
  });

  it('gives a region with no window the nearest window label and skips invalid windows', () => {
    const regions = [
      { startSec: 0, endSec: 2 },
      { startSec: 2.5, endSec: 2.7 },
      { startSec: 10, endSec: 11 },
    ];
    const windows = planWindows(regions, 2, 1, 0.3);
    const turns = reconstructTurns(regions, windows, [1, -1], ['A', 'B'], cfg);
    expect(turns).toEqual([
      { startSec: 0, endSec: 2, speaker: 'B' },
      { startSec: 2.5, endSec: 2.7, speaker: 'B' },
    ]);
  });
});

describe('absorbShortRuns', () => {
  it('merges runs shorter than the minimum into the longer neighbour', () => {
    const l = Int32Array.from([0, 0, 0, 0, 1, 0, 0, 2, 2, 2, 2, 2]);
    absorbShortRuns(l, 2);
    expect(Array.from(l)).toEqual([0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2]);
  });
});
