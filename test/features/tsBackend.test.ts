import { describe, expect, it } from 'vitest';
import goldens from './librosa-goldens.json' with { type: 'json' };
import { melFilterbank } from '../../src/features/filterbank.js';
import { VOICE_ENCODER_MEL_CONFIG, validateMelConfig } from '../../src/features/melConfig.js';
import { TsFeatureBackend } from '../../src/features/tsBackend.js';
import { stftFrameCount } from '../../src/features/frames.js';
import { impulse, lcgNoise, twoSines } from './signals.js';

type Triple = [number, number, number];
const REL = 1e-4;

function expectRel(got: number, want: number, what: string): void {
  const rel = Math.abs(got - want) / Math.abs(want);
  expect(rel, `${what}: got ${got}, librosa ${want}`).toBeLessThanOrEqual(REL);
}

const makers: Record<string, () => Float32Array> = {
  twoSines,
  impulse,
  noise: () => lcgNoise(8000, 12345),
};

describe('TsFeatureBackend vs librosa.feature.melspectrogram (golden values)', () => {
  const backend = new TsFeatureBackend();
  for (const [key, g] of Object.entries(goldens.signals)) {
    it(`${key}: frame count, sum and sampled values within 1e-4 relative`, () => {
      const name = key.split('/')[0];
      const samples = makers[name]();
      expect(samples.length).toBe(g.samples);
      const config = validateMelConfig({ padMode: g.padMode });
      const mel = backend.melSpectrogram(samples, config);
      expect(mel.frames).toBe(g.frames);
      expect(mel.melBands).toBe(40);
      expect(g.values.length).toBeGreaterThan(5);
      let sum = 0;
      for (const v of mel.data) sum += v;
      expectRel(sum, g.sum, `${key} sum`);
      for (const [t, b, want] of g.values as Triple[]) expectRel(mel.data[t * 40 + b], want, `${key}[${t},${b}]`);
    });
  }

  it('gives zeros for silence and one frame per hop (+1 for centring)', () => {
    const mel = backend.melSpectrogram(new Float32Array(1600), VOICE_ENCODER_MEL_CONFIG);
    expect(mel.frames).toBe(11);
    expect(mel.data.every((v) => v === 0)).toBe(true);
    expect(stftFrameCount(25600, VOICE_ENCODER_MEL_CONFIG)).toBe(161);
    expect(backend.melSpectrogram(new Float32Array(0), VOICE_ENCODER_MEL_CONFIG).frames).toBe(1);
  });

  it('zero-pads a shorter window to a power-of-two fftSize (fft.js path)', () => {
    const a = backend.melSpectrogram(lcgNoise(4000, 7), validateMelConfig({ fftSize: 512 }));
    expect(a.frames).toBe(26);
    expect(a.data.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
  });
});

describe('melFilterbank vs librosa.filters.mel', () => {
  it('matches sampled weights and the total within 1e-6 relative', () => {
    const w = melFilterbank(VOICE_ENCODER_MEL_CONFIG);
    const [bands, bins] = goldens.filterbank.shape;
    expect(w.length).toBe(bands * bins);
    let sum = 0;
    for (const v of w) sum += v;
    expect(Math.abs(sum - goldens.filterbank.sum) / goldens.filterbank.sum).toBeLessThan(1e-6);
    for (const [b, k, want] of goldens.filterbank.values as Triple[]) {
      expect(Math.abs(w[b * bins + k] - want) / want).toBeLessThan(1e-6);
    }
  });
});

describe('validateMelConfig', () => {
  it('returns the frozen voice-encoder defaults', () => {
    expect(Object.isFrozen(VOICE_ENCODER_MEL_CONFIG)).toBe(true);
    expect(validateMelConfig()).toEqual(VOICE_ENCODER_MEL_CONFIG);
  });
  it.each([
    [{ fftSize: 401 }, 'mel.fftSize'],
    [{ windowSamples: 800 }, 'mel.windowSamples'],
    [{ hopSamples: 0 }, 'mel.hopSamples'],
    [{ fMaxHz: 9000 }, 'mel.fMaxHz'],
    [{ padMode: 'edge' }, 'mel.padMode'],
    [{ hopSample: 160 }, 'mel.hopSample'],
  ])('rejects %j naming %s', (partial, field) => {
    expect(() => validateMelConfig(partial)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', field }));
  });
});
