/**
 * The speech/music stage: how sure inaSpeechSegmenter's CNN is that each 0.68 s patch of a chunk
 * of "speech" is music (a singer, an instrument the segmentation took for a voice). The analysis
 * keeps these probabilities; speechShare (config.ts) decides from them, and the counting rule
 * reads the share per cluster. Frontend (SIDEKIT log mel bands, in the WASM core when it loads),
 * patches and model are separable: patches.ts is pure, the model is a narrow interface.
 */
import { CountSpeakersError } from '../errors/index.js';
import { kaldiFbank, SPEECH_MUSIC_FBANK_CONFIG } from '../features/kaldiFbank.js';
import { createWasmBackend, type WasmFeatureBackend } from '../features/wasmBackend.js';
import type { OnnxModelOptions } from '../runtime/onnxSession.js';
import { OnnxSpeechMusicModel, type SpeechMusicModel } from './model.js';
import { standardisedPatches } from './patches.js';

export { DEFAULT_SPEECH_MUSIC_CONFIG, speechShare, validateSpeechMusicConfig, type SpeechMusicConfig } from './config.js';
export { OnnxSpeechMusicModel, SPEECH_MUSIC_MODEL_FILE, type SpeechMusicModel } from './model.js';
export { standardisedPatches, type Patches } from './patches.js';

export class SpeechMusic {
  private constructor(
    private readonly model: SpeechMusicModel,
    private readonly wasm: WasmFeatureBackend | null,
  ) {}

  /** `model` defaults to the shipped ONNX file; dispose() releases it either way. */
  static async create(options: OnnxModelOptions & { model?: SpeechMusicModel } = {}): Promise<SpeechMusic> {
    let wasm: WasmFeatureBackend | null = null;
    try {
      wasm = createWasmBackend();
    } catch (e) {
      // The WASM core is an accelerator; the TypeScript filterbank computes the same numbers.
      if (!(e instanceof CountSpeakersError && e.code === 'WASM_UNAVAILABLE')) throw e;
    }
    try {
      const model = options.model ?? (await OnnxSpeechMusicModel.create(options));
      return new SpeechMusic(model, wasm);
    } catch (e) {
      wasm?.dispose();
      throw e;
    }
  }

  /** Music probability of each patch of a 16 kHz chunk, patches every `stepFrames` (empty when shorter than one patch). */
  async patchMusic(chunk: Float32Array, stepFrames: number): Promise<Float32Array> {
    const c = SPEECH_MUSIC_FBANK_CONFIG;
    const mel = this.wasm !== null ? this.wasm.kaldiFbank(chunk, c) : kaldiFbank(chunk, c);
    const m = this.model;
    const p = standardisedPatches(mel, m.patchFrames, m.patchBands, stepFrames, Math.log(c.logFloor));
    return p.count > 0 ? m.musicProbabilities(p.data, p.count) : new Float32Array(0);
  }

  async dispose(): Promise<void> {
    this.wasm?.dispose();
    await this.model.dispose();
  }
}
