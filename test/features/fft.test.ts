import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MixedRadixDft, PackedRealFft, createRealFft, smallFactors } from '../../src/features/fft.js';

function naivePower(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((k * j) % n)) / n;
      re += x[j] * Math.cos(a);
      im += x[j] * Math.sin(a);
    }
    out[k] = re * re + im * im;
  }
  return out;
}

function maxRelErr(got: Float64Array, want: Float64Array): number {
  let peak = 0;
  for (const v of want) peak = Math.max(peak, Math.abs(v));
  if (peak === 0) peak = 1; // all-zero input: compare absolutely
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / peak);
  return worst;
}

describe('createRealFft', () => {
  it.each([400, 512, 6, 50, 256, 480])('power spectrum of size %i matches a direct DFT', (size) => {
    const fft = createRealFft(size);
    expect(fft.bins).toBe(size / 2 + 1);
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: size, maxLength: size }), (xs) => {
        const x = Float64Array.from(xs);
        const out = new Float64Array(fft.bins);
        fft.powerSpectrum(x, out);
        expect(maxRelErr(out, naivePower(x))).toBeLessThan(1e-10);
      }),
      { numRuns: 8 },
    );
  });

  it('puts a pure cosine at its bin', () => {
    const fft = createRealFft(400);
    const x = new Float64Array(400);
    for (let j = 0; j < 400; j++) x[j] = Math.cos((2 * Math.PI * 37 * j) / 400);
    const out = new Float64Array(fft.bins);
    fft.powerSpectrum(x, out);
    expect(out[37]).toBeCloseTo(200 * 200, 6);
    expect(out[36]).toBeLessThan(1e-18 * 1e6);
  });

  it('rejects odd or tiny sizes, and halves with a prime factor above 5, with a ConfigError', () => {
    expect(() => createRealFft(401)).toThrow(/fftSize/);
    expect(() => createRealFft(2)).toThrow(/fftSize/);
    expect(() => createRealFft(398)).toThrow(/fftSize/); // 199 is prime
  });
});

describe('PackedRealFft', () => {
  it('equals the fft.js path at a power-of-two size', () => {
    const packed = new PackedRealFft(512);
    const pow2 = createRealFft(512);
    const x = new Float64Array(512).map((_, i) => Math.sin(i * 0.11) * Math.cos(i * 0.013));
    const a = new Float64Array(257);
    const b = new Float64Array(257);
    packed.powerSpectrum(x, a);
    pow2.powerSpectrum(x, b);
    expect(maxRelErr(a, b)).toBeLessThan(1e-12);
  });
});

function naiveComplex(x: Float64Array, m: number): Float64Array {
  const out = new Float64Array(2 * m);
  for (let k = 0; k < m; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < m; j++) {
      const a = (-2 * Math.PI * ((k * j) % m)) / m;
      re += x[2 * j] * Math.cos(a) - x[2 * j + 1] * Math.sin(a);
      im += x[2 * j] * Math.sin(a) + x[2 * j + 1] * Math.cos(a);
    }
    out[2 * k] = re;
    out[2 * k + 1] = im;
  }
  return out;
}

describe('MixedRadixDft', () => {
  it.each([1, 2, 3, 4, 5, 8, 12, 45, 60, 200, 250, 512])('matches a direct complex DFT for length %i', (m) => {
    const dft = new MixedRadixDft(m);
    const x = new Float64Array(2 * m).map((_, i) => Math.sin(i * 0.37) + 0.1 * Math.cos(i * 1.7));
    const got = new Float64Array(2 * m);
    dft.transform(x, got);
    const want = naiveComplex(x, m);
    for (let i = 0; i < 2 * m; i++) expect(got[i]).toBeCloseTo(want[i], 9);
  });
  it('factors into 4, 2, 3, 5 or refuses', () => {
    expect(smallFactors(200)).toEqual([4, 2, 5, 5]);
    expect(smallFactors(199)).toBeNull();
    expect(() => new MixedRadixDft(14)).toThrow(RangeError);
  });
});
