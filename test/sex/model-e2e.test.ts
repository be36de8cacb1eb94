/** The shipped chunk sex model on real recordings of ../shared/data (skipped visibly when absent). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudio } from '../../src/audio/index.js';
import { CampPlusEmbedder } from '../../src/embedding/campplus.js';
import { SexModel } from '../../src/sex/model.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');
const present = existsSync(path.join(dataDir, 'ina/lamartine.wav'));
if (!present) console.warn(`model-e2e.test: skipped, ${dataDir} is absent (set COUNT_SPEAKERS_DATA to the data folder)`);

describe.skipIf(!present)('SexModel on real speech', () => {
  let model: SexModel;
  let campplus: CampPlusEmbedder;
  beforeAll(async () => {
    model = await SexModel.create();
    campplus = await CampPlusEmbedder.create();
  });
  afterAll(async () => {
    await model?.dispose();
    await campplus?.dispose();
  });

  const decideChunks = async (chunks: Float32Array[]) => {
    const rows: Float32Array[] = [];
    for (const c of chunks) rows.push(await model.features(c, (await campplus.embed(c))!));
    return model.decide(
      rows,
      chunks.map((c) => c.length / 16000),
    );
  };

  it('lamartine.wav: the first 7.5 s are a woman, the last 6.5 s a man', async () => {
    const { samples } = await readAudio(path.join(dataDir, 'ina/lamartine.wav'));
    const woman = await decideChunks([samples.subarray(0, 7.5 * 16000)]);
    const man = await decideChunks([samples.subarray(samples.length - 6.5 * 16000)]);
    expect(woman.sex).toBe('F');
    expect(man.sex).toBe('M');
    for (const d of [woman, man]) expect(d.confidence).toBeGreaterThan(0.5);
  });

  it('librispeech-long readers (never trained on), decided from ~4 s chunks', async () => {
    const readers: Array<[string, 'M' | 'F']> = [
      ['198-209-0000.wav', 'F'],
      ['3436-172162-0000.wav', 'M'],
      ['5703-47212-0000.wav', 'M'],
    ];
    for (const [file, sex] of readers) {
      const { samples } = await readAudio(path.join(dataDir, 'librispeech-long', file));
      const chunks = [0, 1, 2].map((k) => samples.subarray(k * 64000, Math.min(samples.length, (k + 1) * 64000)));
      expect((await decideChunks(chunks)).sex, file).toBe(sex);
    }
  });
});
