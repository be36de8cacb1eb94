import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultVoiceEncoderPath, OnnxVoiceEncoder } from '../../src/embedding/onnxVoiceEncoder.js';
import { readOnnxMetadata } from '../../src/runtime/onnxMetadata.js';
import { embedWindows } from '../../src/embedding/embed.js';

describe('OnnxVoiceEncoder', () => {
  let enc: OnnxVoiceEncoder;
  beforeAll(async () => {
    enc = await OnnxVoiceEncoder.create({ threads: 1 });
  });
  afterAll(async () => {
    await enc.dispose();
  });

  it('reads and checks the frontend metadata of the shipped model', () => {
    expect(enc.dim).toBe(256);
    expect(enc.partialFrames).toBe(160);
    expect(enc.melBands).toBe(40);
    expect(enc.hiddenMeanDim).toBe(512);
    expect(enc.metadata.fft_size).toBe('400');
    expect(enc.metadata.license).toBe('Apache-2.0');
  });

  it('returns one L2-normalised row per batch item, for any frame count', async () => {
    for (const frames of [160, 37]) {
      const batch = 3;
      const mels = new Float32Array(batch * frames * 40);
      for (let i = 0; i < mels.length; i++) mels[i] = ((i * 7919) % 101) / 10;
      const { embeddings: out, hiddenMean } = await enc.embedMels(mels, batch);
      expect(out.length).toBe(batch * 256);
      expect(hiddenMean!.length).toBe(batch * 512);
      for (let b = 0; b < batch; b++) {
        const row = out.subarray(b * 256, (b + 1) * 256);
        expect(Math.hypot(...row)).toBeCloseTo(1, 5);
        expect(row.every((v) => v >= 0)).toBe(true); // ReLU before the norm
        // Two L2-normalised halves: the mean states of LSTM layers 2 and 3.
        expect(Math.hypot(...hiddenMean!.subarray(b * 512, b * 512 + 256))).toBeCloseTo(1, 5);
        expect(Math.hypot(...hiddenMean!.subarray(b * 512 + 256, (b + 1) * 512))).toBeCloseTo(1, 5);
      }
    }
  });

  it('embeds windows end to end without NaN', async () => {
    const x = new Float32Array(3 * 16000);
    for (let i = 0; i < x.length; i++) x[i] = 0.1 * Math.sin((2 * Math.PI * 150 * i) / 16000) * (1 + Math.sin(i / 900));
    const r = await embedWindows(
      x,
      [
        { startSec: 0, endSec: 1.5 },
        { startSec: 1, endSec: 3 },
      ],
      enc,
    );
    expect(r.skipped).toEqual([]);
    expect(r.data.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('refuses use after dispose', async () => {
    const e2 = await OnnxVoiceEncoder.create();
    await e2.dispose();
    await expect(e2.embedMels(new Float32Array(160 * 40), 1)).rejects.toMatchObject({ code: 'MODEL_MISSING' });
  });
});

describe('OnnxVoiceEncoder errors', () => {
  it('names the missing path and the fix', async () => {
    await expect(OnnxVoiceEncoder.create({ modelPath: '/nonexistent/voice-encoder.onnx' })).rejects.toMatchObject({
      code: 'MODEL_MISSING',
      file: '/nonexistent/voice-encoder.onnx',
      message: expect.stringMatching(/convert_resemblyzer\.py/),
    });
  });
  it('rejects a file that is not an ONNX model', async () => {
    await expect(OnnxVoiceEncoder.create({ modelPath: new URL(import.meta.url).pathname })).rejects.toMatchObject({
      code: 'MODEL_MISMATCH',
    });
  });
  it('rejects bad thread counts as a config error', async () => {
    await expect(OnnxVoiceEncoder.create({ threads: 0 })).rejects.toMatchObject({ code: 'INVALID_CONFIG', field: 'threads' });
  });
});

describe('readOnnxMetadata', () => {
  it('reads metadata_props from the model bytes', () => {
    const p = defaultVoiceEncoderPath();
    expect(existsSync(p)).toBe(true);
    const meta = readOnnxMetadata(new Uint8Array(readFileSync(p)), p);
    expect(meta).toMatchObject({
      sample_rate_hz: '16000',
      hop_samples: '160',
      mel_bands: '40',
      partial_frames: '160',
      embedding_dim: '256',
    });
  });
});
