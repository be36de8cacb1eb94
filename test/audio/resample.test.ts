import { describe, expect, it } from 'vitest';
import { StreamingResampler, resample } from '../../src/audio/resample.js';

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

describe('StreamingResampler', () => {
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
      const r = new StreamingResampler(rate, 16000);
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
