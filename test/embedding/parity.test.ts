/**
 * Parity with the original Resemblyzer (torch + librosa): tools/embedding_reference.py wrote the
 * embeddings of 24 LibriSpeech files; our frontend (the TypeScript reference, and the WASM core the
 * engine uses) + ONNX model must agree on every one. The same for the second output, hidden_mean
 * (mean LSTM states of layers 2 and 3 over the first 160 frames, read the sex classifier's way).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import reference from './reference-embeddings.json' with { type: 'json' };
import { OnnxVoiceEncoder } from '../../src/embedding/onnxVoiceEncoder.js';
import { embedUtterance } from '../../src/embedding/embed.js';
import { createWasmBackend, type WasmFeatureBackend } from '../../src/features/wasmBackend.js';
import { cosine, dataDir, hasData, readPcm16Wav } from './helpers.js';
import { normalizeVolume } from '../../src/features/volume.js';
import { VOICE_ENCODER_MEL_CONFIG } from '../../src/features/melConfig.js';
import { tsFeatureBackend } from '../../src/features/tsBackend.js';
import type { FeatureBackend } from '../../src/features/types.js';

if (!hasData) console.warn(`parity test skipped: ${dataDir}/librispeech not found (set COUNT_SPEAKERS_DATA)`);

describe.skipIf(!hasData)('embedUtterance vs original Resemblyzer 0.1.4', () => {
  let enc: OnnxVoiceEncoder;
  let wasm: WasmFeatureBackend;
  beforeAll(async () => {
    enc = await OnnxVoiceEncoder.create({ threads: 1 });
    wasm = createWasmBackend();
  });
  afterAll(async () => {
    await enc.dispose();
    wasm.dispose();
  });

  it('has at least 20 reference files', () => {
    expect(reference.items.length).toBeGreaterThanOrEqual(20);
  });

  it.each(reference.items.map((r) => [r.file, r] as const))('%s: cosine >= 0.999', async (_name, r) => {
    const samples = readPcm16Wav(path.join(dataDir, r.file));
    expect(samples.length).toBe(r.samples);
    const e = await embedUtterance(samples, enc);
    expect(e).not.toBeNull();
    expect(cosine(e!, r.embedding)).toBeGreaterThanOrEqual(0.999);
  });

  it.each(reference.items.map((r) => [r.file, r] as const))('%s with the WASM frontend: cosine >= 0.999', async (_name, r) => {
    const e = await embedUtterance(readPcm16Wav(path.join(dataDir, r.file)), enc, { frontend: wasm });
    expect(e).not.toBeNull();
    expect(cosine(e!, r.embedding)).toBeGreaterThanOrEqual(0.999);
  });

  async function hiddenMeanOfFirstPartial(samples: Float32Array, frontend: FeatureBackend): Promise<Float32Array> {
    const mel = frontend.melSpectrogram(normalizeVolume(samples), VOICE_ENCODER_MEL_CONFIG);
    const out = await enc.embedMels(mel.data.slice(0, 160 * mel.melBands), 1);
    return out.hiddenMean!;
  }

  it.each(reference.items.map((r) => [r.file, r] as const))(
    '%s hidden_mean (TS and WASM frontends): each half cosine >= 0.999',
    async (_name, r) => {
      const samples = readPcm16Wav(path.join(dataDir, r.file));
      for (const frontend of [tsFeatureBackend, wasm]) {
        const h = await hiddenMeanOfFirstPartial(samples, frontend);
        expect(cosine(h.subarray(0, 256), r.hiddenMean.slice(0, 256))).toBeGreaterThanOrEqual(0.999);
        expect(cosine(h.subarray(256), r.hiddenMean.slice(256))).toBeGreaterThanOrEqual(0.999);
      }
    },
  );
});
