/**
 * Real-input power spectrum |X[k]|^2, k = 0..size/2, behind one small interface so the
 * WASM core can replace it. fft.js only does powers of two; Resemblyzer needs size 400,
 * so other even sizes use a half-size complex DFT (real packing) computed with Bluestein's
 * chirp-z algorithm on a power-of-two fft.js transform. Everything is float64.
 */
import FFT from 'fft.js';
import { ConfigError } from '../errors/index.js';

export interface RealFft {
  readonly size: number;
  /** size/2 + 1 */
  readonly bins: number;
  /** `frame` has `size` samples (already windowed); `out` receives `bins` values. */
  powerSpectrum(frame: Float64Array, out: Float64Array): void;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

export function createRealFft(size: number): RealFft {
  if (!Number.isInteger(size) || size < 4 || size % 2 !== 0) {
    throw new ConfigError('fftSize', 'an even integer >= 4', size);
  }
  return isPowerOfTwo(size) ? new Pow2RealFft(size) : new PackedRealFft(size);
}

class Pow2RealFft implements RealFft {
  readonly bins: number;
  private readonly fft: FFT;
  private readonly out: number[];

  constructor(readonly size: number) {
    this.bins = size / 2 + 1;
    this.fft = new FFT(size);
    this.out = this.fft.createComplexArray() as number[];
  }

  powerSpectrum(frame: Float64Array, out: Float64Array): void {
    // realTransform fills bins 0..size/2 (the left half), which is all we need.
    this.fft.realTransform(this.out, frame);
    const o = this.out;
    for (let k = 0; k < this.bins; k++) {
      const re = o[2 * k];
      const im = o[2 * k + 1];
      out[k] = re * re + im * im;
    }
  }
}

/** Complex DFT of any length m by Bluestein: a circular convolution of length 2^p >= 2m-1. */
export class BluesteinDft {
  readonly convSize: number;
  private readonly fft: FFT;
  /** chirp w[n] = exp(-i*pi*n^2/m), interleaved re/im */
  private readonly chirp: Float64Array;
  /** FFT of the conjugate chirp laid out for circular convolution */
  private readonly chirpSpectrum: Float64Array;
  private readonly a: Float64Array;
  private readonly aSpec: Float64Array;
  private readonly conv: Float64Array;

  constructor(readonly m: number) {
    let L = 1;
    while (L < 2 * m - 1) L *= 2;
    this.convSize = L;
    this.fft = new FFT(L);
    this.chirp = new Float64Array(2 * m);
    for (let n = 0; n < m; n++) {
      // n^2 mod 2m keeps the angle exact for large n (n^2 grows past float precision otherwise).
      const angle = (Math.PI * ((n * n) % (2 * m))) / m;
      this.chirp[2 * n] = Math.cos(angle);
      this.chirp[2 * n + 1] = -Math.sin(angle);
    }
    const b = new Float64Array(2 * L);
    for (let n = 0; n < m; n++) {
      const re = this.chirp[2 * n];
      const im = -this.chirp[2 * n + 1];
      b[2 * n] = re;
      b[2 * n + 1] = im;
      if (n > 0) {
        b[2 * (L - n)] = re;
        b[2 * (L - n) + 1] = im;
      }
    }
    this.chirpSpectrum = new Float64Array(2 * L);
    this.fft.transform(this.chirpSpectrum, b);
    this.a = new Float64Array(2 * L);
    this.aSpec = new Float64Array(2 * L);
    this.conv = new Float64Array(2 * L);
  }

  /** input/output interleaved re/im of length 2m (may be the same array). */
  transform(input: Float64Array, output: Float64Array): void {
    const { m, a, chirp } = this;
    a.fill(0);
    for (let n = 0; n < m; n++) {
      const xr = input[2 * n];
      const xi = input[2 * n + 1];
      const cr = chirp[2 * n];
      const ci = chirp[2 * n + 1];
      a[2 * n] = xr * cr - xi * ci;
      a[2 * n + 1] = xr * ci + xi * cr;
    }
    this.fft.transform(this.aSpec, a);
    const s = this.aSpec;
    const B = this.chirpSpectrum;
    for (let k = 0; k < this.convSize; k++) {
      const ar = s[2 * k];
      const ai = s[2 * k + 1];
      const br = B[2 * k];
      const bi = B[2 * k + 1];
      s[2 * k] = ar * br - ai * bi;
      s[2 * k + 1] = ar * bi + ai * br;
    }
    this.fft.inverseTransform(this.conv, s);
    const c = this.conv;
    for (let k = 0; k < m; k++) {
      const vr = c[2 * k];
      const vi = c[2 * k + 1];
      const cr = chirp[2 * k];
      const ci = chirp[2 * k + 1];
      output[2 * k] = vr * cr - vi * ci;
      output[2 * k + 1] = vr * ci + vi * cr;
    }
  }
}

/**
 * Real DFT of even size n via one complex DFT of size n/2 on z[j] = x[2j] + i x[2j+1]:
 * X[k] = (Z[k] + conj Z[m-k])/2 - i e^{-2 pi i k/n} (Z[k] - conj Z[m-k])/2.
 */
export class PackedRealFft implements RealFft {
  readonly bins: number;
  private readonly half: number;
  private readonly dft: BluesteinDft;
  private readonly z: Float64Array;
  private readonly twiddle: Float64Array;

  constructor(readonly size: number) {
    this.half = size / 2;
    this.bins = this.half + 1;
    this.dft = new BluesteinDft(this.half);
    this.z = new Float64Array(2 * this.half);
    this.twiddle = new Float64Array(2 * this.bins);
    for (let k = 0; k < this.bins; k++) {
      const angle = (-2 * Math.PI * k) / size;
      this.twiddle[2 * k] = Math.cos(angle);
      this.twiddle[2 * k + 1] = Math.sin(angle);
    }
  }

  powerSpectrum(frame: Float64Array, out: Float64Array): void {
    const m = this.half;
    const z = this.z;
    for (let j = 0; j < m; j++) {
      z[2 * j] = frame[2 * j];
      z[2 * j + 1] = frame[2 * j + 1];
    }
    this.dft.transform(z, z);
    const t = this.twiddle;
    for (let k = 0; k <= m; k++) {
      const i1 = k % m;
      const i2 = (m - k) % m;
      const zr = z[2 * i1];
      const zi = z[2 * i1 + 1];
      const cr = z[2 * i2];
      const ci = -z[2 * i2 + 1];
      const er = 0.5 * (zr + cr);
      const ei = 0.5 * (zi + ci);
      const dr = 0.5 * (zr - cr);
      const di = 0.5 * (zi - ci);
      // o = -i * d = (di, -dr); then multiply by twiddle
      const orr = di;
      const oi = -dr;
      const wr = t[2 * k];
      const wi = t[2 * k + 1];
      const xr = er + (orr * wr - oi * wi);
      const xi = ei + (orr * wi + oi * wr);
      out[k] = xr * xr + xi * xi;
    }
  }
}
