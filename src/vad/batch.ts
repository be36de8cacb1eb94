/**
 * Runs a sequential (recurrent) VAD fast by batching independent streams: the signal is cut into
 * B pieces that advance in lockstep, one ONNX call per step for all of them ([B, ctx+chunk]).
 * Each piece except the first starts `warmupChunks` early and discards those probabilities, so its
 * recurrent state has settled by the time its own audio starts. Piece 0 starts at the signal start
 * with a zero state, exactly as a plain sequential run (or after warm-up on `prefix` when streaming).
 */
import type { VadModel } from './types.js';

export interface BatchLayout {
  maxBatch: number;
  /** Minimum chunks kept per piece (the batch shrinks for short signals). */
  minPieceChunks: number;
  warmupChunks: number;
}

export interface ProbabilityOptions {
  /** Audio just before `samples` (streaming): used for context and warm-up of piece 0. */
  prefix?: Float32Array;
  /** Called after each step with the fraction done, 0..1. */
  onProgress?: (fraction: number) => void;
}

interface Piece {
  /** First chunk the piece runs (may be negative: prefix or zeros). */
  runStart: number;
  keepStart: number;
  /** Exclusive; clipped to the number of chunks. */
  keepEnd: number;
}

/** How `chunks` chunks are split into lockstep pieces, given `historyChunks` of usable prefix. */
export function planPieces(chunks: number, layout: BatchLayout, historyChunks = 0): { steps: number; pieces: Piece[] } {
  if (chunks <= 0) return { steps: 0, pieces: [] };
  const w = layout.warmupChunks;
  const h0 = Math.min(w, Math.max(0, historyChunks));
  let batch = Math.max(1, Math.min(layout.maxBatch, Math.floor(chunks / Math.max(1, layout.minPieceChunks))));
  // Pieces other than the first keep steps - w chunks; the first keeps steps - h0.
  let steps = Math.ceil((chunks + h0 + (batch - 1) * w) / batch);
  if (batch > 1 && steps <= w) {
    // Too short for warm-up to pay off: fall back to one sequential stream.
    batch = 1;
    steps = chunks + h0;
  }
  const pieces: Piece[] = [{ runStart: -h0, keepStart: 0, keepEnd: Math.min(chunks, steps - h0) }];
  let next = steps - h0;
  for (let b = 1; b < batch && next < chunks; b++) {
    const keepEnd = Math.min(chunks, next + steps - w);
    pieces.push({ runStart: next - w, keepStart: next, keepEnd });
    next = keepEnd;
  }
  return { steps, pieces };
}

/**
 * Speech probability per chunk of `samples` (chunk i = samples [i*chunk, (i+1)*chunk), the last one
 * zero-padded). Non-finite samples are read as 0 so the output is always NaN-free.
 */
export async function speechProbabilities(
  model: VadModel,
  samples: Float32Array,
  layout: BatchLayout,
  options: ProbabilityOptions = {},
): Promise<Float32Array> {
  const hop = model.chunkSamples;
  const ctx = model.contextSamples;
  const width = ctx + hop;
  const chunks = Math.ceil(samples.length / hop);
  const prefix = options.prefix ?? new Float32Array(0);
  const { steps, pieces } = planPieces(chunks, layout, Math.floor(prefix.length / hop));
  const probs = new Float32Array(chunks);
  if (chunks === 0) return probs;

  const batch = pieces.length;
  const frames = new Float32Array(batch * width);
  let state = model.resetState(batch);
  const n = samples.length;
  const p = prefix.length;

  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const first = (pieces[b].runStart + t) * hop - ctx; // sample index of the row's first value
      const row = b * width;
      if (first >= 0 && first + width <= n) {
        for (let k = 0; k < width; k++) {
          const v = samples[first + k];
          frames[row + k] = Number.isFinite(v) ? v : 0;
        }
      } else {
        for (let k = 0; k < width; k++) {
          const j = first + k;
          const v = j >= 0 ? (j < n ? samples[j] : 0) : j >= -p ? prefix[p + j] : 0;
          frames[row + k] = Number.isFinite(v) ? v : 0;
        }
      }
    }
    const out = await model.process(frames, batch, state);
    state = out.state;
    for (let b = 0; b < batch; b++) {
      const c = pieces[b].runStart + t;
      if (c >= pieces[b].keepStart && c < pieces[b].keepEnd) {
        const v = out.probs[b];
        probs[c] = Number.isFinite(v) ? v : 0;
      }
    }
    options.onProgress?.((t + 1) / steps);
  }
  return probs;
}
