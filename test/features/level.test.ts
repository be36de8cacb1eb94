import { describe, expect, it } from 'vitest';
import { frameLevelSpreadDb, rmsDb } from '../../src/features/level.js';

const SR = 16000;
const sine = (sec: number, amp: (t: number) => number) =>
  Float32Array.from({ length: Math.round(sec * SR) }, (_, i) => amp(i / SR) * Math.sin((2 * Math.PI * 440 * i) / SR));

describe('levels of a chunk', () => {
  it('rmsDb: a full-scale sine is -3.01 dB, silence -120 dB', () => {
    expect(rmsDb(sine(1, () => 1))).toBeCloseTo(-3.0103, 3);
    expect(rmsDb(new Float32Array(100))).toBeCloseTo(-120, 6);
  });

  it('a steady tone hardly moves; two levels 20 dB apart, half the time each, spread 10 dB', () => {
    expect(
      frameLevelSpreadDb(
        sine(2, () => 0.3),
        SR,
      ),
    ).toBeLessThan(0.05);
    // 200 ms blocks alternately at 0.5 and 0.05: a frame straddling a step lies between (3 of 20 per block).
    const steps = frameLevelSpreadDb(
      sine(2, (t) => (Math.floor(t / 0.2) % 2 === 0 ? 0.5 : 0.05)),
      SR,
    );
    expect(steps).toBeGreaterThan(9);
    expect(steps).toBeLessThan(10.01);
  });

  it('is NaN under 10 frames (115 ms)', () => {
    expect(
      frameLevelSpreadDb(
        sine(0.1, () => 0.3),
        SR,
      ),
    ).toBeNaN();
    expect(
      frameLevelSpreadDb(
        sine(0.12, () => 0.3),
        SR,
      ),
    ).not.toBeNaN();
  });
});
