/**
 * Silero VAD (MIT, snakers4/silero-vad) run with onnxruntime-node. One InferenceSession per
 * instance, reused for every call, released by dispose().
 */
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { CountSpeakersError, ModelError } from '../errors/index.js';
import type { VadModel, VadState } from './types.js';

/** Shipped model (chosen by bench/eval-vad.ts, recorded in models/manifest.json under "vad"). */
export const SILERO_MODEL_FILE = 'silero_vad_v6.onnx';
const SAMPLE_RATE_HZ = 16000;
const CHUNK_SAMPLES = 512;
const CONTEXT_SAMPLES = 64;
const STATE_SIZE = 128;

export function defaultSileroModelPath(): string {
  // Same relative place from src/vad (tsx, tests) and dist/vad (built package).
  return fileURLToPath(new URL(`../../models/${SILERO_MODEL_FILE}`, import.meta.url));
}

export interface SileroVadOptions {
  modelPath?: string;
  /** ONNX intra-op threads (default 1: one small graph per step gains little from more, see bench/eval-vad.ts). */
  threads?: number;
}

export class SileroVad implements VadModel {
  readonly sampleRateHz = SAMPLE_RATE_HZ;
  readonly chunkSamples = CHUNK_SAMPLES;
  readonly contextSamples = CONTEXT_SAMPLES;
  readonly modelPath: string;
  private session: ort.InferenceSession | null;
  private readonly sr: ort.Tensor;

  private constructor(session: ort.InferenceSession, modelPath: string) {
    this.session = session;
    this.modelPath = modelPath;
    this.sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(SAMPLE_RATE_HZ)]), []);
  }

  static async create(options: SileroVadOptions = {}): Promise<SileroVad> {
    const modelPath = options.modelPath ?? defaultSileroModelPath();
    if (!existsSync(modelPath) || !statSync(modelPath).isFile()) {
      throw new ModelError(
        'MODEL_MISSING',
        `Silero VAD model not found: expected an ONNX file at ${modelPath}, received nothing there. ` +
          'Reinstall the package, or regenerate it with tools/fetch_silero.sh.',
        modelPath,
      );
    }
    const threads = options.threads ?? 1;
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(modelPath, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        // Spinning pool threads burn the cores the embedding stage needs between the many small runs.
        extra: { session: { intra_op: { allow_spinning: threads > 1 ? '0' : '1' } } },
      });
    } catch (cause) {
      throw new ModelError(
        'MODEL_MISMATCH',
        `Silero VAD model at ${modelPath} could not be loaded by onnxruntime (${String(cause)}). ` +
          'Expected the ONNX file from tools/fetch_silero.sh; regenerate it.',
        modelPath,
      );
    }
    const need = ['input', 'state', 'sr'];
    if (!need.every((n) => session.inputNames.includes(n)) || !session.outputNames.includes('stateN')) {
      const got = `inputs [${session.inputNames.join(', ')}], outputs [${session.outputNames.join(', ')}]`;
      await session.release();
      throw new ModelError(
        'MODEL_MISMATCH',
        `${modelPath} is not a Silero v5/v6 VAD: expected inputs [input, state, sr] and outputs [output, stateN], received ${got}. ` +
          'Use the file produced by tools/fetch_silero.sh.',
        modelPath,
      );
    }
    return new SileroVad(session, modelPath);
  }

  resetState(batch: number): VadState {
    return { batch, data: new Float32Array(2 * batch * STATE_SIZE) };
  }

  async process(frames: Float32Array, batch: number, state: VadState): Promise<{ probs: Float32Array; state: VadState }> {
    const session = this.session;
    if (session === null) {
      throw new CountSpeakersError('INTERNAL', 'SileroVad.process: expected a live session, received a disposed one. Create a new SileroVad.');
    }
    const width = CONTEXT_SAMPLES + CHUNK_SAMPLES;
    const input = new ort.Tensor('float32', frames.subarray(0, batch * width), [batch, width]);
    const stateIn = new ort.Tensor('float32', state.data, [2, batch, STATE_SIZE]);
    const out = await session.run({ input, state: stateIn, sr: this.sr });
    const probs = out.output.data as Float32Array;
    const next = out.stateN.data as Float32Array;
    return { probs, state: { batch, data: next } };
  }

  async dispose(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session !== null) await session.release();
  }
}
