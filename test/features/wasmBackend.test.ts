/**
 * Golden tests of the WASM DSP core's mel spectrogram against a float64 reference built on a
 * plain O(n^2) DFT, for n_fft = 400 (the voice encoder's) and the other radix paths. The Kaldi
 * filterbank of the same core is tested with the TypeScript one in kaldiFbank.test.ts.
 *
 * Error measure ("relative to the frame max"): for each frame,
 *   max_k |got[k] - ref[k]| / max_k |ref[k]|
 * and the test takes the worst frame. Bound: 1e-4.
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CountSpeakersError, ConfigError } from '../../src/errors/index.js';
import { hannWindow, melFilterbank } from '../../src/features/filterbank.js';
import type { MelConfig } from '../../src/features/types.js';
import { VOICE_ENCODER_MEL_CONFIG } from '../../src/features/melConfig.js';
import { CAMPPLUS_FBANK_CONFIG } from '../../src/features/kaldiFbank.js';
import { createWasmBackend, wasmSupportsFftSize } from '../../src/features/wasmBackend.js';
import { stftFrameCount } from '../../src/features/frames.js';

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

// ---------------------------------------------------------------- tests

const backend = createWasmBackend();
afterAll(() => backend.dispose());

/** Frames laid end to end (hop = fftSize, no centring): each frame is one independent transform. */
function rawConfig(n: number): MelConfig {
  return { ...MODEL, fftSize: n, windowSamples: n, hopSamples: n, center: false };
}

describe('wasm FFT sizes through the mel filterbank (plain DFT reference, <= 1e-4 of the frame max)', () => {
  // Every radix path of the core (4, 2, 3, 5) and powers of two, power and magnitude.
  for (const n of [24, 60, 96, 400, 480, 512, 800, 1024]) {
    it(`n=${n}`, () => {
      for (const spectrum of ['power', 'magnitude'] as const) {
        const c: MelConfig = { ...rawConfig(n), melBands: Math.min(40, n / 4), spectrum };
        // The O(n^2) reference is slow for the large sizes: two signals are enough there.
        for (const make of n <= 512 ? Object.values(SIGNALS) : [chirp, SIGNALS.noise]) {
          const x = make(n * 5);
          const got = backend.melSpectrogram(x, c);
          expect(got.frames).toBe(5);
          expect(worstRelError(got.data, c.melBands, melRef(x, c)), `n=${n} ${spectrum}`).toBeLessThanOrEqual(1e-4);
        }
      }
    });
  }
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
    const c: MelConfig = {
      ...MODEL,
      fftSize: 512,
      windowSamples: 400,
      spectrum: 'magnitude',
      melScale: 'htk',
      melNorm: 'none',
      center: false,
      melBands: 64,
      fMinHz: 60,
      fMaxHz: 7600,
    };
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
    expect(stftFrameCount(16000, MODEL)).toBe(101);
  });
});

describe('wasm heap ownership and errors', () => {
  it('frees every per-call buffer; dispose frees the cached plans', () => {
    const be = createWasmBackend();
    const before = be.heapBytesInUse();
    be.melSpectrogram(noise(8000, 1), MODEL);
    const withPlans = be.heapBytesInUse();
    expect(withPlans).toBeGreaterThan(before);
    be.kaldiFbank(noise(8000, 1));
    const withKaldi = be.heapBytesInUse();
    expect(withKaldi).toBeGreaterThan(withPlans);
    for (let i = 0; i < 5; i++) {
      be.melSpectrogram(noise(20000 + i * 999, i), MODEL);
      be.kaldiFbank(noise(3000 + i * 777, i));
    }
    expect(be.heapBytesInUse()).toBe(withKaldi);
    be.dispose();
    expect(be.heapBytesInUse()).toBe(before);
  });

  it('a bad Kaldi config throws ConfigError naming the field and leaves the heap as it was', () => {
    const be = createWasmBackend();
    const before = be.heapBytesInUse();
    expect(() => be.kaldiFbank(noise(3000, 1), { ...CAMPPLUS_FBANK_CONFIG, melBands: 0 })).toThrow(/fbank\.melBands/);
    expect(be.heapBytesInUse()).toBe(before);
    be.dispose();
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
    expect(wasmSupportsFftSize(50)).toBe(false); // the TypeScript backend's 25-point DFT is fine, the core needs a multiple of 4
    let code = '';
    try {
      backend.melSpectrogram(noise(1000, 1), { ...MODEL, fftSize: 50, windowSamples: 50 });
    } catch (e) {
      code = (e as CountSpeakersError).code;
    }
    expect(code).toBe('WASM_UNAVAILABLE');
    // No backend runs a size whose half has a prime factor above 5: the shared validator says so.
    expect(() => backend.melSpectrogram(noise(1000, 1), { ...MODEL, fftSize: 28, windowSamples: 28 })).toThrow(/mel\.fftSize/);
    expect(() => backend.melSpectrogram(noise(1000, 1), { ...MODEL, hopSamples: 0 })).toThrow(/hopSamples/);
    expect(() => backend.melSpectrogram(noise(1000, 1), { ...MODEL, windowSamples: 401 })).toThrow(ConfigError);
  });
});

