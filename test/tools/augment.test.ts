import { describe, expect, it } from 'vitest';
import { makeMusic } from '../../tools/lib/augment.js';

describe('makeMusic (synthetic music beds for training conversations)', () => {
  it('is deterministic by seed and differs across seeds', () => {
    const a = makeMusic(16000, 3);
    expect(makeMusic(16000, 3)).toEqual(a);
    expect(makeMusic(16000, 4)).not.toEqual(a);
  });
  it('is finite, audible and starts with a beat', () => {
    const x = makeMusic(32000, 1);
    let energy = 0;
    for (const v of x) {
      expect(Number.isFinite(v)).toBe(true);
      energy += v * v;
    }
    expect(Math.sqrt(energy / x.length)).toBeGreaterThan(0.05);
    expect(x[0]).toBe(0); // sin(0) of both the first note and the kick
  });
  it("is tonal: most energy sits near the scale's harmonics, not spread like noise", () => {
    // Zero-crossing rate of white noise at 16 kHz is ~0.5; music below 1 kHz is far lower.
    const x = makeMusic(48000, 2);
    let crossings = 0;
    for (let i = 1; i < x.length; i++) if (x[i - 1] < 0 !== x[i] < 0) crossings++;
    expect(crossings / x.length).toBeLessThan(0.1);
  });
});
