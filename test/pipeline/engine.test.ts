/**
 * The whole pipeline with the shipped models: counts on the shared real recordings, valid
 * empty answers on non-speech, and the worker-thread feature path giving the same numbers.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import wavefile from 'wavefile';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readAudio } from '../../src/audio/index.js';
import { createEngine, type Engine } from '../../src/pipeline/index.js';
import { ConfigError } from '../../src/errors/index.js';
import { SexClassifier } from '../../src/sex/index.js';
import { OnnxVoiceEncoder } from '../../src/embedding/index.js';
import { SileroVad } from '../../src/vad/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');
const hasData = existsSync(path.join(dataDir, 'ina'));
if (!hasData) console.warn(`[engine] real-recording cases skipped: ${dataDir} not found (set COUNT_SPEAKERS_DATA to the shared data folder)`);

function writeWav(file: string, samples: Float32Array, rate = 16000): void {
  const w = new wavefile.WaveFile();
  w.fromScratch(1, rate, '32f', samples);
  writeFileSync(file, w.toBuffer());
}

let engine: Engine;
let tmp: string;
beforeAll(async () => {
  engine = await createEngine({ threads: 2 });
  tmp = mkdtempSync(path.join(tmpdir(), 'cs-engine-'));
});
afterAll(async () => {
  await engine.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!hasData)('countSpeakers on real recordings', () => {
  it('lamartine.wav: one woman, one man', async () => {
    expect(await engine.countSpeakers(path.join(dataDir, 'ina/lamartine.wav'))).toEqual({ M: 1, F: 1 });
  });

  it('musanmix.wav: music and noise are not speakers, one man is', async () => {
    const d = await engine.diarize(path.join(dataDir, 'ina/musanmix.wav'));
    expect(d.counts).toEqual({ M: 1, F: 0 });
    // The man speaks from 63 s; nothing before 60 s may be attributed to anyone.
    expect(d.turns.filter((t) => t.startSec < 60)).toEqual([]);
  });

  it('music only (the first 22 s of musanmix.wav) -> { M: 0, F: 0 }', async () => {
    const { samples } = await readAudio(path.join(dataDir, 'ina/musanmix.wav'));
    const file = path.join(tmp, 'music-only.wav');
    writeWav(file, samples.subarray(0, 22 * 16000));
    expect(await engine.countSpeakers(file)).toEqual({ M: 0, F: 0 });
  });

  it('diarization is consistent: turns sorted, speakers named as in turns, speech sums', async () => {
    const d = await engine.diarize(path.join(dataDir, 'ina/lamartine.wav'));
    expect(d.durationSec).toBeGreaterThan(14);
    const ids = new Set(d.speakers.map((s) => s.id));
    for (const t of d.turns) {
      expect(ids.has(t.speaker)).toBe(true);
      expect(t.endSec).toBeGreaterThan(t.startSec);
    }
    for (let i = 1; i < d.turns.length; i++) expect(d.turns[i].startSec).toBeGreaterThanOrEqual(d.turns[i - 1].startSec);
    for (const s of d.speakers) {
      const secs = d.turns.filter((t) => t.speaker === s.id).reduce((a, t) => a + t.endSec - t.startSec, 0);
      expect(s.speechSec).toBeCloseTo(secs, 2);
      expect(s.confidence).toBeGreaterThanOrEqual(0.5);
      expect(s.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('the worker-thread feature path gives the same embeddings as the inline one', async () => {
    const file = path.join(dataDir, 'ami/trn09.wav');
    const withWorker = await createEngine({ threads: 2, config: { featureWorkerMinWindows: 0 } });
    try {
      const a = await withWorker.diarizeWithDetails(file);
      const b = await engine.diarizeWithDetails(file);
      expect(a.details.embeddings.length).toBeGreaterThan(0);
      expect(Array.from(a.details.embeddings)).toEqual(Array.from(b.details.embeddings));
      expect(Array.from(a.details.hiddenMean!)).toEqual(Array.from(b.details.hiddenMean!));
      expect(a.diarization).toEqual(b.diarization);
    } finally {
      await withWorker.dispose();
    }
  });
});

describe('non-speech input is a valid answer, not an error', () => {
  const n = 16000 * 6;
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const cases: Record<string, () => Float32Array> = {
    silence: () => new Float32Array(n),
    'white noise': () => Float32Array.from({ length: n }, () => 0.3 * rand()),
    'DC offset': () => new Float32Array(n).fill(0.5),
    'clipped square wave': () => Float32Array.from({ length: n }, (_, i) => (Math.floor(i / 80) % 2 ? 1 : -1)),
    'three samples': () => Float32Array.from([0.1, -0.2, 0.3]),
    'a 440 Hz tone': () => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000)),
  };
  for (const [name, make] of Object.entries(cases)) {
    it(`${name} -> { M: 0, F: 0 }`, async () => {
      const file = path.join(tmp, `${name.replace(/\W+/g, '-')}.wav`);
      writeWav(file, make());
      const d = await engine.diarize(file);
      expect(d.counts).toEqual({ M: 0, F: 0 });
      expect(d.speakers).toEqual([]);
    });
  }
});

describe('options', () => {
  it('rejects unknown and out-of-range options naming the field', async () => {
    const file = path.join(tmp, 'opt.wav');
    writeWav(file, new Float32Array(1600));
    await expect(engine.diarize(file, { minSpeakers: 3, maxSpeakers: 2 })).rejects.toThrow(ConfigError);
    await expect(engine.diarize(file, { numSpeakers: 0 })).rejects.toThrow(/numSpeakers/);
    await expect(engine.diarize(file, { bogus: 1 } as never)).rejects.toThrow(/bogus/);
  });

  it('refuses a sex classifier whose input the voice encoder does not give, naming both', async () => {
    const sex = SexClassifier.fromModel({
      format: 'count-speakers/sex-logistic@1',
      positive: 'F',
      embeddingModel: 'voice-encoder.onnx',
      input: 'hidden_mean',
      embeddingDim: 256,
      model: { mean: new Array(256).fill(0), std: new Array(256).fill(1), weights: new Array(256).fill(0), bias: 0 },
      trainedOn: {},
    });
    await expect(createEngine({ sex })).rejects.toMatchObject({ code: 'MODEL_MISMATCH', message: expect.stringMatching(/256-d rows of the voice encoder's hidden_mean output, received a model giving 512/) });
  });

  it('disposes only the models it created: a model passed in stays usable', async () => {
    const encoder = await OnnxVoiceEncoder.create({ threads: 1 });
    const vad = await SileroVad.create();
    try {
      const encoderDispose = vi.spyOn(encoder, 'dispose');
      const vadDispose = vi.spyOn(vad, 'dispose');
      // The engine's own models are released even when the other one is the caller's.
      const ownVadDispose = vi.spyOn(SileroVad.prototype, 'dispose');
      const ownEncoderDispose = vi.spyOn(OnnxVoiceEncoder.prototype, 'dispose');
      await (await createEngine({ encoder })).dispose();
      await (await createEngine({ vad })).dispose();
      expect(encoderDispose).not.toHaveBeenCalled();
      expect(vadDispose).not.toHaveBeenCalled();
      expect(ownVadDispose).toHaveBeenCalledTimes(1);
      expect(ownEncoderDispose).toHaveBeenCalledTimes(1);
      ownVadDispose.mockRestore();
      ownEncoderDispose.mockRestore();
      const out = await encoder.embedMels(new Float32Array(encoder.partialFrames * encoder.melBands).fill(0.1), 1);
      expect(out.embeddings.length).toBe(encoder.dim);
    } finally {
      await encoder.dispose();
      await vad.dispose();
    }
  });

  it('the shipped sex classifier reads the encoder\'s hidden_mean output', () => {
    const sex = SexClassifier.load();
    expect(sex.input).toBe('hidden_mean');
    expect(sex.dim).toBe(512);
  });

  it.skipIf(!hasData)('numSpeakers forces the count', async () => {
    const d = await engine.diarize(path.join(dataDir, 'ina/lamartine.wav'), { numSpeakers: 1 });
    expect(d.speakers.length).toBe(1);
  });

  it.skipIf(!hasData)('reports progress from 0 to 1 through the stages', async () => {
    const seen: string[] = [];
    let last = -1;
    await engine.diarize(path.join(dataDir, 'ina/lamartine.wav'), {
      onProgress: (p) => {
        expect(p.fraction).toBeGreaterThanOrEqual(last - 1e-9);
        last = p.fraction;
        if (!seen.includes(p.stage)) seen.push(p.stage);
      },
    });
    expect(seen[0]).toBe('decode');
    expect(seen[seen.length - 1]).toBe('done');
    expect(last).toBe(1);
  });
});
