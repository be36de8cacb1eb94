/**
 * The two FeatureBackends must be interchangeable: whole mel spectrograms of the WASM core
 * and the TypeScript backend agree within 1e-4 of each frame's max (worst frame), on synthetic
 * signals and, when the shared data folder is there, on real LibriSpeech speech.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import wavefile from 'wavefile';
import { afterAll, describe, expect, it } from 'vitest';
import { VOICE_ENCODER_MEL_CONFIG } from '../../src/features/melConfig.js';
import { TsFeatureBackend } from '../../src/features/tsBackend.js';
import type { MelConfig, MelSpectrogram } from '../../src/features/types.js';
import { createWasmBackend } from '../../src/features/wasmBackend.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');
const libriDir = path.join(dataDir, 'librispeech');

const ts = new TsFeatureBackend();
const wasm = createWasmBackend();
afterAll(() => wasm.dispose());

function worstFrameRelDiff(a: MelSpectrogram, b: MelSpectrogram): number {
  expect(b.frames).toBe(a.frames);
  expect(b.melBands).toBe(a.melBands);
  let worst = 0;
  for (let t = 0; t < a.frames; t++) {
    let maxRef = 0;
    let maxErr = 0;
    for (let m = 0; m < a.melBands; m++) {
      const i = t * a.melBands + m;
      maxRef = Math.max(maxRef, Math.abs(a.data[i]));
      maxErr = Math.max(maxErr, Math.abs(a.data[i] - b.data[i]));
    }
    worst = Math.max(worst, maxRef > 0 ? maxErr / maxRef : maxErr);
  }
  return worst;
}

function synthetic(n: number): Float32Array {
  const x = new Float32Array(n);
  let s = 4242;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const t = i / 16000;
    x[i] = 0.05 * (s / 2 ** 32 - 0.5) + 0.5 * Math.sin(2 * Math.PI * (80 * t + 900 * t * t)) + (i % 4001 === 0 ? 0.9 : 0);
  }
  return x;
}

describe('wasm vs TypeScript backend, whole mel spectrograms (<= 1e-4)', () => {
  const configs: [string, MelConfig][] = [
    ['voice encoder (n_fft 400, constant)', VOICE_ENCODER_MEL_CONFIG],
    ['n_fft 400, reflect', { ...VOICE_ENCODER_MEL_CONFIG, padMode: 'reflect' }],
    [
      'n_fft 512 / window 400, magnitude, htk',
      { ...VOICE_ENCODER_MEL_CONFIG, fftSize: 512, spectrum: 'magnitude', melScale: 'htk', melBands: 64 },
    ],
    [
      'n_fft 1024, not centred',
      { ...VOICE_ENCODER_MEL_CONFIG, fftSize: 1024, windowSamples: 1024, hopSamples: 256, center: false, melBands: 80 },
    ],
  ];
  for (const [name, config] of configs) {
    it(`synthetic 3.3 s: ${name}`, () => {
      const x = synthetic(52_817);
      expect(worstFrameRelDiff(ts.melSpectrogram(x, config), wasm.melSpectrogram(x, config))).toBeLessThanOrEqual(1e-4);
    });
  }
});

describe('wasm vs TypeScript backend, random shapes (property)', () => {
  it('any length, hop, supported n_fft, window, pad mode and spectrum: same frames, <= 1e-4', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4000 }),
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom(24, 60, 400, 512, 800),
        fc.double({ min: 0.25, max: 1, noNaN: true }),
        fc.constantFrom('constant', 'reflect'),
        fc.constantFrom('power', 'magnitude'),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (length, hopSamples, fftSize, windowFraction, padMode, spectrum, center, seed) => {
          const windowSamples = Math.max(2, Math.round(fftSize * windowFraction));
          const config: MelConfig = {
            ...VOICE_ENCODER_MEL_CONFIG,
            fftSize,
            windowSamples,
            hopSamples,
            padMode,
            spectrum,
            center,
            melBands: fftSize < 100 ? 8 : 40,
          };
          const x = synthetic(length + seed).subarray(seed);
          const a = ts.melSpectrogram(x, config);
          const b = wasm.melSpectrogram(x, config);
          expect(worstFrameRelDiff(a, b)).toBeLessThanOrEqual(1e-4);
        },
      ),
      { numRuns: 60, seed: 20261123 },
    );
  });
});

if (!existsSync(libriDir)) console.warn(`[wasmVsTs.test] skipping real-speech comparison: ${libriDir} not found (set COUNT_SPEAKERS_DATA)`);

describe.skipIf(!existsSync(libriDir))('wasm vs TypeScript backend on LibriSpeech speech', () => {
  it('3 utterances, voice encoder config', () => {
    const files = readdirSync(libriDir)
      .filter((f) => f.endsWith('.wav'))
      .sort()
      .slice(0, 3);
    expect(files.length).toBe(3);
    for (const f of files) {
      const wav = new wavefile.WaveFile(readFileSync(path.join(libriDir, f)));
      wav.toBitDepth('32f');
      const x = Float32Array.from(wav.getSamples(false, Float64Array) as unknown as Float64Array);
      const d = worstFrameRelDiff(ts.melSpectrogram(x, VOICE_ENCODER_MEL_CONFIG), wasm.melSpectrogram(x, VOICE_ENCODER_MEL_CONFIG));
      expect(d, f).toBeLessThanOrEqual(1e-4);
    }
  });
});
