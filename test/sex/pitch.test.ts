import { describe, expect, it } from 'vitest';
import { pitchFeatures, yinTrack } from '../../src/sex/pitch.js';

const SR = 16000;
/** A glottal-like pulse train: harmonics 1..10 falling 6 dB per octave. */
function voiced(f0Hz: number, sec: number): Float32Array {
  return Float32Array.from({ length: Math.round(sec * SR) }, (_, i) => {
    let s = 0;
    for (let h = 1; h <= 10; h++) s += Math.sin((2 * Math.PI * f0Hz * h * i) / SR) / h;
    return 0.1 * s;
  });
}

describe('YIN pitch', () => {
  it.each([85, 120, 210, 310])('finds %d Hz within 1 %', (f0) => {
    const feats = pitchFeatures(voiced(f0, 1));
    expect(Math.abs(2 ** feats[0] - f0) / f0).toBeLessThan(0.01);
    expect(feats[3]).toBe(1);
  });

  it('white noise is mostly unvoiced', () => {
    let s = 7;
    const x = Float32Array.from({ length: SR }, () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5));
    expect(pitchFeatures(x)[3]).toBeLessThan(0.2);
  });

  it('silence gives no voiced frame and the neutral values', () => {
    const { f0Hz } = yinTrack(new Float32Array(SR));
    expect(f0Hz.every((f) => f === 0)).toBe(true);
    const feats = pitchFeatures(new Float32Array(SR));
    expect(feats[3]).toBe(0);
    expect(2 ** feats[0]).toBeCloseTo(165, 3);
  });

  it('a chunk shorter than one frame gives no frames, not an error', () => {
    expect(yinTrack(new Float32Array(100)).f0Hz.length).toBe(0);
  });
});
