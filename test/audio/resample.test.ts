/**
 * The streaming resampler on both backends (the WASM core and the TypeScript loop): tones,
 * stopband, lengths, streaming, and the two backends against each other.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readAudio } from '../../src/audio/index.js';
import { StreamingResampler, resample as resampleWith } from '../../src/audio/resample.js';
import { createWasmBackend } from '../../src/features/wasmBackend.js';

function sine(freqHz: number, rateHz: number, seconds: number, amp = 0.5): Float32Array {
  const n = Math.round(rateHz * seconds);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * freqHz * i) / rateHz);
  return x;
}

/** Amplitude of the component at freqHz (least squares on sin/cos), over the steady middle. */
function toneAmplitude(x: Float32Array, rateHz: number, freqHz: number): number {
  const a = Math.floor(x.length * 0.2);
  const b = Math.floor(x.length * 0.8);
  let s = 0;
  let c = 0;
  for (let i = a; i < b; i++) {
    const w = (2 * Math.PI * freqHz * i) / rateHz;
    s += x[i] * Math.sin(w);
    c += x[i] * Math.cos(w);
  }
  return (2 * Math.hypot(s, c)) / (b - a);
}

function rms(x: Float32Array): number {
  const a = Math.floor(x.length * 0.2);
  const b = Math.floor(x.length * 0.8);
  let e = 0;
  for (let i = a; i < b; i++) e += x[i] * x[i];
  return Math.sqrt(e / (b - a));
}

const RATES = [8000, 11025, 22050, 32000, 44100, 48000, 88200, 96000, 192000];

describe.each(['wasm', 'ts'] as const)('StreamingResampler, %s backend', (backend) => {
  const resample = (x: Float32Array, src: number, dst: number): Float32Array => resampleWith(x, src, dst, { backend });

  it('runs on the backend asked for', () => {
    const r = new StreamingResampler(48000, 16000, undefined, { backend });
    expect(r.backend).toBe(backend);
    r.dispose();
  });

  it.each(RATES)('keeps a 1 kHz sine at %i Hz within 1 %% in amplitude and at 1 kHz', (rate) => {
    const y = resample(sine(1000, rate, 1), rate, 16000);
    const amp = toneAmplitude(y, 16000, 1000);
    expect(Math.abs(amp - 0.5) / 0.5).toBeLessThan(0.01);
    // Frequency: the residual after removing the 1 kHz fit is tiny, so the tone sits at 1 kHz.
    expect(toneAmplitude(y, 16000, 1010)).toBeLessThan(0.05);
    expect(rms(y)).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });

  it.each([8500, 9000, 12000, 15000, 20000])('attenuates a %i Hz tone at 48 kHz by >= 60 dB', (f) => {
    const y = resample(sine(f, 48000, 1, 1), 48000, 16000);
    const db = 20 * Math.log10(rms(y) / (1 / Math.SQRT2));
    expect(db).toBeLessThan(-60);
  });

  it.each([9000, 11000])('attenuates a %i Hz tone at 44.1 kHz by >= 60 dB', (f) => {
    const y = resample(sine(f, 44100, 1, 1), 44100, 16000);
    expect(20 * Math.log10(rms(y) / (1 / Math.SQRT2))).toBeLessThan(-60);
  });

  it.each([...RATES, 16000, 44056, 7999, 16000 * Math.SQRT2])('length is round(n * 16000 / sr) +- 1 at %f Hz', (rate) => {
    for (const n of [0, 1, 3, 1000, 12345]) {
      const y = resample(new Float32Array(n).fill(0.25), rate, 16000);
      expect(Math.abs(y.length - Math.round((n * 16000) / rate))).toBeLessThanOrEqual(1);
      expect(StreamingResampler.outputLength(n, rate, 16000)).toBe(y.length);
    }
  });

  it.each([44100, 48000, 8000, 44056, 16000 * Math.SQRT2])('streamed equals whole-buffer at %f Hz', (rate) => {
    const x = new Float32Array(20011);
    let seed = 7;
    for (let i = 0; i < x.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      x[i] = seed / 2147483648 - 0.5;
    }
    const whole = resample(x, rate, 16000);
    for (const blocks of [[1, 2, 3, 5, 7, 11], [4096], [1], [20011]]) {
      const r = new StreamingResampler(rate, 16000, undefined, { backend });
      const parts: Float32Array[] = [];
      let at = 0;
      let k = 0;
      while (at < x.length) {
        const len = Math.min(blocks[k++ % blocks.length], x.length - at);
        parts.push(r.process(x.subarray(at, at + len)));
        at += len;
      }
      parts.push(r.flush());
      const streamed = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
      let o = 0;
      for (const p of parts) {
        streamed.set(p, o);
        o += p.length;
      }
      expect(streamed).toEqual(whole);
    }
  });

  it('keeps DC at unit gain and handles an irrational ratio', () => {
    const y = resample(new Float32Array(30000).fill(0.3), 16000 * Math.SQRT2, 16000);
    const mid = y.subarray(200, y.length - 200);
    for (const v of mid) expect(v).toBeCloseTo(0.3, 5);
    const amp = toneAmplitude(resample(sine(1000, 16000 * Math.SQRT2, 1), 16000 * Math.SQRT2, 16000), 16000, 1000);
    expect(Math.abs(amp - 0.5) / 0.5).toBeLessThan(0.01);
  });

  it('passes 16 kHz through unchanged', () => {
    const x = sine(440, 16000, 0.1);
    expect(resample(x, 16000, 16000)).toEqual(x);
  });
});

