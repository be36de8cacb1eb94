import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  detectSpeech,
  detectSpeechStream,
  planPieces,
  speechProbabilities,
  SpeechProbabilityStream,
  type VadModel,
  type VadState,
} from '../../src/vad/index.js';

/**
 * Test double (tests only): probability = mean of the chunk's new samples clipped to [0, 1];
 * it checks that every row's context is the 64 samples before its chunk (signal value = index
 * encoded in `ramp`) and counts calls, so layout and framing are verified without ONNX.
 */
class MeanModel implements VadModel {
  readonly sampleRateHz = 16000;
  readonly chunkSamples = 512;
  readonly contextSamples = 64;
  calls = 0;
  rows: Float32Array[] = [];
  constructor(private readonly keepRows = false) {}
  resetState(batch: number): VadState {
    return { batch, data: new Float32Array(2 * batch * 128) };
  }
  async process(frames: Float32Array, batch: number, state: VadState) {
    this.calls++;
    expect(state.batch).toBe(batch);
    const w = this.contextSamples + this.chunkSamples;
    const probs = new Float32Array(batch);
    for (let b = 0; b < batch; b++) {
      const row = frames.subarray(b * w, (b + 1) * w);
      if (this.keepRows) this.rows.push(row.slice());
      let s = 0;
      for (let k = this.contextSamples; k < w; k++) s += row[k];
      probs[b] = Math.min(1, Math.max(0, s / this.chunkSamples));
    }
    return { probs, state };
  }
  async dispose() {}
}

/** Signal whose chunk i has constant value v[i]. */
function chunked(values: number[], tail = 0): Float32Array {
  const s = new Float32Array(values.length * 512 + tail);
  values.forEach((v, i) => s.fill(v, i * 512, (i + 1) * 512));
  if (tail > 0) s.fill(values[values.length - 1] ?? 0, values.length * 512);
  return s;
}

describe('planPieces', () => {
  it('property: kept ranges tile [0, chunks) in order; every piece runs the same steps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 200 }),
        (chunks, maxBatch, minPieceChunks, warmupChunks, history) => {
          const { steps, pieces } = planPieces(chunks, { maxBatch, minPieceChunks, warmupChunks }, history);
          if (chunks === 0) {
            expect(pieces).toEqual([]);
            return;
          }
          expect(pieces.length).toBeLessThanOrEqual(maxBatch);
          let next = 0;
          for (const p of pieces) {
            expect(p.keepStart).toBe(next);
            expect(p.keepEnd).toBeGreaterThan(p.keepStart);
            expect(p.keepEnd - p.runStart).toBeLessThanOrEqual(steps);
            next = p.keepEnd;
          }
          expect(next).toBe(chunks);
          // Pieces after the first warm up for exactly warmupChunks; the first uses at most the history.
          pieces.slice(1).forEach((p) => expect(p.keepStart - p.runStart).toBe(warmupChunks));
          expect(-pieces[0].runStart).toBeLessThanOrEqual(Math.min(warmupChunks, history));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a one-hour signal runs as 64 lockstep pieces (about 1,800 steps, not 112,500)', () => {
    const chunks = Math.ceil((3600 * 16000) / 512);
    const { steps, pieces } = planPieces(chunks, { maxBatch: 64, minPieceChunks: 938, warmupChunks: 31 });
    expect(pieces.length).toBe(64);
    expect(steps).toBeLessThan(1800);
  });
});

describe('speechProbabilities with a stateless model', () => {
  const values = Array.from({ length: 3000 }, (_, i) => ((i * 7919) % 101) / 100);

  it('batched equals sequential, in far fewer model calls', async () => {
    const sig = chunked(values, 100);
    const seqModel = new MeanModel();
    const seq = await speechProbabilities(seqModel, sig, { maxBatch: 1, minPieceChunks: 1, warmupChunks: 0 });
    const m = new MeanModel(true);
    const bat = await speechProbabilities(m, sig, { maxBatch: 16, minPieceChunks: 100, warmupChunks: 10 });
    expect(bat.length).toBe(3001);
    expect(Array.from(bat)).toEqual(Array.from(seq));
    expect(seqModel.calls).toBe(3001);
    expect(m.calls).toBeLessThan(3001 / 16 + 20);
  });

  it('context of a row is exactly the 64 samples before its chunk', async () => {
    // Sample i holds i + 1 (exact in float32), so 0 can only be padding.
    const ramp = Float32Array.from({ length: 512 * 40 + 100 }, (_, i) => i + 1);
    const m = new MeanModel(true);
    await speechProbabilities(m, ramp, { maxBatch: 4, minPieceChunks: 8, warmupChunks: 2 });
    for (const row of m.rows) {
      for (let k = 1; k < row.length; k++) {
        // Either consecutive samples of the ramp, or zero padding before the start / after the end.
        const ok = row[k] === row[k - 1] + 1 || (row[k] === 0 && (row[k - 1] === 0 || row[k - 1] === ramp.length)) || (row[k - 1] === 0 && row[k] === 1);
        expect(ok).toBe(true);
      }
    }
  });

  it('empty and sub-chunk inputs', async () => {
    const m = new MeanModel();
    expect((await speechProbabilities(m, new Float32Array(0), { maxBatch: 8, minPieceChunks: 1, warmupChunks: 4 })).length).toBe(0);
    expect(await detectSpeech(m, new Float32Array(0))).toEqual([]);
    // 300 samples of full-scale "speech" are shorter than minSpeechSec: no region.
    expect(await detectSpeech(m, new Float32Array(300).fill(1))).toEqual([]);
  });

  it('non-finite samples are read as 0 (NaN-free probabilities and regions)', async () => {
    const sig = chunked([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    sig.fill(Number.NaN, 512 * 3, 512 * 4);
    sig[10] = Number.POSITIVE_INFINITY;
    const m = new MeanModel();
    const p = await speechProbabilities(m, sig, { maxBatch: 1, minPieceChunks: 1, warmupChunks: 0 });
    expect(p.every((v) => Number.isFinite(v))).toBe(true);
    expect(p[3]).toBe(0);
    const r = await detectSpeech(m, sig, { minSilenceSec: 0, minSpeechSec: 0, speechPadSec: 0 });
    expect(r.every((x) => Number.isFinite(x.startSec) && Number.isFinite(x.endSec))).toBe(true);
  });

  it('streaming in blocks gives the same probabilities and regions as the whole signal', async () => {
    const sig = chunked(values.map((v) => (v > 0.6 ? 0.9 : 0.1)), 77);
    const m = new MeanModel();
    const cfg = { blockSec: 10, minPieceSec: 1, warmupSec: 0.2 };
    const stream = new SpeechProbabilityStream(m, cfg);
    for (let o = 0; o < sig.length; o += 12_345) await stream.push(sig.subarray(o, o + 12_345));
    const streamed = await stream.finish();
    const whole = await speechProbabilities(m, sig, { maxBatch: 64, minPieceChunks: 31, warmupChunks: 6 });
    expect(streamed.totalSamples).toBe(sig.length);
    expect(Array.from(streamed.probs)).toEqual(Array.from(whole));
    async function* blocks() {
      for (let o = 0; o < sig.length; o += 40_000) yield sig.slice(o, o + 40_000);
    }
    expect(await detectSpeechStream(m, blocks(), cfg)).toEqual(await detectSpeech(m, sig, cfg));
  });
});
