/**
 * Film-like degradations of clean speech, deterministic by seed, for training and evaluating the
 * sex model: room reverberation (image-method shoebox rooms with a stochastic late tail), music
 * beds at a given SNR, distance/EQ, level changes with clipping, and codec-like band limits
 * (telephone 300-3400 Hz, mp3-like low-pass). All at 16 kHz.
 */
import FFT from 'fft.js';
import { mulberry32 } from './rng.js';

const SR = 16000;
const SPEED_OF_SOUND = 343;

export function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, x.length));
}

export interface Room {
  /** Room size in metres (x, y, z). */
  size: [number, number, number];
  source: [number, number, number];
  mic: [number, number, number];
  rt60Sec: number;
}

/** A random shoebox room: floor sides 3-12 m, height 2.5-4 m, RT60 0.2-1.0 s, source-mic 0.5-5 m. */
export function randomRoom(rand: () => number): Room {
  const size: [number, number, number] = [3 + 9 * rand(), 3 + 9 * rand(), 2.5 + 1.5 * rand()];
  const inside = (): [number, number, number] => [
    0.5 + (size[0] - 1) * rand(),
    0.5 + (size[1] - 1) * rand(),
    1 + Math.min(1, size[2] - 2) * rand(),
  ];
  const source = inside();
  let mic = inside();
  for (let k = 0; k < 20 && Math.hypot(mic[0] - source[0], mic[1] - source[1], mic[2] - source[2]) < 0.5; k++) mic = inside();
  return { size, source, mic, rt60Sec: 0.2 + 0.8 * rand() };
}

/** Early reflections exact up to this delay after the direct sound; a noise tail after it. */
const EARLY_SEC = 0.08;

/**
 * Room impulse response: Allen & Berkley's image method (frequency-independent wall reflection
 * sqrt(1 - alpha), alpha from Sabine's formula for the room's RT60) for the direct sound and
 * reflections arriving within EARLY_SEC of it, then Gaussian noise decaying by 60 dB over RT60,
 * slightly low-passed (air and wall absorption of high frequencies), joined at matching energy.
 * Image counts of the full method grow with the cube of the RT60; the late tail is diffuse anyway.
 */
