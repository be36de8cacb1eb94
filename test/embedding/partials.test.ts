import { describe, expect, it } from 'vitest';
import { computePartialSlices, roundHalfEven } from '../../src/embedding/partials.js';

const opts = { partialsPerSec: 1.3, minCoverage: 0.75, partialFrames: 160, hopSamples: 160, sampleRateHz: 16000 };

describe('computePartialSlices (Resemblyzer compute_partial_slices)', () => {
  // Expected start frames printed by resemblyzer 0.1.4 VoiceEncoder.compute_partial_slices(n, 1.3, 0.75).
  it.each([
    [0, [0]],
    [100, [0]],
    [25600, [0]],
    [19201, [0]],
    [40000, [0, 77]],
    [126080, [0, 77, 154, 231, 308, 385, 462, 539, 616]],
    [160000, [0, 77, 154, 231, 308, 385, 462, 539, 616, 693, 770, 847]],
  ])('%i samples -> partials starting at %j', (n, starts) => {
    const slices = computePartialSlices(n, opts);
    expect(slices.map((s) => s.startFrame)).toEqual(starts);
    for (const s of slices) {
      expect(s.endFrame - s.startFrame).toBe(160);
      expect(s.startSample).toBe(s.startFrame * 160);
      expect(s.endSample).toBe(s.endFrame * 160);
    }
  });

  it('rejects a rate too low for 1.6 s partials', () => {
    expect(() => computePartialSlices(1000, { ...opts, partialsPerSec: 0.5 })).toThrow(RangeError);
  });
});

describe('roundHalfEven', () => {
  it('rounds halves to even like numpy', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6, 76.923].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 2, 3, 77]);
  });
});
