/**
 * Synthetic room impulse responses for the film-style simulator (tools/lib/film.ts): a direct
 * path, first-order image-method reflections of a shoebox room, and a late tail of exponentially
 * decaying noise whose high band decays faster than its low band, as in real rooms.
 * Deterministic from the caller's RNG (tools/lib/rng.ts).
 */
import FFT from 'fft.js';

const SPEED_OF_SOUND_MPS = 343;

export interface RoomSpec {
  /** Time for the reverberant energy to fall by 60 dB. */
  rt60Sec: number;
  /** Shoebox length, width, height. */
  dimsM: [number, number, number];
  /** Source and microphone positions inside the room. */
  sourceM: [number, number, number];
  micM: [number, number, number];
}

/** A room 3-12 m long with RT60 in `rt60Range`, a source and a microphone at random places in it. */
export function drawRoom(rand: () => number, rt60Range: [number, number] = [0.2, 1.0]): RoomSpec {
  const lx = 3 + rand() * 9;
  const ly = Math.max(2.5, lx * (0.5 + rand() * 0.5));
  const lz = 2.4 + rand() * 1.6;
  const inside = (l: number) => 0.5 + rand() * (l - 1);
  return {
    rt60Sec: rt60Range[0] + rand() * (rt60Range[1] - rt60Range[0]),
    dimsM: [lx, ly, lz],
    sourceM: [inside(lx), inside(ly), 1.2 + rand() * 0.6],
    micM: [inside(lx), inside(ly), 1.0 + rand() * 1.0],
  };
}

const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/**
 * The room's impulse response, direct path at sample 0 with gain 1 (so that a convolved turn
 * keeps its timing). The late tail's energy relative to the direct path follows the source
 * distance and the critical distance 0.057 * sqrt(V / RT60): a far talker in a live room is
 * mostly reverberation.
 */
export function synthRir(room: RoomSpec, rand: () => number, rateHz = 16000): Float32Array {
  const { rt60Sec, dimsM, sourceM, micM } = room;
  const [lx, ly, lz] = dimsM;
  const volume = lx * ly * lz;
  const surface = 2 * (lx * ly + lx * lz + ly * lz);
  const alpha = Math.min(0.95, (0.161 * volume) / (surface * rt60Sec)); // Sabine
  const beta = Math.sqrt(1 - alpha);
  const r0 = Math.max(0.3, dist(sourceM, micM));
  const n = Math.ceil((rt60Sec + 0.05) * rateHz);
  const h = new Float32Array(n);
  h[0] = 1;
  // First-order images: the source mirrored in each of the six walls.
  for (let axis = 0; axis < 3; axis++) {
    for (const wall of [0, dimsM[axis]]) {
      const img = [...sourceM] as [number, number, number];
      img[axis] = 2 * wall - sourceM[axis];
      const ri = dist(img, micM);
      const k = Math.round(((ri - r0) / SPEED_OF_SOUND_MPS) * rateHz);
      if (k > 0 && k < n) h[k] += (beta * r0) / ri;
    }
  }
  // Late tail: noise split in two bands by a one-pole low-pass, the high band decaying at 0.7 x RT60.
  const onset = Math.round(((Math.min(lx, ly, lz) / SPEED_OF_SOUND_MPS) * rateHz) / 2);
  const tail = new Float64Array(n);
  const decayLo = 6.9078 / rt60Sec / rateHz; // amplitude: 60 dB of energy over RT60
  const decayHi = decayLo / 0.7;
  let lp = 0;
  const a = Math.exp((-2 * Math.PI * 1500) / rateHz);
  for (let i = onset; i < n; i++) {
    const w = gauss(rand);
    lp = a * lp + (1 - a) * w;
    const ramp = Math.min(1, (i - onset + 1) / Math.max(1, onset));
    tail[i] = ramp * (lp * Math.exp(-decayLo * i) + (w - lp) * Math.exp(-decayHi * i));
  }
  let e = 0;
  for (let i = 0; i < n; i++) e += tail[i] * tail[i];
  const criticalM = 0.057 * Math.sqrt(volume / rt60Sec);
  // Direct energy is 1 at r0 (h[0] = 1); diffuse energy is (r0 / rc)^2 of it.
  const g = e > 0 ? r0 / criticalM / Math.sqrt(e) : 0;
  for (let i = 0; i < n; i++) h[i] += g * tail[i];
  return h;
}

function gauss(rand: () => number): number {
  const u = Math.max(1e-12, rand());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * RT60 estimated from an impulse response: Schroeder backward integration, a least-squares line
 * through the -5 to -25 dB part of the decay curve (T20), extrapolated to 60 dB.
 */
export function estimateRt60Sec(h: Float32Array, rateHz = 16000): number {
  const n = h.length;
  const edc = new Float64Array(n);
  let acc = 0;
  for (let i = n - 1; i >= 0; i--) {
    acc += h[i] * h[i];
    edc[i] = acc;
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const db = 10 * Math.log10(edc[i] / edc[0] + 1e-30);
    if (db <= -5 && db >= -25) {
      xs.push(i / rateHz);
      ys.push(db);
    }
  }
  if (xs.length < 2) return NaN;
  const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
  const my = ys.reduce((s, y) => s + y, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return -60 / (sxy / sxx);
}

/** Linear convolution x * h, its first `outLength` samples (default x's length; overlap-add with fft.js). */
export function fftConvolve(x: Float32Array, h: Float32Array, outLength = x.length): Float32Array {
  const out = new Float32Array(outLength);
  if (x.length === 0 || h.length === 0) return out;
  let size = 2;
  while (size < 2 * h.length) size *= 2;
  size = Math.max(size, 4096);
  const block = size - h.length + 1;
  const fft = new FFT(size);
  const hBuf = new Float64Array(size);
  hBuf.set(h);
  const H = fft.createComplexArray() as number[];
  fft.realTransform(H, hBuf);
  fft.completeSpectrum(H);
  const xBuf = new Float64Array(size);
  const X = fft.createComplexArray() as number[];
  const Y = fft.createComplexArray() as number[];
  for (let start = 0; start < x.length; start += block) {
    xBuf.fill(0);
    xBuf.set(x.subarray(start, Math.min(x.length, start + block)));
    fft.realTransform(X, xBuf);
    fft.completeSpectrum(X);
    for (let k = 0; k < size; k++) {
      const re = X[2 * k] * H[2 * k] - X[2 * k + 1] * H[2 * k + 1];
      const im = X[2 * k] * H[2 * k + 1] + X[2 * k + 1] * H[2 * k];
      X[2 * k] = re;
      X[2 * k + 1] = im;
    }
    fft.inverseTransform(Y, X);
    const end = Math.min(outLength, start + size);
    for (let i = start; i < end; i++) out[i] += Y[2 * (i - start)];
  }
  return out;
}
