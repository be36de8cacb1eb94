import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import wavefile from 'wavefile';
import { ModelError } from '../../src/errors/index.js';
import { SileroVad, defaultSileroModelPath, detectSpeech, speechProbabilities, speechSeconds } from '../../src/vad/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');
const hasData = existsSync(dataDir);
if (!hasData) console.warn(`test/vad/silero: ${dataDir} not found (set COUNT_SPEAKERS_DATA); real-audio VAD tests skipped.`);

// The audio stage has its own reader; wavefile directly keeps this test independent of it.
function readWav16k(file: string): Float32Array {
  const wav = new wavefile.WaveFile(readFileSync(file));
  expect((wav.fmt as { sampleRate: number }).sampleRate).toBe(16000);
  wav.toBitDepth('32f');
  return Float32Array.from(wav.getSamples(false, Float32Array));
}

/** Deterministic low-level white noise (LCG), amplitude `level`. */
function noise(samples: number, level: number, seed = 1): Float32Array {
  let x = seed;
  return Float32Array.from({ length: samples }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return (x / 2 ** 32 - 0.5) * 2 * level;
  });
}

describe('SileroVad', () => {
  let vad: SileroVad;
  beforeAll(async () => {
    vad = await SileroVad.create({ threads: 1 });
  });
  afterAll(async () => {
    await vad.dispose();
  });

  it('ships its model at the default path', () => {
    expect(existsSync(defaultSileroModelPath())).toBe(true);
    expect(vad.chunkSamples).toBe(512);
    expect(vad.contextSamples).toBe(64);
  });

  it('a missing model file is a ModelError MODEL_MISSING naming the path', async () => {
    const missing = path.join(repoRoot, 'models', 'no-such-vad.onnx');
    const err = await SileroVad.create({ modelPath: missing }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).code).toBe('MODEL_MISSING');
    expect((err as ModelError).message).toContain(missing);
  });

  it('a disposed instance refuses to run', async () => {
    const other = await SileroVad.create();
    await other.dispose();
    await expect(other.process(new Float32Array(576), 1, other.resetState(1))).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('3 s of silence and of low-level white noise give no speech', async () => {
    expect(await detectSpeech(vad, new Float32Array(48_000))).toEqual([]);
    expect(await detectSpeech(vad, noise(48_000, 0.01))).toEqual([]);
  });

  it('empty and sub-chunk inputs give no region', async () => {
    expect(await detectSpeech(vad, new Float32Array(0))).toEqual([]);
    expect(await detectSpeech(vad, noise(400, 0.3))).toEqual([]);
  });

  it('streams in one batch are independent: [B,576] equals B separate runs', async () => {
    const streams = [noise(512 * 40, 0.05, 1), noise(512 * 40, 0.3, 2), new Float32Array(512 * 40), noise(512 * 40, 0.01, 3)];
    const single: Float32Array[] = [];
    for (const s of streams) single.push(await speechProbabilities(vad, s, { maxBatch: 1, minPieceChunks: 1, warmupChunks: 0 }));
    // One interleaved run of all four as a batch.
    const B = streams.length;
    const w = 576;
    let state = vad.resetState(B);
    const frames = new Float32Array(B * w);
    for (let t = 0; t < 40; t++) {
      for (let b = 0; b < B; b++) {
        for (let k = 0; k < w; k++) {
          const j = t * 512 - 64 + k;
          frames[b * w + k] = j >= 0 ? streams[b][j] : 0;
        }
      }
      const out = await vad.process(frames, B, state);
      state = out.state;
      for (let b = 0; b < B; b++) expect(out.probs[b]).toBeCloseTo(single[b][t], 5);
    }
  });

  describe.skipIf(!hasData)('on real speech (LibriSpeech, shared data)', () => {
    // The three files with the largest share of 100 ms frames 12 dB above their noise floor (chosen
    // by energy, not by VAD output): some LibriSpeech utterances hold seconds of real silence.
    const files = ['7402-59171-0000.wav', '6064-300880-0000.wav', '7800-283478-0000.wav'];
    it.each(files)('%s is at least 80 percent covered by speech', async (f) => {
      const samples = readWav16k(path.join(dataDir, 'librispeech', f));
      const regions = await detectSpeech(vad, samples);
      const durationSec = samples.length / 16000;
      expect(speechSeconds(regions) / durationSec).toBeGreaterThanOrEqual(0.8);
      for (const r of regions) {
        expect(r.startSec).toBeGreaterThanOrEqual(0);
        expect(r.endSec).toBeLessThanOrEqual(durationSec);
      }
    });

    it('musanmix: no speech in the music and noise parts, speech found on the man (63-74 s)', async () => {
      const samples = readWav16k(path.join(dataDir, 'ina', 'musanmix.wav'));
      const regions = await detectSpeech(vad, samples);
      const inside = (a: number, b: number) =>
        regions.reduce((t, r) => t + Math.max(0, Math.min(b, r.endSec) - Math.max(a, r.startSec)), 0);
      expect(inside(0, 55.74)).toBe(0);
      expect(inside(63.34, 73.82)).toBeGreaterThan(0.8 * (73.82 - 63.34));
    });
  });
});