// ---------------------------------------------------------------- WASM core vs TypeScript loop

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');

/** Full-scale uniform noise (fixed seed): the largest sums the filter meets. */
function noise(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = 2 * (s / 2 ** 32) - 1;
  }
  return x;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** Streams x through a resampler in blocks cycling through `sizes`. */
function streamed(x: Float32Array, src: number, dst: number, sizes: number[], backend: 'wasm' | 'ts'): Float32Array {
  const r = new StreamingResampler(src, dst, undefined, { backend });
  const parts: Float32Array[] = [];
  for (let at = 0, k = 0; at < x.length; k++) {
    const len = Math.min(sizes[k % sizes.length], x.length - at);
    parts.push(r.process(x.subarray(at, at + len)));
    at += len;
  }
  parts.push(r.flush());
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// 48k/44.1k/32k are the exact (rational) paths films use; 44056 and 16000 * sqrt(2) the interpolated one.
const PAIRS: [number, number][] = [
  [48000, 16000],
  [44100, 16000],
  [32000, 16000],
  [8000, 16000],
  [16000, 44100],
  [96000, 16000],
  [44056, 16000],
  [16000 * Math.SQRT2, 16000],
];

describe('StreamingResampler: WASM core equals the TypeScript loop (<= 1e-6)', () => {
  it.each(PAIRS)('full-scale noise, %f -> %f Hz', (src, dst) => {
    const x = noise(Math.round(src * 0.5) + 13, 99);
    const wasm = resampleWith(x, src, dst, { backend: 'wasm' });
    expect(wasm.length).toBe(StreamingResampler.outputLength(x.length, src, dst));
    expect(maxAbsDiff(wasm, resampleWith(x, src, dst, { backend: 'ts' }))).toBeLessThanOrEqual(1e-6);
  });

  it('another design (120 dB, transition 0.05: longer kernels) and tiny inputs', () => {
    const design = { stopbandDb: 120, transitionFraction: 0.05 };
    for (const src of [48000, 44100, 16000 * Math.SQRT2]) {
      for (const n of [0, 1, 5, 777, 30011]) {
        const x = noise(n, n + 1);
        const run = (backend: 'wasm' | 'ts'): Float32Array => {
          const r = new StreamingResampler(src, 16000, design, { backend });
          const a = r.process(x);
          const b = r.flush();
          return Float32Array.from([...a, ...b]);
        };
        expect(maxAbsDiff(run('wasm'), run('ts')), `${src} Hz, ${n} samples`).toBeLessThanOrEqual(1e-6);
      }
    }
  });

  it('streams in odd blocks, and in one block longer than a native chunk, exactly as the whole buffer', () => {
    // 270k samples in one process() call: the core's input goes in chunks of 2^18 samples.
    const x = noise(270_007, 5);
    for (const src of [48000, 44100, 16000 * Math.SQRT2]) {
      const whole = resampleWith(x, src, 16000, { backend: 'wasm' });
      for (const sizes of [[1, 2, 3, 5, 7, 11, 4093], [48000], [262_145]]) {
        const got = streamed(x, src, 16000, sizes, 'wasm');
        // Byte equality (toEqual on 10^5 floats is slow).
        expect(
          Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(whole.buffer)),
          `${src} Hz, blocks ${sizes}`,
        ).toBe(true);
      }
    }
    expect(maxAbsDiff(resampleWith(x, 44100, 16000), resampleWith(x, 44100, 16000, { backend: 'ts' }))).toBeLessThanOrEqual(1e-6);
  });

  const realFiles = ['music', 'sessions']
    .map((d) => path.join(dataDir, d))
    .filter((d) => existsSync(d))
    .flatMap((d) =>
      readdirSync(d)
        .filter((f) => f.endsWith('.wav'))
        .sort()
        .map((f) => path.join(d, f)),
    );
  if (realFiles.length === 0)
    console.warn(`[resample.test] skipping the real-audio WASM vs TS check: no music/ or sessions/ WAVs in ${dataDir}`);

  it.skipIf(realFiles.length === 0)('real music and speech (../shared/data music/, sessions/), normalised to full scale', async () => {
    for (const file of realFiles) {
      // 5 s from the middle of each file keeps the TypeScript side quick.
      const all = (await readAudio(file)).samples;
      const from = Math.max(0, Math.floor(all.length / 2) - 40000);
      const audio = all.subarray(from, from + 80000);
      let peak = 0;
      for (const v of audio) peak = Math.max(peak, Math.abs(v));
      const x = audio.map((v) => (peak > 0 ? v / peak : 0));
      // Up to a film rate with the TypeScript loop, then back down on both paths (and up too).
      for (const rate of [48000, 44100]) {
        const film = resampleWith(x, 16000, rate, { backend: 'ts' });
        expect(maxAbsDiff(resampleWith(x, 16000, rate, { backend: 'wasm' }), film), `${file} 16000 -> ${rate}`).toBeLessThanOrEqual(1e-6);
        const wasm = streamed(film, rate, 16000, [rate, 997], 'wasm');
        expect(maxAbsDiff(wasm, resampleWith(film, rate, 16000, { backend: 'ts' })), `${file} ${rate} -> 16000`).toBeLessThanOrEqual(1e-6);
      }
    }
  });
});

