/**
 * Real-input power spectrum |X[k]|^2, k = 0..size/2, behind one small interface so the
 * WASM core can replace it. fft.js only does powers of two; Resemblyzer needs size 400,
 * so other even sizes use a half-size complex DFT (real packing): a mixed-radix (2/3/4/5)
 * Stockham FFT, so size/2 must factor that way (200 = 4*2*5*5), as in the WASM core.
 * Everything is float64.
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

/** What createRealFft accepts: an even integer >= 4 whose half has no prime factor above 5 (or a power of two). */
export function isSupportedFftSize(size: number): boolean {
  return Number.isInteger(size) && size >= 4 && size % 2 === 0 && (isPowerOfTwo(size) || smallFactors(size / 2) !== null);
}

export const FFT_SIZE_EXPECTED = 'an even integer >= 4 whose half has no prime factor above 5 (e.g. 400, 480, 512)';

export function createRealFft(size: number): RealFft {
  if (!isSupportedFftSize(size)) throw new ConfigError('fftSize', FFT_SIZE_EXPECTED, size);
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

/** A complex DFT of fixed length m; input/output interleaved re/im (2m numbers). */
export interface ComplexDft {
  readonly m: number;
  transform(input: Float64Array, output: Float64Array): void;
}

/** Factors of m into 4, 2, 3, 5 (largest radix-4 count first), or null if another prime divides m. */
export function smallFactors(m: number): number[] | null {
  const f: number[] = [];
  let r = m;
  while (r % 4 === 0) {
    f.push(4);
    r /= 4;
  }
  for (const p of [2, 3, 5]) {
    while (r % p === 0) {
      f.push(p);
      r /= p;
    }
  }
  return r === 1 ? f : null;
}

interface Stage {
  p: number;
  /** sub-length n/p at this stage */
  m: number;
  /** stride s (product of the previous radices) */
  s: number;
  /** twiddles exp(-2 pi i r j / n) for j < m, r < p: [(j*p + r)*2] */
  tw: Float64Array;
}

/**
 * Self-sorting (Stockham) decimation-in-frequency FFT for lengths whose prime factors are
 * 2, 3, 5: stage with radix p maps x[k + s(j + q m)] to y[k + s(p j + r)] =
 * w_n^{r j} * sum_q x[...] w_p^{r q}; no bit reversal, results land in natural order.
 */
export class MixedRadixDft implements ComplexDft {
  private readonly stages: Stage[];
  private readonly bufA: Float64Array;
  private readonly bufB: Float64Array;
  /** p-point DFT tables cos/sin(2 pi k / p) for p = 3, 5 */
  private readonly rootCos = new Map<number, Float64Array>();
  private readonly rootSin = new Map<number, Float64Array>();

  constructor(readonly m: number) {
    const factors = smallFactors(m);
    if (factors === null || m < 1) throw new RangeError(`MixedRadixDft: length ${m} has a prime factor above 5`);
    this.stages = [];
    let n = m;
    let s = 1;
    for (const p of factors) {
      const sub = n / p;
      const tw = new Float64Array(2 * n);
      for (let j = 0; j < sub; j++) {
        for (let r = 0; r < p; r++) {
          const a = (-2 * Math.PI * ((r * j) % n)) / n;
          tw[2 * (j * p + r)] = Math.cos(a);
          tw[2 * (j * p + r) + 1] = Math.sin(a);
        }
      }
      this.stages.push({ p, m: sub, s, tw });
      if (!this.rootCos.has(p)) {
        this.rootCos.set(
          p,
          Float64Array.from({ length: p }, (_, k) => Math.cos((2 * Math.PI * k) / p)),
        );
        this.rootSin.set(
          p,
          Float64Array.from({ length: p }, (_, k) => Math.sin((2 * Math.PI * k) / p)),
        );
      }
      n = sub;
      s *= p;
    }
    this.bufA = new Float64Array(2 * m);
    this.bufB = new Float64Array(2 * m);
  }

  transform(input: Float64Array, output: Float64Array): void {
    let x = this.bufA;
    let y = this.bufB;
    x.set(input.subarray(0, 2 * this.m));
    for (const st of this.stages) {
      if (st.p === 4) this.radix4(st, x, y);
      else if (st.p === 2) this.radix2(st, x, y);
      else if (st.p === 5) this.radix5(st, x, y);
      else this.radixGeneric(st, x, y);
      const t = x;
      x = y;
      y = t;
    }
    output.set(x);
  }

  private radix2({ m, s, tw }: Stage, x: Float64Array, y: Float64Array): void {
    for (let j = 0; j < m; j++) {
      const wr = tw[2 * (2 * j + 1)];
      const wi = tw[2 * (2 * j + 1) + 1];
      for (let k = 0; k < s; k++) {
        const ia = 2 * (k + s * j);
        const ib = 2 * (k + s * (j + m));
        const ar = x[ia],
          ai = x[ia + 1],
          br = x[ib],
          bi = x[ib + 1];
        const o0 = 2 * (k + s * 2 * j);
        const o1 = o0 + 2 * s;
        y[o0] = ar + br;
        y[o0 + 1] = ai + bi;
        const dr = ar - br,
          di = ai - bi;
        y[o1] = dr * wr - di * wi;
        y[o1 + 1] = dr * wi + di * wr;
      }
    }
  }

  private radix4({ m, s, tw }: Stage, x: Float64Array, y: Float64Array): void {
    for (let j = 0; j < m; j++) {
      const t = 2 * 4 * j;
      const w1r = tw[t + 2],
        w1i = tw[t + 3],
        w2r = tw[t + 4],
        w2i = tw[t + 5],
        w3r = tw[t + 6],
        w3i = tw[t + 7];
      for (let k = 0; k < s; k++) {
        const i0 = 2 * (k + s * j);
        const st = 2 * s * m;
        const i1 = i0 + st,
          i2 = i1 + st,
          i3 = i2 + st;
        const ar = x[i0],
          ai = x[i0 + 1],
          br = x[i1],
          bi = x[i1 + 1];
        const cr = x[i2],
          ci = x[i2 + 1],
          dr = x[i3],
          di = x[i3 + 1];
        // 4-point DFT with w4 = -i: y1 = a - i b - c + i d, y3 = a + i b - c - i d
        // Sums and differences of the pairs (a, c) and (b, d): p = plus, m = minus.
        const apcr = ar + cr;
        const apci = ai + ci;
        const amcr = ar - cr;
        const amci = ai - ci;
        const bpdr = br + dr;
        const bpdi = bi + di;
        const bmdr = br - dr;
        const bmdi = bi - di;
        const y0r = apcr + bpdr,
          y0i = apci + bpdi;
        const y2r = apcr - bpdr,
          y2i = apci - bpdi;
        const y1r = amcr + bmdi,
          y1i = amci - bmdr;
        const y3r = amcr - bmdi,
          y3i = amci + bmdr;
        const o0 = 2 * (k + s * 4 * j);
        const os = 2 * s;
        y[o0] = y0r;
        y[o0 + 1] = y0i;
        putTwiddled(y, o0 + os, y1r, y1i, w1r, w1i);
        putTwiddled(y, o0 + 2 * os, y2r, y2i, w2r, w2i);
        putTwiddled(y, o0 + 3 * os, y3r, y3i, w3r, w3i);
      }
    }
  }

  private radix5({ m, s, tw }: Stage, x: Float64Array, y: Float64Array): void {
    const c1 = Math.cos((2 * Math.PI) / 5),
      c2 = Math.cos((4 * Math.PI) / 5);
    const s1 = Math.sin((2 * Math.PI) / 5),
      s2 = Math.sin((4 * Math.PI) / 5);
    const st = 2 * s * m;
    const os = 2 * s;
    for (let j = 0; j < m; j++) {
      const t = 2 * 5 * j;
      const w1r = tw[t + 2],
        w1i = tw[t + 3],
        w2r = tw[t + 4],
        w2i = tw[t + 5];
      const w3r = tw[t + 6],
        w3i = tw[t + 7],
        w4r = tw[t + 8],
        w4i = tw[t + 9];
      for (let k = 0; k < s; k++) {
        const i0 = 2 * (k + s * j);
        const a0r = x[i0],
          a0i = x[i0 + 1];
        const a1r = x[i0 + st],
          a1i = x[i0 + st + 1];
        const a2r = x[i0 + 2 * st],
          a2i = x[i0 + 2 * st + 1];
        const a3r = x[i0 + 3 * st],
          a3i = x[i0 + 3 * st + 1];
        const a4r = x[i0 + 4 * st],
          a4i = x[i0 + 4 * st + 1];
        const t1r = a1r + a4r,
          t1i = a1i + a4i,
          t3r = a1r - a4r,
          t3i = a1i - a4i;
        const t2r = a2r + a3r,
          t2i = a2i + a3i,
          t4r = a2r - a3r,
          t4i = a2i - a3i;
        // y1,4 = A -/+ iU; y2,3 = B -/+ iV (w5 = exp(-2 pi i / 5))
        const Ar = a0r + c1 * t1r + c2 * t2r,
          Ai = a0i + c1 * t1i + c2 * t2i;
        const Br = a0r + c2 * t1r + c1 * t2r,
          Bi = a0i + c2 * t1i + c1 * t2i;
        const Ur = s1 * t3r + s2 * t4r,
          Ui = s1 * t3i + s2 * t4i;
        const Vr = s2 * t3r - s1 * t4r,
          Vi = s2 * t3i - s1 * t4i;
        const y1r = Ar + Ui,
          y1i = Ai - Ur,
          y4r = Ar - Ui,
          y4i = Ai + Ur;
        const y2r = Br + Vi,
          y2i = Bi - Vr,
          y3r = Br - Vi,
          y3i = Bi + Vr;
        const o = 2 * (k + s * 5 * j);
        y[o] = a0r + t1r + t2r;
        y[o + 1] = a0i + t1i + t2i;
        putTwiddled(y, o + os, y1r, y1i, w1r, w1i);
        putTwiddled(y, o + 2 * os, y2r, y2i, w2r, w2i);
        putTwiddled(y, o + 3 * os, y3r, y3i, w3r, w3i);
        putTwiddled(y, o + 4 * os, y4r, y4i, w4r, w4i);
      }
    }
  }

  private radixGeneric({ p, m, s, tw }: Stage, x: Float64Array, y: Float64Array): void {
    const cosT = this.rootCos.get(p)!;
    const sinT = this.rootSin.get(p)!;
    for (let j = 0; j < m; j++) {
      for (let k = 0; k < s; k++) {
        for (let r = 0; r < p; r++) {
          let sr = 0;
          let si = 0;
          for (let q = 0; q < p; q++) {
            const idx = 2 * (k + s * (j + q * m));
            const e = (r * q) % p;
            // multiply by exp(-2 pi i e / p)
            const c = cosT[e];
            const sn = -sinT[e];
            sr += x[idx] * c - x[idx + 1] * sn;
            si += x[idx] * sn + x[idx + 1] * c;
          }
          const wr = tw[2 * (j * p + r)];
          const wi = tw[2 * (j * p + r) + 1];
          const o = 2 * (k + s * (p * j + r));
          y[o] = sr * wr - si * wi;
          y[o + 1] = sr * wi + si * wr;
        }
      }
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
  private readonly dft: ComplexDft;
  private readonly z: Float64Array;
  private readonly twiddle: Float64Array;

  constructor(readonly size: number) {
    this.half = size / 2;
    this.bins = this.half + 1;
    this.dft = new MixedRadixDft(this.half);
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

/** y[at], y[at + 1] = (re + i im) * (wr + i wi): one butterfly output times its twiddle. */
function putTwiddled(y: Float64Array, at: number, re: number, im: number, wr: number, wi: number): void {
  y[at] = re * wr - im * wi;
  y[at + 1] = re * wi + im * wr;
}
