/**
 * Golden tests of the WASM DSP core against float64 references: fft.js for power-of-two
 * sizes and a plain O(n^2) DFT for n_fft = 400 (and other mixed-radix sizes).
 *
 * Error measure ("relative to the frame max"): for each frame,
 *   max_k |got[k] - ref[k]| / max_k |ref[k]|
 * (complex bins: |.| is the complex modulus), and the test takes the worst frame.
 * Bounds: 1e-5 for the FFT and power spectrum, 1e-4 for mel and MFCC.
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import FFT from 'fft.js';
import { afterAll, describe, expect, it } from 'vitest';
import { CountSpeakersError, ConfigError } from '../../src/errors/index.js';
import { hannWindow, melFilterbank } from '../../src/features/filterbank.js';
import type { MelConfig } from '../../src/features/types.js';
import { VOICE_ENCODER_MEL_CONFIG } from '../../src/features/melConfig.js';
import { createWasmBackend, dctOrthoMatrix, frameCount, wasmSupportsFftSize, type MfccOptions } from '../../src/features/wasmBackend.js';

// The voice encoder's frontend, the configuration the engine runs.
const MODEL: MelConfig = { ...VOICE_ENCODER_MEL_CONFIG };

// ---------------------------------------------------------------- signals (fixed seeds)

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function noise(n: number, seed: number, amp = 0.5): Float32Array {
  const r = lcg(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * (2 * r() - 1);
  return x;
}

function sines(n: number, sr = 16000): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 0.6 * Math.sin((2 * Math.PI * 440 * i) / sr) + 0.3 * Math.sin((2 * Math.PI * 3150.5 * i) / sr + 0.3);
  return x;
}

/** Linear chirp 50 Hz -> 7900 Hz. */
function chirp(n: number, sr = 16000): Float32Array {
  const x = new Float32Array(n);
  const dur = n / sr;
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    x[i] = 0.8 * Math.sin(2 * Math.PI * (50 * t + ((7900 - 50) / (2 * dur)) * t * t));
  }
  return x;
}

function impulses(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 7; i < n; i += 397) x[i] = 1;
  return x;
}

const SIGNALS: Record<string, (n: number) => Float32Array> = {
  sines,
  chirp,
  noise: (n) => noise(n, 12345),
  impulses,
};

// ---------------------------------------------------------------- float64 references

/** numpy.pad(x, pad, mode) for 'constant' (zeros) and 'reflect', written as an explicit mirror. */
function padRef(x: Float32Array, pad: number, mode: MelConfig['padMode']): Float64Array {
  const out = new Float64Array(x.length + 2 * pad);
  // one period of the reflected signal: x0 .. x_{n-1}, x_{n-2} .. x1
  const period: number[] = [...x];
  for (let i = x.length - 2; i >= 1; i--) period.push(x[i]);
  for (let i = 0; i < out.length; i++) {
    const j = i - pad;
    if (j >= 0 && j < x.length) out[i] = x[j];
    else if (mode === 'reflect') out[i] = x.length === 1 ? x[0] : period[((j % period.length) + period.length) % period.length];
  }
  return out;
}

/** Windowed frames (float64) exactly as librosa.stft builds them. */
function framesRef(x: Float32Array, c: MelConfig): Float64Array[] {
  const n = c.fftSize;
  const padded = c.center ? padRef(x, Math.floor(n / 2), c.padMode) : Float64Array.from(x);
  const win = new Float64Array(n);
  const hann = hannWindow(c.windowSamples);
  const off = Math.floor((n - c.windowSamples) / 2);
  for (let i = 0; i < c.windowSamples; i++) win[off + i] = Math.fround(hann[i]);
  const frames: Float64Array[] = [];
  for (let s = 0; s + n <= padded.length; s += c.hopSamples) {
    const f = new Float64Array(n);
    for (let i = 0; i < n; i++) f[i] = padded[s + i] * win[i];
    frames.push(f);
  }
  return frames;
}