export function roomImpulseResponse(room: Room, seed: number): Float32Array {
  const [lx, ly, lz] = room.size;
  const volume = lx * ly * lz;
  const surface = 2 * (lx * ly + lx * lz + ly * lz);
  const alpha = Math.min(0.99, (0.161 * volume) / (room.rt60Sec * surface));
  const beta = Math.sqrt(1 - alpha);
  const [sx, sy, sz] = room.source;
  const [mx, my, mz] = room.mic;
  const direct = Math.hypot(sx - mx, sy - my, sz - mz);
  const maxDist = direct + SPEED_OF_SOUND * EARLY_SEC;
  const length = Math.ceil((direct / SPEED_OF_SOUND + room.rt60Sec) * SR) + 1;
  const h = new Float32Array(length);
  const nMax = [Math.ceil(maxDist / (2 * lx)) + 1, Math.ceil(maxDist / (2 * ly)) + 1, Math.ceil(maxDist / (2 * lz)) + 1];
  const axis = (n: number, q: number, s: number, m: number, l: number) => 2 * n * l + (q === 0 ? s : -s) - m;
  for (let nx = -nMax[0]; nx <= nMax[0]; nx++)
    for (let qx = 0; qx < 2; qx++) {
      const dx = axis(nx, qx, sx, mx, lx);
      if (Math.abs(dx) > maxDist) continue;
      const rx = Math.abs(2 * nx - qx) + Math.abs(2 * nx);
      for (let ny = -nMax[1]; ny <= nMax[1]; ny++)
        for (let qy = 0; qy < 2; qy++) {
          const dy = axis(ny, qy, sy, my, ly);
          if (Math.hypot(dx, dy) > maxDist) continue;
          const ry = Math.abs(2 * ny - qy) + Math.abs(2 * ny);
          for (let nz = -nMax[2]; nz <= nMax[2]; nz++)
            for (let qz = 0; qz < 2; qz++) {
              const dz = axis(nz, qz, sz, mz, lz);
              const d = Math.hypot(dx, dy, dz);
              if (d > maxDist) continue;
              const rz = Math.abs(2 * nz - qz) + Math.abs(2 * nz);
              // Reflections on the two walls of each axis: |n - q| + |n| (Allen & Berkley).
              const order = (rx + ry + rz) / 2;
              const t = Math.round((d / SPEED_OF_SOUND) * SR);
              if (t < length) h[t] += beta ** order / Math.max(d, 0.1);
            }
        }
    }
  const t0 = Math.round((direct / SPEED_OF_SOUND) * SR);
  const tEarly = t0 + Math.round(EARLY_SEC * SR);
  // Energy density of the last 20 ms of the early part sets the tail's starting level.
  const w0 = tEarly - Math.round(0.02 * SR);
  let e = 0;
  for (let i = w0; i < tEarly && i < length; i++) e += h[i] * h[i];
  const density = e / Math.max(1, tEarly - w0);
  const rand = mulberry32(seed);
  const decayPerSample = Math.log(1000) / (room.rt60Sec * SR);
  let lp = 0;
  const lpCoef = 0.4;
  // Gaussian noise (Box-Muller), one-pole low-passed; its variance then is (1-a)/(1+a).
  const gain = Math.sqrt(density * ((1 + lpCoef) / (1 - lpCoef)));
  for (let i = tEarly; i < length; i++) {
    const g = Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
    lp = lpCoef * lp + (1 - lpCoef) * g;
    h[i] += gain * lp * Math.exp(-decayPerSample * (i - tEarly));
  }
  return h;
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/** Linear convolution by FFT, cut to the input's length (the tail after the last sample dropped). */
export function convolve(x: Float32Array, h: Float32Array): Float32Array {
  const n = nextPow2(x.length + h.length - 1);
  const fft = new FFT(n);
  const a = new Array<number>(n).fill(0);
  const b = new Array<number>(n).fill(0);
  for (let i = 0; i < x.length; i++) a[i] = x[i];
  for (let i = 0; i < h.length; i++) b[i] = h[i];
  const fa = fft.createComplexArray() as number[];
  const fb = fft.createComplexArray() as number[];
  fft.realTransform(fa, a);
  fft.completeSpectrum(fa);
  fft.realTransform(fb, b);
  fft.completeSpectrum(fb);
  for (let k = 0; k < n; k++) {
    const re = fa[2 * k] * fb[2 * k] - fa[2 * k + 1] * fb[2 * k + 1];
    const im = fa[2 * k] * fb[2 * k + 1] + fa[2 * k + 1] * fb[2 * k];
    fa[2 * k] = re;
    fa[2 * k + 1] = im;
  }
  const out = fft.createComplexArray() as number[];
  fft.inverseTransform(out, fa);
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = out[2 * i];
  return y;
}

/** Reverberant copy at the dry signal's RMS (level is a separate degradation). */
export function reverberate(x: Float32Array, room: Room, seed: number): Float32Array {
  const y = convolve(x, roomImpulseResponse(room, seed));
  const g = rms(x) / Math.max(rms(y), 1e-12);
  for (let i = 0; i < y.length; i++) y[i] *= g;
  return y;
}

type BiquadKind = 'lowpass' | 'highpass' | 'peaking';

/** RBJ audio-EQ-cookbook biquad, applied in place. */
export function biquad(x: Float32Array, kind: BiquadKind, f0Hz: number, q = Math.SQRT1_2, gainDb = 0): Float32Array {
  const w0 = (2 * Math.PI * f0Hz) / SR;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  let b0: number, b1: number, b2: number, a0: number, a1: number, a2: number;
  if (kind === 'lowpass') {
    b0 = (1 - cos) / 2;
    b1 = 1 - cos;
    b2 = b0;
    a0 = 1 + alpha;
    a1 = -2 * cos;
    a2 = 1 - alpha;
  } else if (kind === 'highpass') {
    b0 = (1 + cos) / 2;
    b1 = -(1 + cos);
    b2 = b0;
    a0 = 1 + alpha;
    a1 = -2 * cos;
    a2 = 1 - alpha;
  } else {
    const A = 10 ** (gainDb / 40);
    b0 = 1 + alpha * A;
    b1 = -2 * cos;
    b2 = 1 - alpha * A;
    a0 = 1 + alpha / A;
    a1 = -2 * cos;
    a2 = 1 - alpha / A;
  }
  let x1 = 0,
    x2 = 0,
    y1 = 0,
    y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const yi = (b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0;
    x2 = x1;
    x1 = xi;
    y2 = y1;
    y1 = yi;
    x[i] = yi;
  }
  return x;
}

/** Telephone band: 4th-order high-pass at 300 Hz and 4th-order low-pass at 3400 Hz. */
export function telephoneBand(x: Float32Array): Float32Array {
  const y = Float32Array.from(x);
  biquad(y, 'highpass', 300, 0.54);
  biquad(y, 'highpass', 300, 1.31);
  biquad(y, 'lowpass', 3400, 0.54);
  biquad(y, 'lowpass', 3400, 1.31);
  return y;
}

/** mp3-like band limit: a steep (4th-order) low-pass at cutoffHz. */
export function codecLowpass(x: Float32Array, cutoffHz: number): Float32Array {
  const y = Float32Array.from(x);
  biquad(y, 'lowpass', cutoffHz, 0.54);
  biquad(y, 'lowpass', cutoffHz, 1.31);
  return y;
}

/**
 * Distance/microphone colouring: a high-pass at 60-250 Hz, a peak or dip of up to 8 dB at
 * 300-4000 Hz, and a gentle low-pass at 3-7.5 kHz (a far or cheap microphone).
 */
export function randomEq(x: Float32Array, rand: () => number): Float32Array {
  const y = Float32Array.from(x);
  biquad(y, 'highpass', 60 + 190 * rand());
  biquad(y, 'peaking', 300 * (4000 / 300) ** rand(), 1, -8 + 16 * rand());
  if (rand() < 0.6) biquad(y, 'lowpass', 3000 + 4500 * rand());
  return y;
}

/** A stretch of `bed` of n samples from a random offset, looped when the bed is shorter. */
export function bedSegment(bed: Float32Array, n: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  let o = Math.floor(rand() * bed.length);
  for (let i = 0; i < n; i++) {
    out[i] = bed[o];
    o = o + 1 === bed.length ? 0 : o + 1;
  }
  return out;
}

/** speech + background scaled so that the speech RMS is `snrDb` above the background's. */
export function mixAtSnr(speech: Float32Array, background: Float32Array, snrDb: number): Float32Array {
  const g = (rms(speech) * 10 ** (-snrDb / 20)) / Math.max(rms(background), 1e-12);
  const out = new Float32Array(speech.length);
  for (let i = 0; i < speech.length; i++) out[i] = speech[i] + g * background[i];
  return out;
}

/**
 * Level change: the whole chunk scaled to a peak of `peakDb` dBFS; above 0 dBFS it clips (a
 * loud scene recorded hot), far below it sits near the quantisation floor of 16-bit audio.
 */
export function setLevel(x: Float32Array, peakDb: number): Float32Array {
  let peak = 0;
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]));
  const g = 10 ** (peakDb / 20) / Math.max(peak, 1e-12);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.round(Math.max(-1, Math.min(1, x[i] * g)) * 32767) / 32767;
  return out;
}
