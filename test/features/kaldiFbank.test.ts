/**
 * Kaldi filterbank (CAM++'s frontend) against kaldi-native-fbank 1.23.0 goldens written by
 * tools/campplus_reference.py on signals defined by formula. Away from the log floor the
 * references agree with torchaudio within 6e-4; in near-silent bins float32 rounding in the
 * references moves values by up to ~5e-3, so those get that tolerance.
 */
import { describe, expect, it } from 'vitest';
import goldens from './kaldi-fbank-goldens.json' with { type: 'json' };
import { CAMPPLUS_FBANK_CONFIG, kaldiFbank, kaldiFrameCount, kaldiMel, subtractBandMeans, validateKaldiFbankConfig } from '../../src/features/kaldiFbank.js';
import { lcgNoise } from './signals.js';

function signal(name: string, n: number): Float32Array {
  const x = new Float64Array(n);
  const sr = 16000;
  const sine = (a: number, f: number) => (i: number) => a * Math.sin((2 * Math.PI * f * i) / sr);
  switch (name) {
    case 'sine440':
      for (let i = 0; i < n; i++) x[i] = sine(0.5, 440)(i);
      break;
    case 'chirp': {
      const T = n / sr;
      for (let i = 0; i < n; i++) {
        const t = i / sr;
        x[i] = 0.3 * Math.sin(2 * Math.PI * (100 * t + ((4000 - 100) * t * t) / (2 * T)));
      }
      break;
    }
    case 'lcg':
      return lcgNoise(n, 12345);
    case 'lcg32768':
      return Float32Array.from(lcgNoise(n, 99), (v) => 32768 * v);
    case 'am-dc':
      for (let i = 0; i < n; i++) x[i] = 0.1 + 0.3 * Math.sin((2 * Math.PI * 200 * i) / sr) * (0.5 + 0.5 * Math.sin((2 * Math.PI * 3 * i) / sr));
      break;
    case 'zeros-sine':
      for (let i = 0; i < n; i++) x[i] = i < 1200 ? 0 : sine(0.25, 1000)(i);
      break;
    case 'short500':
    case 'short560':
      for (let i = 0; i < n; i++) x[i] = sine(0.25, 1000)(i);
      break;
    case 'short399':
      return lcgNoise(n, 7);
    default:
      throw new Error(`no formula for golden signal ${name}`);
  }
  return Float32Array.from(x);
}

const FLOOR = goldens.logFloorValue;

describe('kaldiFbank vs kaldi-native-fbank', () => {
  it('covers the signals the generator wrote', () => {
    expect(goldens.signals.length).toBeGreaterThanOrEqual(9);
    expect(goldens.options.fftSize).toBe(512);
  });

  it.each(goldens.signals.map((s) => [s.name, s] as const))('%s', (_name, s) => {
    const m = kaldiFbank(signal(s.name, s.numSamples));
    expect(m.frames).toBe(s.frames);
    expect(m.melBands).toBe(80);
    let worstAbove = 0;
    let worstNear = 0;
    for (let t = 0; t < s.frames; t++) {
      for (let b = 0; b < 80; b++) {
        const want = s.fbank[t][b];
        const d = Math.abs(m.data[t * 80 + b] - want);
        if (want > FLOOR + 3) worstAbove = Math.max(worstAbove, d);
        else worstNear = Math.max(worstNear, d);
      }
    }
    expect(worstAbove).toBeLessThan(1e-3);
    expect(worstNear).toBeLessThan(6e-3);
  });
});

describe('kaldiFbank details', () => {
  it('frames lie inside the signal (snip_edges)', () => {
    expect(kaldiFrameCount(399, CAMPPLUS_FBANK_CONFIG)).toBe(0);
    expect(kaldiFrameCount(400, CAMPPLUS_FBANK_CONFIG)).toBe(1);
    expect(kaldiFrameCount(559, CAMPPLUS_FBANK_CONFIG)).toBe(1);
    expect(kaldiFrameCount(560, CAMPPLUS_FBANK_CONFIG)).toBe(2);
    expect(kaldiFrameCount(25600, CAMPPLUS_FBANK_CONFIG)).toBe(158);
  });

  it('uses the Kaldi mel scale', () => {
    expect(kaldiMel(700)).toBeCloseTo(1127 * Math.log(2), 10);
    expect(kaldiMel(0)).toBe(0);
  });

  it('digital silence sits on the float32-epsilon floor, never -Infinity', () => {
    const m = kaldiFbank(new Float32Array(1600));
    expect(m.frames).toBe(8);
    expect(m.data.every((v) => Math.abs(v - FLOOR) < 1e-5)).toBe(true);
  });

  it('mean subtraction makes every band average zero and removes gain (away from the floor)', () => {
    const x = lcgNoise(8000, 3);
    const a = subtractBandMeans(kaldiFbank(x));
    // Louder, not quieter: pre-emphasised white noise has bands near the floor, where gain does not cancel.
    const b = subtractBandMeans(kaldiFbank(Float32Array.from(x, (v) => v * 4)));
    for (let band = 0; band < 80; band++) {
      let s = 0;
      for (let t = 0; t < a.frames; t++) s += a.data[t * 80 + band];
      expect(Math.abs(s / a.frames)).toBeLessThan(1e-5);
    }
    let worst = 0;
    for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
    expect(worst).toBeLessThan(1e-4);
  });

  it('validates its config, naming the field', () => {
    expect(() => validateKaldiFbankConfig({ melBands: 0 })).toThrow(/fbank\.melBands/);
    expect(() => validateKaldiFbankConfig({ lowFreqHz: 9000 })).toThrow(/fbank\.lowFreqHz/);
    expect(() => validateKaldiFbankConfig({ highFreqHz: 10 })).toThrow(/fbank\.highFreqHz/);
    expect(validateKaldiFbankConfig()).toEqual(CAMPPLUS_FBANK_CONFIG);
  });
});