/** Plain DFT, bins 0..n/2: the reference for any n. */
function dftRef(frame: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = frame.length;
  const bins = Math.floor(n / 2) + 1;
  const re = new Float64Array(bins);
  const im = new Float64Array(bins);
  for (let k = 0; k < bins; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      sr += frame[j] * Math.cos(a);
      si += frame[j] * Math.sin(a);
    }
    re[k] = sr;
    im[k] = si;
  }
  return { re, im };
}

/** fft.js (float64) for powers of two, bins 0..n/2. */
function fftJsRef(frame: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = frame.length;
  const f = new FFT(n);
  const out = f.createComplexArray() as number[];
  f.realTransform(out, Array.from(frame));
  const bins = n / 2 + 1;
  const re = new Float64Array(bins);
  const im = new Float64Array(bins);
  for (let k = 0; k < bins; k++) {
    re[k] = out[2 * k];
    im[k] = out[2 * k + 1];
  }
  return { re, im };
}

function melRef(x: Float32Array, c: MelConfig): Float64Array[] {
  const w = melFilterbank(c);
  const bins = Math.floor(c.fftSize / 2) + 1;
  return framesRef(x, c).map((f) => {
    const { re, im } = dftRef(f);
    const mel = new Float64Array(c.melBands);
    for (let b = 0; b < c.melBands; b++) {
      let acc = 0;
      for (let k = 0; k < bins; k++) {
        const p = re[k] * re[k] + im[k] * im[k];
        acc += w[b * bins + k] * (c.spectrum === 'power' ? p : Math.sqrt(p));
      }
      mel[b] = acc;
    }
    return mel;
  });
}

/** librosa.feature.mfcc(S=librosa.power_to_db(mel, ref=1, amin, top_db), dct_type=2, norm='ortho'). */
function mfccRef(mel: Float64Array[], coeffs: number, topDb: number | null, amin: number): Float64Array[] {
  let maxDb = -Infinity;
  const db = mel.map((row) => row.map((v) => 10 * Math.log10(Math.max(amin, v))));
  for (const row of db) for (const v of row) maxDb = Math.max(maxDb, v);
  const floor = topDb === null ? -Infinity : maxDb - topDb;
  return db.map((row) => {
    const bands = row.length;
    const out = new Float64Array(coeffs);
    for (let c = 0; c < coeffs; c++) {
      let acc = 0;
      for (let b = 0; b < bands; b++) acc += Math.max(row[b], floor) * Math.cos((Math.PI * c * (2 * b + 1)) / (2 * bands));
      out[c] = acc * Math.sqrt((c === 0 ? 1 : 2) / bands);
    }
    return out;
  });
}

/** Worst over frames of max_k |got - ref| / max_k |ref| (see header). */
function worstRelError(got: Float32Array, width: number, ref: ArrayLike<number>[]): number {
  let worst = 0;
  ref.forEach((r, t) => {
    let maxRef = 0;
    let maxErr = 0;
    for (let k = 0; k < width; k++) {
      maxRef = Math.max(maxRef, Math.abs(r[k]));
      maxErr = Math.max(maxErr, Math.abs(got[t * width + k] - r[k]));
    }
    if (maxRef > 0) worst = Math.max(worst, maxErr / maxRef);
    else worst = Math.max(worst, maxErr);
  });
  return worst;
}

function worstComplexRelError(got: Float32Array, bins: number, ref: { re: Float64Array; im: Float64Array }[]): number {
  let worst = 0;
  ref.forEach((r, t) => {
    let maxRef = 0;
    let maxErr = 0;
    for (let k = 0; k < bins; k++) {
      maxRef = Math.max(maxRef, Math.hypot(r.re[k], r.im[k]));
      const g = (t * bins + k) * 2;
      maxErr = Math.max(maxErr, Math.hypot(got[g] - r.re[k], got[g + 1] - r.im[k]));
    }
    worst = Math.max(worst, maxRef > 0 ? maxErr / maxRef : maxErr);
  });
  return worst;
}

// ---------------------------------------------------------------- tests

const backend = createWasmBackend();
afterAll(() => backend.dispose());

/** Frames laid end to end (hop = fftSize, no centring): each frame is one independent transform. */
function rawConfig(n: number): MelConfig {
  return { ...MODEL, fftSize: n, windowSamples: n, hopSamples: n, center: false };
}

