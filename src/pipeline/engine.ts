/**
 * The diarization pipeline, composed from the stages (only this folder composes them):
 *   1. voice activity  - stream the audio once through Silero VAD -> speech regions
 *   2. embedding       - stream it again, embed 1.6 s windows of speech (voice encoder)
 *   3. clustering      - AHC over-clustering, then PLDA merging (calibrated) -> speakers
 *   4. reconstruction  - window labels -> turns; speakers under minSpeechSec are folded into
 *                        their nearest counted speaker
 *   5. sex             - per speaker, from the mean log-odds of its windows
 * Reading the file twice keeps memory flat for long films: only speech regions and
 * embeddings (1 KB per window) are kept, never the whole signal. The second pass reads a 16 kHz
 * spool written by the first (src/audio/spool.ts) unless the file is 16 kHz mono WAV already.
 */
import { openAudio, type AudioStream } from '../audio/index.js';
import { AudioSpool, spoolWorthwhile } from '../audio/spool.js';
import {
  DEFAULT_EMBEDDING_CONFIG,
  embedWindowMels,
  OnnxVoiceEncoder,
  windowMels,
  windowSegments,
  type EmbeddingModel,
} from '../embedding/index.js';
import { FeatureWorker } from '../features/featureWorker.js';
import { CountSpeakersError } from '../errors/index.js';
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
  encoder?: EmbeddingModel;
  sex?: SexClassifier;
  projection?: SpeakerProjection;
  frontend?: FeatureBackend;
}

/** Intermediate results, for calibration and benchmarks. */
export interface DiarizationDetails {
  regions: SpeechRegion[];
  windows: PlannedWindow[];
  /** [windows x dim]; rows of invalid windows are zero. */
  embeddings: Float32Array;
  valid: Uint8Array;
  dim: number;
  /** [windows x hiddenMeanDim], the encoder's mean LSTM states (what the sex classifier reads); null when it has none. */
  hiddenMean: Float32Array | null;
  hiddenMeanDim: number;
  durationSec: number;
}

export class Engine {
  private disposed = false;
  private constructor(
    private readonly vad: VadModel,
    private readonly encoder: EmbeddingModel,
    private readonly sex: SexClassifier,
    private readonly projection: SpeakerProjection,
    private readonly frontend: FeatureBackend,
    private readonly base: PipelineOverrides,
    /** Which models the engine created (and so disposes); models passed in belong to the caller. */
    private readonly owns: { vad: boolean; encoder: boolean },
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
    let encoder: EmbeddingModel;
    try {
      encoder = options.encoder ?? (await OnnxVoiceEncoder.create({ threads: cfg.threads }));
    } catch (e) {
      if (!options.vad) await vad.dispose();
      throw e;
    }
    try {
      sex.requireInput(encoder);
    } catch (e) {
      if (!options.vad) await vad.dispose();
      if (!options.encoder) await encoder.dispose();
      throw e;
    }
    return new Engine(vad, encoder, sex, projection, frontend, base, { vad: !options.vad, encoder: !options.encoder });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.owns.vad) await this.vad.dispose();
    if (this.owns.encoder) await this.encoder.dispose();
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
    try {
      const { regions, durationSec } = await this.detectSpeechInStream(first, cfg, spool, (f) => report('vad', f * PROGRESS.vadEnd));

      // 2. Embeddings of speech windows over a second pass.
      const spooled = spool !== null && (await spool.seal());
      const reopen = () => (spooled ? Promise.resolve(spool.stream(first.info)) : openAudio(file));
      const windows = planWindows(regions, cfg.windowSec, cfg.hopSec, cfg.minWindowSec);
      const { embeddings, valid, dim, hiddenMean, hiddenMeanDim } = await this.embedInFile(reopen, windows, cfg, (f) =>
        report('embedding', PROGRESS.vadEnd + f * (PROGRESS.embedEnd - PROGRESS.vadEnd)),
      );

      report('clustering', PROGRESS.embedEnd);
      const details: DiarizationDetails = { regions, windows, embeddings, valid, dim, hiddenMean, hiddenMeanDim, durationSec };
      const diarization = assembleDiarization(file, details, cfg, this.sex, this.projection);
      report('done', 1);
      return { diarization, details };
    } finally {
      await spool?.dispose();
    }
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
  ): Promise<Pick<DiarizationDetails, 'embeddings' | 'valid' | 'dim' | 'hiddenMean' | 'hiddenMeanDim'>> {
    const dim = this.encoder.dim;
    const hiddenMeanDim = this.encoder.hiddenMeanDim;
    const embeddings = new Float32Array(windows.length * dim);
    const hiddenMean = hiddenMeanDim > 0 ? new Float32Array(windows.length * hiddenMeanDim) : null;
    const valid = new Uint8Array(windows.length);
    if (windows.length === 0) return { embeddings, valid, dim, hiddenMean, hiddenMeanDim };
    const ROUND = 256;
    // Also embed once this much audio is held: with sparse speech (a film's long silent or music
    // stretches) 256 windows can span an hour, and the buffer would hold all of it (bench:scale).
    const MAX_BUFFER_SAMPLES = SR * 120;
    let buf = new Float32Array(SR * 60);
    let bufStart = 0; // sample index of buf[0]
    let bufLen = 0;
    let next = 0;
    // Long inputs: mels are computed in a worker thread while the model runs on the previous
    // round (the model's own threads are native, so the main thread also keeps decoding).
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
      // Copies: the buffer is compacted below, and the worker takes ownership of what it gets.
      const segments = windowSegments(buf.subarray(0, bufLen), shifted, DEFAULT_EMBEDDING_CONFIG).map((x) => (x ? x.slice() : null));
      const mels = worker ? worker.melSpectrograms(segments) : Promise.resolve(windowMels(segments, this.frontend));
      const job = mels.then(async (m) => {
        const r = await embedWindowMels(m, this.encoder, DEFAULT_EMBEDDING_CONFIG);
        embeddings.set(r.data, first * dim);
        if (hiddenMean && r.hiddenMean) hiddenMean.set(r.hiddenMean, first * hiddenMeanDim);
        r.vectors.forEach((v, j) => (valid[first + j] = v ? 1 : 0));
        progress((first + m.length) / windows.length);
      });
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
    return { embeddings, valid, dim, hiddenMean, hiddenMeanDim };
  }
}

export type { PipelineConfig };
