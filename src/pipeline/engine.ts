/**
 * The diarization pipeline, composed from the stages (only this folder composes them):
 *   1. voice activity  - stream the audio once through Silero VAD -> speech regions
 *   2. embedding       - stream it again, embed 1.6 s windows of speech (CAM++)
 *   3. clustering      - AHC over-clustering, then PLDA merging (calibrated) -> speakers
 *   4. reconstruction  - window labels -> turns; speakers under minSpeechSec are folded into
 *                        their nearest counted speaker
 *   5. sex             - per speaker, from the mean log-odds of its windows
 * Reading the file twice keeps memory flat for long films: only speech regions and
 * embeddings (2 KB per window) are kept, never the whole signal. The second pass reads a 16 kHz
 * spool written by the first (src/audio/spool.ts) unless the file is 16 kHz mono WAV already.
 */
import { openAudio, type AudioStream } from '../audio/index.js';
import { AudioSpool, spoolWorthwhile } from '../audio/spool.js';
import {
  DEFAULT_EMBEDDING_CONFIG,
  createSexEmbeddingModel,
  createSpeakerEmbeddingModel,
  embedWindowMels,
  windowMels,
  windowSegments,
  type EmbeddingModel,
} from '../embedding/index.js';
import { FeatureWorker } from '../features/featureWorker.js';
import { CountSpeakersError, ModelError } from '../errors/index.js';
import { createWasmBackend } from '../features/wasmBackend.js';
import { tsFeatureBackend } from '../features/tsBackend.js';
import type { FeatureBackend } from '../features/types.js';
import { SpeakerProjection } from '../clustering/projection.js';
import { SexClassifier } from '../sex/index.js';
import {
  regionsFromProbabilities,
  SileroVad,
  SpeechProbabilityStream,
  type SpeechRegion,
  type VadModel,
} from '../vad/index.js';
import { overridesFromOptions, validatePipelineConfig, type PipelineConfig, type PipelineOverrides } from './config.js';
import { assembleDiarization } from './assemble.js';
import { planWindows, type PlannedWindow } from './reconstruction.js';
import type { Counts, Diarization, DiarizeOptions, ProgressEvent } from './types.js';

const SR = 16000;

/** Share of the progress bar each pass takes (decoding twice; embedding costs most). */
const PROGRESS = { vadEnd: 0.3, embedEnd: 0.92 } as const;

export interface EngineOptions {
  threads?: number;
  /** Advanced: override stage configs (calibration tools use this). */
  config?: PipelineOverrides;
  /** Advanced: models (tests, tools); default the ONNX models shipped in models/. */
  vad?: VadModel;
  /** Speaker model (clustering); with it, pass the projection trained on its embeddings. */
  encoder?: EmbeddingModel;
  /** Model whose embeddings the sex classifier reads; with it, pass that classifier. */
  sexEncoder?: EmbeddingModel;
  sex?: SexClassifier;
  projection?: SpeakerProjection;
  frontend?: FeatureBackend;
}

/** Intermediate results, for calibration and benchmarks. */
export interface DiarizationDetails {
  regions: SpeechRegion[];
  windows: PlannedWindow[];
  /** Speaker-model embeddings [windows x dim]; rows of invalid windows are zero. */
  embeddings: Float32Array;
  /** 1 where both models embedded the window. */
  valid: Uint8Array;
  dim: number;
  /** Sex-model embeddings [windows x sexDim]; rows of invalid windows are zero. */
  sexEmbeddings: Float32Array;
  sexDim: number;
  durationSec: number;
}

export class Engine {
  private disposed = false;
  private constructor(
    private readonly vad: VadModel,
    private readonly encoder: EmbeddingModel,
    private readonly sexEncoder: EmbeddingModel,
    private readonly sex: SexClassifier,
    private readonly projection: SpeakerProjection,
    private readonly frontend: FeatureBackend,
    private readonly base: PipelineOverrides,
    private readonly owned: { vad: boolean; encoder: boolean; sexEncoder: boolean },
  ) {}

