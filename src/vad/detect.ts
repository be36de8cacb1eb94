/**
 * Speech detection on a whole 16 kHz signal, or block by block on a stream (memory bounded by one
 * block of audio plus one float per 32 ms of probabilities).
 */
import { validateVadConfig, type VadConfig } from './config.js';
import { speechProbabilities, type BatchLayout } from './batch.js';
import { regionsFromProbabilities } from './postprocess.js';
import type { SpeechProbabilities, SpeechRegion, VadModel } from './types.js';

export interface DetectOptions {
  onProgress?: (fraction: number) => void;
}

export function batchLayout(model: VadModel, config: VadConfig): BatchLayout {
  const chunkSec = model.chunkSamples / model.sampleRateHz;
  return {
    maxBatch: config.maxBatch,
    minPieceChunks: Math.max(1, Math.round(config.minPieceSec / chunkSec)),
    warmupChunks: Math.round(config.warmupSec / chunkSec),
  };
}

/** Per-chunk speech probabilities of a whole signal at the model's sample rate. */
export async function detectSpeechProbabilities(
  model: VadModel,
  samples: Float32Array,
  config?: Partial<VadConfig>,
  options: DetectOptions = {},
): Promise<SpeechProbabilities> {
  const c = validateVadConfig(config);
  const opts = options.onProgress !== undefined ? { onProgress: options.onProgress } : {};
  const probs = await speechProbabilities(model, samples, batchLayout(model, c), opts);
  return { probs, hopSamples: model.chunkSamples, sampleRateHz: model.sampleRateHz, totalSamples: samples.length };
}

/** Speech regions of a whole 16 kHz mono signal; empty or sub-chunk input gives no region. */
export async function detectSpeech(
  model: VadModel,
  samples: Float32Array,
  config?: Partial<VadConfig>,
  options: DetectOptions = {},
): Promise<SpeechRegion[]> {
  const c = validateVadConfig(config);
  return regionsFromProbabilities(await detectSpeechProbabilities(model, samples, c, options), c);
}

/**
 * Streaming: push blocks of any size; audio is processed every `blockSec` (batched within the
 * block), and each block warms up on the tail of the previous one so results match a whole-signal
 * run up to the warm-up approximation.
 */
export class SpeechProbabilityStream {
  private readonly model: VadModel;
  private readonly layout: BatchLayout;
  private readonly blockSamples: number;
  private readonly tailSamples: number;
  private pending: Float32Array[] = [];
  private pendingSamples = 0;
  private tail = new Float32Array(0);
  private readonly out: Float32Array[] = [];
  private total = 0;

  constructor(model: VadModel, config?: Partial<VadConfig>) {
    const c = validateVadConfig(config);
    this.model = model;
    this.layout = batchLayout(model, c);
    // Whole chunks per block so chunk boundaries line up across blocks.
    this.blockSamples = Math.max(1, Math.round((c.blockSec * model.sampleRateHz) / model.chunkSamples)) * model.chunkSamples;
    this.tailSamples = this.layout.warmupChunks * model.chunkSamples + model.contextSamples;
  }

  async push(block: Float32Array): Promise<void> {
    if (block.length === 0) return;
    this.pending.push(block);
    this.pendingSamples += block.length;
    while (this.pendingSamples >= this.blockSamples) await this.runBlock(this.take(this.blockSamples));
  }

  /** Processes what is left and returns the probabilities of everything pushed. */
  async finish(): Promise<SpeechProbabilities> {
    if (this.pendingSamples > 0) await this.runBlock(this.take(this.pendingSamples));
    const chunks = this.out.reduce((s, a) => s + a.length, 0);
    const probs = new Float32Array(chunks);
    let o = 0;
    for (const a of this.out) {
      probs.set(a, o);
      o += a.length;
    }
    return { probs, hopSamples: this.model.chunkSamples, sampleRateHz: this.model.sampleRateHz, totalSamples: this.total };
  }

  private take(count: number): Float32Array {
    const block = new Float32Array(count);
    let o = 0;
    while (o < count) {
      const head = this.pending[0];
      const n = Math.min(head.length, count - o);
      block.set(head.subarray(0, n), o);
      o += n;
      if (n === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(n);
    }
    this.pendingSamples -= count;
    return block;
  }

  private async runBlock(block: Float32Array): Promise<void> {
    this.out.push(await speechProbabilities(this.model, block, this.layout, { prefix: this.tail }));
    this.total += block.length;
    const joined = new Float32Array(Math.min(this.tailSamples, this.tail.length + block.length));
    const fromBlock = Math.min(block.length, joined.length);
    joined.set(this.tail.subarray(this.tail.length - (joined.length - fromBlock)), 0);
    joined.set(block.subarray(block.length - fromBlock), joined.length - fromBlock);
    this.tail = joined;
  }
}

/** Speech regions of a stream of 16 kHz blocks. */
export async function detectSpeechStream(
  model: VadModel,
  blocks: AsyncIterable<Float32Array>,
  config?: Partial<VadConfig>,
): Promise<SpeechRegion[]> {
  const c = validateVadConfig(config);
  const stream = new SpeechProbabilityStream(model, c);
  for await (const block of blocks) await stream.push(block);
  return regionsFromProbabilities(await stream.finish(), c);
}