describe('wasm FFT against float64 references (<= 1e-5 of the frame max)', () => {
  for (const n of [512, 1024]) {
    for (const [name, make] of Object.entries(SIGNALS)) {
      it(`n=${n} ${name}: complex spectrum and power vs fft.js`, () => {
        const c = rawConfig(n);
        const x = make(n * 6);
        const frames = framesRef(x, c);
        const ref = frames.map(fftJsRef);
        const got = backend.complexSpectrogram(x, c);
        expect(got.frames).toBe(6);
        expect(worstComplexRelError(got.data, n / 2 + 1, ref)).toBeLessThanOrEqual(1e-5);
        const pow = backend.spectrogram(x, c);
        const refPow = ref.map((r) => r.re.map((v, k) => v * v + r.im[k] * r.im[k]));
        expect(worstRelError(pow.data, n / 2 + 1, refPow)).toBeLessThanOrEqual(1e-5);
      });
    }
  }

  for (const [name, make] of Object.entries(SIGNALS)) {
    it(`n=400 ${name}: complex spectrum and power vs plain DFT`, () => {
      const c = rawConfig(400);
      const x = make(400 * 5);
      const ref = framesRef(x, c).map(dftRef);
      const got = backend.complexSpectrogram(x, c);
      expect(got.frames).toBe(5);
      expect(worstComplexRelError(got.data, 201, ref)).toBeLessThanOrEqual(1e-5);
      const pow = backend.spectrogram(x, c);
      const refPow = ref.map((r) => r.re.map((v, k) => v * v + r.im[k] * r.im[k]));
      expect(worstRelError(pow.data, 201, refPow)).toBeLessThanOrEqual(1e-5);
      const mag = backend.spectrogram(x, { ...c, spectrum: 'magnitude' });
      expect(worstRelError(mag.data, 201, ref.map((r) => r.re.map((v, k) => Math.hypot(v, r.im[k]))))).toBeLessThanOrEqual(1e-5);
    });
  }

  it('other mixed-radix sizes (radix 3 and 5 paths): 24, 60, 96, 480, 800', () => {
    for (const n of [24, 60, 96, 480, 800]) {
      const c = rawConfig(n);
      const x = noise(n * 5, n);
      const ref = framesRef(x, c).map(dftRef);
      const got = backend.complexSpectrogram(x, c);
      expect(worstComplexRelError(got.data, n / 2 + 1, ref), `n=${n}`).toBeLessThanOrEqual(1e-5);
    }
  });

  it('fft.js and the WASM core share the sign convention (X[k] of a cosine at bin 5 is real, positive)', () => {
    const n = 512;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = Math.cos((2 * Math.PI * 5 * i) / n);
    const got = backend.complexSpectrogram(x, rawConfig(n));
    const ref = fftJsRef(framesRef(x, rawConfig(n))[0]);
    expect(Math.sign(got.data[2 * 5])).toBe(Math.sign(ref.re[5]));
    expect(got.data[2 * 5]).toBeGreaterThan(0);
  });
});