describe('StreamingResampler: WASM heap', () => {
  const probe = createWasmBackend();
  afterAll(() => probe.dispose());

  it('frees its table at flush and on dispose; many files leave the heap as it was', () => {
    const before = probe.heapBytesInUse();
    const x = noise(44100, 3);
    for (let file = 0; file < 50; file++) {
      const r = new StreamingResampler(file % 2 === 0 ? 44100 : 48000, 16000);
      r.process(x.subarray(0, 30000));
      expect(probe.heapBytesInUse()).toBeGreaterThan(before); // the table, cached on the heap
      if (file % 3 === 0)
        r.dispose(); // abandoned mid-stream
      else r.flush();
      expect(probe.heapBytesInUse()).toBe(before);
    }
    expect(() => {
      const r = new StreamingResampler(48000, 16000);
      r.dispose();
      r.process(x);
    }).toThrow(/after flush or dispose/);
    expect(probe.heapBytesInUse()).toBe(before);
  });

  it('the whole-buffer resample() frees everything, even for inputs spanning several native chunks', () => {
    const before = probe.heapBytesInUse();
    resampleWith(noise(600_000, 8), 48000, 16000);
    resampleWith(noise(600_000, 8), 16000 * Math.SQRT2, 16000);
    expect(probe.heapBytesInUse()).toBe(before);
  });
});