  /** Load the models once; reuse the engine for many files; dispose() at the end. */
  static async create(options: EngineOptions = {}): Promise<Engine> {
    const base: PipelineOverrides = { ...(options.config ?? {}) };
    if (options.threads !== undefined) base.threads = options.threads;
    const cfg = validatePipelineConfig(base);
    const sex = options.sex ?? SexClassifier.load();
    const projection = options.projection ?? SpeakerProjection.load();
    let frontend = options.frontend;
    if (!frontend) {
      try {
        frontend = createWasmBackend();
      } catch (e) {
        // The WASM core is an accelerator; the TypeScript frontend computes the same numbers.
        if (!(e instanceof CountSpeakersError && e.code === 'WASM_UNAVAILABLE')) throw e;
        frontend = tsFeatureBackend;
      }
    }
    const vad = options.vad ?? (await SileroVad.create({ threads: cfg.threads }));
    let encoder: EmbeddingModel | undefined;
    let sexEncoder: EmbeddingModel | undefined;
    try {
      encoder = options.encoder ?? (await createSpeakerEmbeddingModel({ threads: cfg.threads }));
      sexEncoder = options.sexEncoder ?? (await createSexEmbeddingModel({ threads: cfg.threads }));
      const consumers: [string, number, EmbeddingModel][] = [
        ['speaker projection (models/speaker-lda.json)', projection.inputDim, encoder],
        ['sex classifier (models/sex-classifier.json)', sex.dim, sexEncoder],
      ];
      for (const [what, dim, model] of consumers) {
        if (dim !== model.dim) {
          throw new ModelError(
            'MODEL_MISMATCH',
            `The ${what} expects ${dim}-d embeddings, received a model giving ${model.dim}-d. Retrain it for this model with tools/train-models.ts, or restore models/ from the repository.`,
          );
        }
      }
    } catch (e) {
      if (!options.encoder) await encoder?.dispose();
      if (!options.sexEncoder) await sexEncoder?.dispose();
      if (!options.vad) await vad.dispose();
      throw e;
    }
    const owned = { vad: !options.vad, encoder: !options.encoder, sexEncoder: !options.sexEncoder };
    return new Engine(vad, encoder, sexEncoder, sex, projection, frontend, base, owned);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.owned.vad) await this.vad.dispose();
    if (this.owned.encoder) await this.encoder.dispose();
    if (this.owned.sexEncoder) await this.sexEncoder.dispose();
    this.frontend.dispose?.();
  }

  async countSpeakers(file: string, options: DiarizeOptions = {}): Promise<Counts> {
    const d = await this.diarize(file, options);
    return { ...d.counts };
  }

  async diarize(file: string, options: DiarizeOptions = {}): Promise<Diarization> {
    return (await this.diarizeWithDetails(file, options)).diarization;
  }

  async diarizeWithDetails(
    file: string,
    options: DiarizeOptions = {},
  ): Promise<{ diarization: Diarization; details: DiarizationDetails }> {
    if (this.disposed) throw new CountSpeakersError('INTERNAL', 'This engine was disposed; create a new one with createEngine().');
    const o = overridesFromOptions(options);
    const cfg = validatePipelineConfig({
      ...this.base,
      ...o,
      clustering: { ...this.base.clustering, ...o.clustering },
      vad: { ...this.base.vad },
    });
    const report = (stage: ProgressEvent['stage'], fraction: number) => options.onProgress?.({ file, stage, fraction });

    // 1. Voice activity over the stream; a file that needs decoding or resampling is also
    // spooled to disk at 16 kHz so the second pass reads that instead.
    report('decode', 0);
    const first = await openAudio(file);
    const spool = spoolWorthwhile(first.info) ? await AudioSpool.create() : null;
    let analysis: Awaited<ReturnType<Engine['embedInFile']>> & { regions: SpeechRegion[]; durationSec: number; windows: PlannedWindow[] };
    try {
      const { regions, durationSec } = await this.detectSpeechInStream(first, cfg, spool, (f) => report('vad', f * PROGRESS.vadEnd));

      // 2. Embeddings of speech windows over a second pass.
      const spooled = spool !== null && (await spool.seal());
      const reopen = () => (spooled ? Promise.resolve(spool.stream(first.info)) : openAudio(file));
      const windows = planWindows(regions, cfg.windowSec, cfg.hopSec, cfg.minWindowSec);
      const embedded = await this.embedInFile(reopen, windows, cfg, (f) =>
        report('embedding', PROGRESS.vadEnd + f * (PROGRESS.embedEnd - PROGRESS.vadEnd)),
      );
      analysis = { ...embedded, regions, durationSec, windows };
    } finally {
      await spool?.dispose();
    }
    const { regions, durationSec, windows, embeddings, valid, dim, sexEmbeddings, sexDim } = analysis;

    report('clustering', PROGRESS.embedEnd);
    const details: DiarizationDetails = { regions, windows, embeddings, valid, dim, sexEmbeddings, sexDim, durationSec };
    const diarization = assembleDiarization(file, details, cfg, this.sex, this.projection);
    report('done', 1);
    return { diarization, details };
  }

  private async detectSpeechInStream(
    stream: AudioStream,
    cfg: PipelineConfig,
    spool: AudioSpool | null,
    progress: (fraction: number) => void,
  ): Promise<{ regions: SpeechRegion[]; durationSec: number }> {
    const expected = Math.max(1, stream.info.durationSec * SR);
    const vadStream = new SpeechProbabilityStream(this.vad, cfg.vad);
    let n = 0;
    try {
      for await (const block of stream.blocks()) {
        await spool?.write(block);
        await vadStream.push(block);
        n += block.length;
        progress(Math.min(1, n / expected));
      }
    } finally {
      await stream.close();
    }
    const probs = await vadStream.finish();
    return { regions: regionsFromProbabilities(probs, cfg.vad), durationSec: n / SR };
  }

  /**
   * Second pass: keep a rolling buffer of audio from the earliest window not yet embedded,
   * embed windows in rounds as soon as the audio covering them has arrived.
   */
  private async embedInFile(
    reopen: () => Promise<AudioStream>,
    windows: readonly PlannedWindow[],
    cfg: PipelineConfig,
    progress: (fraction: number) => void,
  ): Promise<Pick<DiarizationDetails, 'embeddings' | 'valid' | 'dim' | 'sexEmbeddings' | 'sexDim'>> {
    const dim = this.encoder.dim;
    const sexDim = this.sexEncoder.dim;
    const embeddings = new Float32Array(windows.length * dim);
    const sexEmbeddings = new Float32Array(windows.length * sexDim);
    const valid = new Uint8Array(windows.length);
    if (windows.length === 0) return { embeddings, valid, dim, sexEmbeddings, sexDim };
    // Windows per round: each round holds its features for two models (~20 MB per 256 windows)
    // until embedded, and two rounds are in flight; 128 keeps a 2 h film's peak RSS flat and low.
    const ROUND = 128;
    // Also embed once this much audio is held: with sparse speech (a film's long silent or music
    // stretches) 256 windows can span an hour, and the buffer would hold all of it (bench:scale).
    const MAX_BUFFER_SAMPLES = SR * 120;
    let buf = new Float32Array(SR * 60);
    let bufStart = 0; // sample index of buf[0]
    let bufLen = 0;
    let next = 0;
    // Optionally (featureWorkerMinWindows), features are computed in a worker thread while the
    // models run on the previous round; off by default to save memory (config.ts says why).
    const worker =
      cfg.threads >= 2 && windows.length >= cfg.featureWorkerMinWindows ? FeatureWorker.start() : null;
    const jobs: Promise<void>[] = [];
    let unsettled = 0;
    const embedUpTo = async (end: number) => {
      if (end <= next) return;
      const first = next;
      const shifted = windows.slice(next, end).map((w) => ({
        startSec: Math.max(0, w.startSec - bufStart / SR),
        endSec: Math.max(0, w.endSec - bufStart / SR),
      }));
      const features = (model: EmbeddingModel) => {
        const spec = model.frontend;
        const segments = windowSegments(buf.subarray(0, bufLen), shifted, DEFAULT_EMBEDDING_CONFIG, spec);
        // The worker gets copies (the buffer is compacted below and it takes ownership of what it
        // gets); inline, features are computed now, from views.
        return worker ? worker.melSpectrograms(segments.map((x) => (x ? x.slice() : null)), spec) : Promise.resolve(windowMels(segments, this.frontend, spec));
      };
      const speakerFeatures = features(this.encoder);
      const sexFeatures = features(this.sexEncoder);
      const job = (async () => {
        const r = await embedWindowMels(await speakerFeatures, this.encoder, DEFAULT_EMBEDDING_CONFIG);
        const q = await embedWindowMels(await sexFeatures, this.sexEncoder, DEFAULT_EMBEDDING_CONFIG);
        embeddings.set(r.data, first * dim);
        sexEmbeddings.set(q.data, first * sexDim);
        r.vectors.forEach((v, j) => (valid[first + j] = v && q.vectors[j] ? 1 : 0));
        progress((first + r.vectors.length) / windows.length);
      })();
      job.catch(() => undefined); // awaited below; this only silences the unhandled-rejection warning
      jobs.push(job);
      next = end;
      // Drop audio no remaining window needs.
      const keepFrom = next < windows.length ? Math.floor(windows[next].startSec * SR) : bufStart + bufLen;
      const drop = Math.max(0, Math.min(bufLen, keepFrom - bufStart));
      if (drop > 0) {
        buf.copyWithin(0, drop, bufLen);
        bufLen -= drop;
        bufStart += drop;
      }
      // At most two rounds in flight, so memory stays bounded.
      if (++unsettled >= 2) {
        await Promise.all(jobs);
        unsettled = 0;
      }
    };
    const stream = await reopen();
    try {
      for await (const block of stream.blocks()) {
        if (next >= windows.length) break;
        // Skip audio before the next window (non-speech), without buffering it.
        const blockStart = bufStart + bufLen;
        const skip = bufLen === 0 ? Math.max(0, Math.min(block.length, Math.floor(windows[next].startSec * SR) - blockStart)) : 0;
        if (bufLen === 0) bufStart = blockStart + skip;
        const data = block.subarray(skip);
        if (bufLen + data.length > buf.length) {
          const grown = new Float32Array(Math.max(buf.length * 2, bufLen + data.length));
          grown.set(buf.subarray(0, bufLen));
          buf = grown;
        }
        buf.set(data, bufLen);
        bufLen += data.length;
        const covered = (bufStart + bufLen) / SR;
        let end = next;
        while (end < windows.length && windows[end].endSec <= covered) end++;
        if (end - next >= ROUND || (end > next && bufLen >= MAX_BUFFER_SAMPLES)) await embedUpTo(end);
      }
      await embedUpTo(windows.length);
      await Promise.all(jobs);
    } finally {
      await stream.close();
      await worker?.dispose();
    }
    return { embeddings, valid, dim, sexEmbeddings, sexDim };
  }
}

export type { PipelineConfig };