describe('wasm mel spectrogram (model frontend, <= 1e-4 of the frame max)', () => {
  for (const padMode of ['constant', 'reflect'] as const) {
    for (const [name, make] of Object.entries(SIGNALS)) {
      it(`${name}, centre padding ${padMode}`, () => {
        const c: MelConfig = { ...MODEL, padMode };
        const x = make(5003); // not a multiple of the hop: partial last hop, frames not a multiple of 4
        const got = backend.melSpectrogram(x, c);
        expect(got.frames).toBe(1 + Math.floor(5003 / 160));
        expect(got.melBands).toBe(40);
        expect(worstRelError(got.data, 40, melRef(x, c))).toBeLessThanOrEqual(1e-4);
      });
    }
  }

  it('magnitude spectrum, htk scale, no norm, window shorter than fftSize (512/400), not centred', () => {
    const c: MelConfig = { ...MODEL, fftSize: 512, windowSamples: 400, spectrum: 'magnitude', melScale: 'htk', melNorm: 'none', center: false, melBands: 64, fMinHz: 60, fMaxHz: 7600 };
    const x = chirp(4000);
    const got = backend.melSpectrogram(x, c);
    expect(got.frames).toBe(1 + Math.floor((4000 - 512) / 160));
    expect(worstRelError(got.data, 64, melRef(x, c))).toBeLessThanOrEqual(1e-4);
  });

  it('every frame count 1..9 (SIMD blocks of 4 with a partial tail)', () => {
    for (let frames = 1; frames <= 9; frames++) {
      const len = (frames - 1) * 160 + 37;
      const x = noise(len, frames);
      const got = backend.melSpectrogram(x, MODEL);
      expect(got.frames).toBe(frames);
      expect(worstRelError(got.data, 40, melRef(x, MODEL))).toBeLessThanOrEqual(1e-4);
    }
  });

  it('inputs shorter than half a window, reflect padding bounces like numpy.pad', () => {
    for (const len of [1, 2, 3, 50, 199, 201]) {
      const x = noise(len, 7 + len);
      for (const padMode of ['constant', 'reflect'] as const) {
        const c = { ...MODEL, padMode };
        const got = backend.melSpectrogram(x, c);
        expect(got.frames).toBe(1 + Math.floor(len / 160));
        expect(worstRelError(got.data, 40, melRef(x, c)), `len=${len} ${padMode}`).toBeLessThanOrEqual(1e-4);
      }
    }
  });

  it('reference padding matches numpy.pad reflect (values printed by numpy 1.24)', () => {
    // np.pad([1,2,3], 4, 'reflect') and np.pad([1,2,3,4,5], 4, 'reflect')
    expect(Array.from(padRef(Float32Array.of(1, 2, 3), 4, 'reflect'))).toEqual([1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3]);
    expect(Array.from(padRef(Float32Array.of(1, 2, 3, 4, 5), 4, 'reflect'))).toEqual([5, 4, 3, 2, 1, 2, 3, 4, 5, 4, 3, 2, 1]);
  });

  it('long input spans several native chunks (2048 frames each) without seams', () => {
    const len = 2048 * 160 * 2 + 777; // 4101 frames: three chunks
    const x = chirp(len);
    const got = backend.melSpectrogram(x, MODEL);
    const frames = 1 + Math.floor(len / 160);
    expect(got.frames).toBe(frames);
    // Reference only around the chunk boundaries and the ends (the O(n^2) DFT is slow).
    const check = [0, 1, 2046, 2047, 2048, 2049, 4095, 4096, frames - 2, frames - 1];
    const c = MODEL;
    const pad = c.fftSize / 2;
    for (const t of check) {
      const start = t * c.hopSamples - pad;
      const lo = Math.max(0, start);
      const seg = x.subarray(lo, Math.min(len, start + c.fftSize));
      // Build the single frame through the reference on a small centred excerpt.
      const excerpt = new Float32Array(c.fftSize);
      excerpt.set(seg, lo - start);
      const ref = melRef(excerpt, { ...c, center: false })[0];
      const row = got.data.subarray(t * 40, (t + 1) * 40);
      expect(worstRelError(row, 40, [ref]), `frame ${t}`).toBeLessThanOrEqual(1e-4);
    }
  });

  it('input shorter than fftSize gives zero frames when not centred', () => {
    const got = backend.melSpectrogram(new Float32Array(100), { ...MODEL, center: false });
    expect(got.frames).toBe(0);
    expect(got.data.length).toBe(0);
    expect(frameCount(16000, MODEL)).toBe(101);
  });
});

