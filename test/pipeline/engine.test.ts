/**
 * The whole pipeline with the shipped models: counts on the shared real recordings, valid
 * empty answers on non-speech, options, model ownership and progress.
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
import { CampPlusEmbedder } from '../../src/embedding/campplus.js';
import { CampPlusThread } from '../../src/embedding/campplusThread.js';
import { OnnxSegmentationModel } from '../../src/segmentation/model.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');
const hasData = existsSync(path.join(dataDir, 'ina'));
if (!hasData)
  console.warn(`[engine] real-recording cases skipped: ${dataDir} not found (set COUNT_SPEAKERS_DATA to the shared data folder)`);

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

  it.each(['lets-go-fishin-vocals', 'vibe-ace', 'sugar-plum', 'trumpet', 'humpback'])(
    'music/%s.wav alone (the first a song with a singer) -> { M: 0, F: 0 }',
    async (name) => {
      expect(await engine.countSpeakers(path.join(dataDir, `music/${name}.wav`))).toEqual({ M: 0, F: 0 });
    },
  );

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

  it('turns may overlap: both speakers are given where they talk at once (AMI)', async () => {
    const d = await engine.diarize(path.join(dataDir, 'ami/trn08.wav'));
    let overlapSec = 0;
    for (let i = 0; i < d.turns.length; i++) {
      for (let j = i + 1; j < d.turns.length && d.turns[j].startSec < d.turns[i].endSec; j++) {
        if (d.turns[j].speaker !== d.turns[i].speaker) overlapSec += Math.min(d.turns[i].endSec, d.turns[j].endSec) - d.turns[j].startSec;
      }
    }
    expect(d.speakers.length).toBeGreaterThanOrEqual(2);
    expect(overlapSec).toBeGreaterThan(0.1);
  });
});

describe('non-speech input is a valid answer, not an error', () => {
  const n = 16000 * 6;
  let seed = 7;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return (seed / 2147483647) * 2 - 1;
  };
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

  it('disposes only the models it created: a model passed in stays usable', async () => {
    const segmentation = await OnnxSegmentationModel.create();
    const embedder = await CampPlusEmbedder.create();
    try {
      const segDispose = vi.spyOn(segmentation, 'dispose');
      const embDispose = vi.spyOn(embedder, 'dispose');
      // The engine's own models are released even when the other one is the caller's.
      const ownSegDispose = vi.spyOn(OnnxSegmentationModel.prototype, 'dispose');
      const ownEmbDispose = vi.spyOn(CampPlusEmbedder.prototype, 'dispose');
      const ownThreadDispose = vi.spyOn(CampPlusThread.prototype, 'dispose');
      await (await createEngine({ segmentation, threads: 2 })).dispose();
      await (await createEngine({ segmentation, threads: 1 })).dispose();
      await (await createEngine({ embedder })).dispose();
      expect(segDispose).not.toHaveBeenCalled();
      expect(embDispose).not.toHaveBeenCalled();
      expect(ownSegDispose).toHaveBeenCalledTimes(1);
      // From two threads on, the engine's CAM++ runs on a thread of its own; on one, beside segmentation.
      expect(ownThreadDispose).toHaveBeenCalledTimes(1);
      expect(ownEmbDispose).toHaveBeenCalledTimes(1);
      ownSegDispose.mockRestore();
      ownEmbDispose.mockRestore();
      ownThreadDispose.mockRestore();
      expect(await embedder.embed(new Float32Array(16000).fill(0.1))).not.toBeNull();
      expect((await segmentation.run(new Float32Array(segmentation.windowSamples), 1)).length).toBe(
        segmentation.framesPerWindow * segmentation.numClasses,
      );
    } finally {
      await embedder.dispose();
      await segmentation.dispose();
    }
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