describe('wasm polyphase resampling (the dot products of src/audio/resample.ts)', () => {
  /** Float64 reference of one output: row r (or the blend of rows r, r + 1 at w) against x from off. */
  function dotRef(x: Float32Array, off: number, table: Float32Array, taps: number, row: number, w = 0): number {
    let acc = 0;
    for (let j = 0; j < taps; j++) {
      const a = table[row * taps + j];
      const c = w === 0 ? a : a + w * (table[(row + 1) * taps + j] - a);
      acc += x[off + j] * c;
    }
    return acc;
  }

  // taps 10: two f32x4 blocks plus a scalar tail; 37: every loop of the core (16s, 4s, tail).
  for (const taps of [10, 37]) {
    it(`exact stepping (taps ${taps}): outputs, next offset and phase as a float64 reference`, () => {
      const phases = 3;
      const stepNum = 7; // 7/3 input samples per output
      const table = noise(phases * taps, taps);
      const x = noise(1000, 2 * taps);
      const be = createWasmBackend();
      const out = new Float32Array(600);
      const r = be.resamplePolyphase({ coefficients: table, taps, phases }, x, { kind: 'exact', offset: 4, phase: 2, stepNum }, out);
      let off = 4;
      let phase = 2;
      let n = 0;
      while (off + taps <= x.length) {
        expect(Math.abs(out[n] - dotRef(x, off, table, taps, phase)), `output ${n}`).toBeLessThanOrEqual(1e-6);
        n++;
        const p = phase + stepNum;
        off += Math.floor(p / phases);
        phase = p % phases;
      }
      expect(r).toEqual({ outputs: n, offset: off, phase });
      // A short `out` stops early at the right position.
      const five = be.resamplePolyphase(
        { coefficients: table, taps, phases },
        x,
        { kind: 'exact', offset: 4, phase: 2, stepNum },
        new Float32Array(5),
      );
      expect(five).toEqual({ outputs: 5, offset: 4 + Math.floor((2 + 5 * 7) / 3), phase: (2 + 5 * 7) % 3 });
      be.dispose();
    });
  }

  it('interpolated stepping between table rows, across native chunks', () => {
    const phases = 8;
    const taps = 22;
    const table = noise((phases + 1) * taps, 3);
    const step = 1.37;
    const firstOutput = 1000;
    const origin = 1350; // input index of x[0] minus the kernel's half width
    const x = noise(300_000, 4); // more than one chunk of 2^18 samples
    const offset = Math.floor(firstOutput * step) - origin;
    const be = createWasmBackend();
    const out = new Float32Array(Math.ceil(x.length / step));
    const r = be.resamplePolyphase(
      { coefficients: table, taps, phases },
      x,
      { kind: 'interpolated', offset, firstOutput, stepSamples: step, origin },
      out,
    );
    let n = 0;
    let worst = 0; // one expect at the end: 2 x 10^5 expect() calls take seconds
    for (; ; n++) {
      const t = (firstOutput + n) * step;
      const i = Math.floor(t);
      const off = i - origin;
      if (off + taps > x.length) {
        expect(r.offset).toBe(off);
        break;
      }
      const pf = (t - i) * phases;
      const p = Math.floor(pf);
      worst = Math.max(worst, Math.abs(out[n] - dotRef(x, off, table, taps, p, pf - p)));
    }
    expect(r.outputs).toBe(n);
    expect(worst).toBeLessThanOrEqual(1e-6);
    be.dispose();
  });

  it('keeps one copy of each table until dispose; per-call buffers are freed', () => {
    const be = createWasmBackend();
    const before = be.heapBytesInUse();
    const table = { coefficients: noise(40, 1), taps: 20, phases: 2 };
    const x = noise(5000, 2);
    be.resamplePolyphase(table, x, { kind: 'exact', offset: 0, phase: 0, stepNum: 3 }, new Float32Array(4000));
    const withTable = be.heapBytesInUse();
    expect(withTable).toBeGreaterThan(before);
    for (let i = 0; i < 5; i++)
      be.resamplePolyphase(table, x, { kind: 'exact', offset: i, phase: 1, stepNum: 5 }, new Float32Array(100 + i));
    expect(be.heapBytesInUse()).toBe(withTable);
    // Nothing to do: no output, nothing allocated.
    expect(
      be.resamplePolyphase(table, x.subarray(0, 10), { kind: 'exact', offset: 0, phase: 0, stepNum: 3 }, new Float32Array(9)).outputs,
    ).toBe(0);
    be.dispose();
    expect(be.heapBytesInUse()).toBe(before);
  });
});