describe('wasm MFCC (librosa.feature.mfcc on power_to_db, DCT-II ortho; <= 1e-4 of the frame max)', () => {
  for (const [name, make] of Object.entries(SIGNALS)) {
    it(`${name}: 20 coefficients, top_db 80`, () => {
      const x = make(4800);
      const got = backend.mfcc(x, MODEL);
      const ref = mfccRef(melRef(x, MODEL), 20, 80, 1e-10);
      expect(got.frames).toBe(ref.length);
      expect(got.coefficients).toBe(20);
      expect(worstRelError(got.data, 20, ref)).toBeLessThanOrEqual(1e-4);
    });
  }

  it('13 coefficients, no top_db floor, silence-padded input (amin floor active)', () => {
    const x = new Float32Array(6400);
    x.set(noise(1600, 99), 3200);
    const got = backend.mfcc(x, MODEL, { coefficients: 13, topDb: null });
    const ref = mfccRef(melRef(x, MODEL), 13, null, 1e-10);
    expect(worstRelError(got.data, 13, ref)).toBeLessThanOrEqual(1e-4);
  });

  it('DCT matrix is orthonormal', () => {
    const d = dctOrthoMatrix(40, 40);
    for (let a = 0; a < 40; a += 7) {
      for (let b = 0; b < 40; b += 5) {
        let dot = 0;
        for (let k = 0; k < 40; k++) dot += d[a * 40 + k] * d[b * 40 + k];
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 5);
      }
    }
  });
});

describe('wasm heap ownership and errors', () => {
  it('frees every per-call buffer; dispose frees the cached plans', () => {
    const be = createWasmBackend();
    const before = be.heapBytesInUse();
    be.melSpectrogram(noise(8000, 1), MODEL);
    const withPlans = be.heapBytesInUse();
    expect(withPlans).toBeGreaterThan(before);
    for (let i = 0; i < 5; i++) {
      be.melSpectrogram(noise(20000 + i * 999, i), MODEL);
      be.mfcc(noise(3000, i), MODEL);
    }
    expect(be.heapBytesInUse()).toBe(withPlans);
    be.dispose();
    expect(be.heapBytesInUse()).toBe(before);
  });

  it('frees per-call buffers when the call throws', () => {
    const be = createWasmBackend();
    const before = be.heapBytesInUse();
    expect(() => be.mfcc(noise(3000, 1), MODEL, { coefficients: 41 })).toThrow(ConfigError);
    be.dispose();
    expect(be.heapBytesInUse()).toBe(before);
  });

  it('a missing or corrupt binary throws WASM_UNAVAILABLE (so the pipeline can fall back)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cs-wasm-'));
    try {
      const missing = pathToFileURL(path.join(dir, 'nope.wasm'));
      expect(() => createWasmBackend({ wasmUrl: missing })).toThrow(CountSpeakersError);
      try {
        createWasmBackend({ wasmUrl: missing });
      } catch (e) {
        expect((e as CountSpeakersError).code).toBe('WASM_UNAVAILABLE');
      }
      const bad = path.join(dir, 'bad.wasm');
      writeFileSync(bad, Buffer.from('not wasm at all'));
      let code = '';
      try {
        createWasmBackend({ wasmUrl: pathToFileURL(bad) });
      } catch (e) {
        code = (e as CountSpeakersError).code;
      }
      expect(code).toBe('WASM_UNAVAILABLE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('unsupported FFT sizes throw WASM_UNAVAILABLE; bad configs throw ConfigError naming the field', () => {
    expect(wasmSupportsFftSize(400)).toBe(true);
    expect(wasmSupportsFftSize(512)).toBe(true);
    expect(wasmSupportsFftSize(28)).toBe(false); // 14 = 2 * 7
    expect(wasmSupportsFftSize(402)).toBe(false); // not a multiple of 4
    let code = '';
    try {
      backend.melSpectrogram(noise(1000, 1), { ...MODEL, fftSize: 28, windowSamples: 28 });
    } catch (e) {
      code = (e as CountSpeakersError).code;
    }
    expect(code).toBe('WASM_UNAVAILABLE');
    expect(() => backend.melSpectrogram(noise(1000, 1), { ...MODEL, hopSamples: 0 })).toThrow(/hopSamples/);
    expect(() => backend.melSpectrogram(noise(1000, 1), { ...MODEL, windowSamples: 401 })).toThrow(ConfigError);
    expect(() => backend.mfcc(noise(1000, 1), MODEL, { coefs: 3 } as unknown as Partial<MfccOptions>)).toThrow(/mfcc\.coefs/);
    expect(() => backend.mfcc(noise(1000, 1), MODEL, { topDb: -1 })).toThrow(/mfcc\.topDb/);
  });
});
