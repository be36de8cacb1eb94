/**
 * Partial/batching logic with an in-test model (deterministic features of the mel input),
 * so these run without ONNX. The real model is covered by onnxVoiceEncoder and parity tests.
 */
import { describe, expect, it } from 'vitest';
import { embedUtterance, embedWindows } from '../../src/embedding/embed.js';
import type { EmbeddingModel, EncoderOutput } from '../../src/embedding/types.js';

/** Embedding = [frames, mean mel, 1, 0...] normalised, hidden mean = [frames, 1]; records every call's shape. */
class RecordingModel implements EmbeddingModel {
  readonly dim = 4;
  readonly hiddenMeanDim = 2;
  readonly partialFrames = 160;
  readonly melBands = 40;
  calls: { batch: number; frames: number }[] = [];
  nanWhen: (meanMel: number) => boolean = () => false;

  async embedMels(mels: Float32Array, batch: number): Promise<EncoderOutput> {
    const frames = mels.length / batch / this.melBands;
    this.calls.push({ batch, frames });
    const out = new Float32Array(batch * this.dim);
    const hiddenMean = new Float32Array(batch * this.hiddenMeanDim);
    for (let b = 0; b < batch; b++) {
      let s = 0;
      for (let i = 0; i < frames * this.melBands; i++) s += mels[b * frames * this.melBands + i];
      const mean = s / (frames * this.melBands);
      const v = [frames, mean, 1, 0];
      const n = Math.hypot(...v);
      for (let d = 0; d < this.dim; d++) out[b * this.dim + d] = this.nanWhen(mean) ? NaN : v[d] / n;
      hiddenMean.set([frames, 1], b * this.hiddenMeanDim);
    }
    return { embeddings: out, hiddenMean };
  }
  async dispose(): Promise<void> {}
}

function tone(seconds: number, amp = 0.1): Float32Array {
  const x = new Float32Array(Math.round(seconds * 16000));
  for (let i = 0; i < x.length; i++) x[i] = amp * Math.sin((2 * Math.PI * 220 * i) / 16000);
  return x;
}

describe('embedUtterance', () => {
  it('runs one partial per Resemblyzer slice and returns a unit vector', async () => {
    const m = new RecordingModel();
    const e = await embedUtterance(tone(10), m);
    expect(m.calls).toEqual([{ batch: 12, frames: 160 }]);
    expect(e).not.toBeNull();
    expect(Math.hypot(...e!)).toBeCloseTo(1, 6);
  });
  it('splits into batches of batchSize', async () => {
    const m = new RecordingModel();
    await embedUtterance(tone(10), m, { config: { batchSize: 5 } });
    expect(m.calls.map((c) => c.batch)).toEqual([5, 5, 2]);
  });
  it('returns null instead of NaN', async () => {
    const m = new RecordingModel();
    m.nanWhen = () => true;
    expect(await embedUtterance(tone(3), m)).toBeNull();
  });
});

describe('embedWindows', () => {
  it('embeds short windows on their own frames, long ones as averaged 160-frame partials', async () => {
    const m = new RecordingModel();
    const x = tone(20);
    const wins = [
      { startSec: 0, endSec: 1.5 }, // 151 frames
      { startSec: 2, endSec: 3.5 }, // 151 frames, same batch
      { startSec: 4, endSec: 7 }, // 301 frames -> partials at 0, 77, 141
      { startSec: 8, endSec: 8.1 }, // too short
    ];
    const r = await embedWindows(x, wins, m);
    expect(r.dim).toBe(4);
    expect(r.data.length).toBe(16);
    expect(m.calls).toContainEqual({ batch: 2, frames: 151 });
    expect(m.calls).toContainEqual({ batch: 3, frames: 160 });
    expect(r.vectors[0]).not.toBeNull();
    expect(Math.hypot(...r.vectors[2]!)).toBeCloseTo(1, 6);
    expect(r.vectors[3]).toBeNull();
    expect(r.skipped).toEqual([{ index: 3, reason: 'too-short' }]);
    expect(Array.from(r.data.subarray(12, 16))).toEqual([0, 0, 0, 0]);
    // Hidden means: the window's own frames, or the mean over its three 160-frame partials; zero when skipped.
    expect(r.hiddenMeanDim).toBe(2);
    expect(Array.from(r.hiddenMean!)).toEqual([151, 1, 151, 1, 160, 1, 0, 0]);
  });

  it('flags a window whose embedding is not finite, and never returns NaN', async () => {
    const m = new RecordingModel();
    m.nanWhen = (mean) => mean === 0; // silence
    const x = tone(4);
    x.fill(0, 16000, 32000);
    const r = await embedWindows(
      x,
      [
        { startSec: 0, endSec: 1 },
        { startSec: 1, endSec: 2 },
      ],
      m,
    );
    expect(r.vectors[0]).not.toBeNull();
    expect(r.vectors[1]).toBeNull();
    expect(r.skipped).toEqual([{ index: 1, reason: 'not-finite' }]);
    expect(r.data.every((v) => Number.isFinite(v))).toBe(true);
    expect(Array.from(r.hiddenMean!.subarray(2, 4))).toEqual([0, 0]);
  });

  it('clips windows past the end and batches many windows by batchSize', async () => {
    const m = new RecordingModel();
    const wins = Array.from({ length: 130 }, (_, i) => ({ startSec: i * 0.1, endSec: i * 0.1 + 1.5 }));
    const r = await embedWindows(tone(10), wins, m, { config: { batchSize: 64 } });
    // Windows starting after 9.75 s keep less than minWindowSec (0.25 s) of the 10 s input.
    expect(r.vectors.filter((v) => v !== null).length).toBe(98);
    expect(r.skipped.every((s) => s.reason === 'too-short' && s.index >= 98)).toBe(true);
    for (const c of m.calls) expect(c.batch).toBeLessThanOrEqual(64);
  });

  it('rejects a window with end before start naming it', async () => {
    await expect(embedWindows(tone(1), [{ startSec: 0.5, endSec: 0.2 }], new RecordingModel())).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      field: 'windows[0]',
    });
  });
});
