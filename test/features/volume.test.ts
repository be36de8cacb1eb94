import { describe, expect, it } from 'vitest';
import { normalizeVolume } from '../../src/features/volume.js';

function dbfs(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return 20 * Math.log10(Math.sqrt(s / x.length));
}

describe('normalizeVolume (Resemblyzer normalize_volume, -30 dBFS, increase only)', () => {
  it('raises quiet audio to -30 dBFS RMS', () => {
    const x = new Float32Array(1000).map((_, i) => 0.001 * Math.sin(i / 3));
    const y = normalizeVolume(x);
    expect(dbfs(y)).toBeCloseTo(-30, 4);
    expect(x[5]).toBeCloseTo(0.001 * Math.sin(5 / 3), 9); // input untouched
  });
  it('leaves loud audio as it is (increase only)', () => {
    const x = new Float32Array(1000).map((_, i) => 0.5 * Math.sin(i / 3));
    expect(Array.from(normalizeVolume(x))).toEqual(Array.from(x));
  });
  it('can lower with increaseOnly false', () => {
    const x = new Float32Array(1000).map((_, i) => 0.5 * Math.sin(i / 3));
    expect(dbfs(normalizeVolume(x, { increaseOnly: false }))).toBeCloseTo(-30, 4);
  });
  it('returns silence unchanged instead of NaN', () => {
    const y = normalizeVolume(new Float32Array(100));
    expect(y.every((v) => v === 0)).toBe(true);
    expect(normalizeVolume(new Float32Array(0)).length).toBe(0);
  });
});
