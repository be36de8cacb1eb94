import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxCampPlus } from '../../src/embedding/onnxCampPlus.js';
import { embedWindows } from '../../src/embedding/embed.js';

describe('OnnxCampPlus', () => {
  let enc: OnnxCampPlus;
  beforeAll(async () => {
    enc = await OnnxCampPlus.create({ threads: 1 });
  });
  afterAll(async () => {
    await enc.dispose();
  });

  it('reads and checks the metadata of the shipped model', () => {
    expect(enc.dim).toBe(192);
    expect(enc.melBands).toBe(80);
    expect(enc.frontend.kind).toBe('kaldi-fbank');
    expect(enc.metadata.sample_rate).toBe('16000');
  });

  it('returns one finite 192-d row per batch item, for any frame count', async () => {
    for (const frames of [158, 37]) {
      const batch = 3;
      const fbank = new Float32Array(batch * frames * 80);
      for (let i = 0; i < fbank.length; i++) fbank[i] = (((i * 7919) % 101) - 50) / 25;
      const out = await enc.embedMels(fbank, batch);
      expect(out.length).toBe(batch * 192);
      expect(out.every((v) => Number.isFinite(v))).toBe(true);
      // Raw output of the final BatchNorm (no ReLU, no norm): signed, not unit length.
      expect(out.some((v) => v < 0)).toBe(true);
    }
  });

  it('embeds windows end to end as unit vectors', async () => {
    const x = new Float32Array(3 * 16000);
    for (let i = 0; i < x.length; i++) x[i] = 0.1 * Math.sin((2 * Math.PI * 150 * i) / 16000) * (1 + Math.sin(i / 900));
    const r = await embedWindows(x, [{ startSec: 0, endSec: 1.5 }, { startSec: 1, endSec: 3 }], enc);
    expect(r.skipped).toEqual([]);
    for (const v of r.vectors) expect(Math.hypot(...v!)).toBeCloseTo(1, 5);
  });

  it('refuses use after dispose', async () => {
    const e2 = await OnnxCampPlus.create();
    await e2.dispose();
    await expect(e2.embedMels(new Float32Array(100 * 80), 1)).rejects.toMatchObject({ code: 'MODEL_MISSING' });
  });
});

describe('OnnxCampPlus errors', () => {
  it('names the missing path and the fix', async () => {
    await expect(OnnxCampPlus.create({ modelPath: '/nonexistent/campplus.onnx' })).rejects.toMatchObject({
      code: 'MODEL_MISSING',
      file: '/nonexistent/campplus.onnx',
      message: expect.stringMatching(/convert_campplus\.py/),
    });
  });
  it('rejects the voice encoder (other frontend) as a mismatch', async () => {
    const ge2e = new URL('../../models/voice-encoder.onnx', import.meta.url).pathname;
    await expect(OnnxCampPlus.create({ modelPath: ge2e })).rejects.toMatchObject({ code: 'MODEL_MISMATCH', message: expect.stringMatching(/sample_rate/) });
  });
  it('rejects bad thread counts as a config error', async () => {
    await expect(OnnxCampPlus.create({ threads: 0 })).rejects.toMatchObject({ code: 'INVALID_CONFIG', field: 'threads' });
  });
});
