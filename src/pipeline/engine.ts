/**
 * The diarization pipeline, composed from the stages (only this folder composes them):
 *   1. segmentation   - pyannote segmentation-3.0 over 10 s windows stepping by stepSec:
 *                       up to 3 local speakers per window, with overlap
 *   2. embedding      - one CAM++ embedding per (window, local speaker), from its speech alone
 *   3. sex features   - from the same chunk of speech, and how much of it sounds like speech
 *                       rather than music (speech/music model)
 *   4. clustering     - embeddings -> global speakers (assemble.ts)
 *   5. reconstruction - local activity of every window, mapped to global speakers -> turns,
 *                       both speakers where they overlap (assemble.ts)
 * One streaming pass: only a rolling buffer of audio, the windows' frame activity (1.8 KB per
 * window) and the embeddings are kept, never the whole signal, so memory is flat in duration.
 */
import { appendSamples, openAudio, ENGINE_SAMPLE_RATE_HZ } from '../audio/index.js';
import { CampPlusEmbedder } from '../embedding/campplus.js';
import { CampPlusThread } from '../embedding/campplusThread.js';
import type { SpeakerEmbedder } from '../embedding/types.js';
import { CountSpeakersError } from '../errors/index.js';
import { frameLevelSpreadDb, rmsDb } from '../features/level.js';
import { raiseQuietWindows } from '../segmentation/level.js';
import { decodePowerset } from '../segmentation/powerset.js';
import { gatherChunk, localChunks, ownedFrames, windowStarts, type FrameGeometry } from '../segmentation/chunks.js';
import { OnnxSegmentationModel, type SegmentationModel } from '../segmentation/model.js';
import type { Counts, Diarization, DiarizeOptions, ProgressEvent, Sex } from '../types.js';
import { assembleDiarization } from './assemble.js';
import { mergeOverrides, overridesFromOptions, validatePipelineConfig, type PipelineConfig, type PipelineOverrides } from './config.js';
import { SexModel } from '../sex/model.js';
import { SpeechMusic } from '../music/index.js';

const SR = ENGINE_SAMPLE_RATE_HZ;

/** What the pipeline needs of the sex stage (SexModel; tests may pass another). */
export interface SexStage {
  /** One row per chunk of one speaker's speech, with CAM++'s embedding of the same chunk. */
  features(chunk: Float32Array, speakerEmbedding: Float32Array): Promise<Float32Array>;
  decide(rows: readonly Float32Array[], weightsSec: readonly number[]): { sex: Sex; confidence: number };
  dispose(): Promise<void>;
}

/** What the pipeline needs of the speech/music stage (SpeechMusic; tests may pass another). */
export interface MusicStage {
  /** Music probability of each patch of the chunk, patches every `stepFrames` 10 ms frames (empty when too short). */
  patchMusic(chunk: Float32Array, stepFrames: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export interface EngineOptions {
  threads?: number;
  /**
   * Run the speaker model (CAM++) on a worker thread of its own, beside segmentation and the sex
   * features on the calling thread (default: when threads >= 2; segmentation then gets threads - 1).
   */
  embeddingThread?: boolean;
  /** Advanced: override stage configs (calibration tools use this). */
  config?: PipelineOverrides;
  /** Advanced: models (tests, tools); default the ONNX models shipped in models/. */
  segmentation?: SegmentationModel;
  embedder?: SpeakerEmbedder;
  sex?: SexStage;
  music?: MusicStage;
}

/** A speaker chunk: one local speaker's speech in one window, embedded. */
export interface AnalysedChunk {
  window: number;
  speaker: number;
  seconds: number;
  clean: boolean;
  /** RMS level of the chunk's samples, dB re full scale. */
  levelDb: number;
  /** How much its level moves from one 10 ms frame to the next (features/level.ts), dB; NaN when too short. */
  levelSpreadDb: number;
  /** The speech/music model's music probability for each patch of it (music/); empty when too short. */
  musicProbs: Float32Array;
}

/** Everything the stages after the streaming pass need (calibration re-runs them with other thresholds). */
export interface FileAnalysis {
  geometry: FrameGeometry;
  /** Samples per segmentation window. */
  windowSamples: number;
  sampleRateHz: number;
  totalSamples: number;
  durationSec: number;
  windows: Array<{ startSample: number; active: Uint8Array }>;
  chunks: AnalysedChunk[];
  /** [chunks x dim], L2-normalised. */
  embeddings: Float32Array;
  dim: number;
  sexRows: Float32Array[];
  /** What was odd about the input (see Diarization.warnings). */
  warnings: string[];
}

export class Engine {
  private disposed = false;
  private constructor(
    private readonly segmentation: SegmentationModel,
    private readonly embedder: SpeakerEmbedder,
    private readonly sex: SexStage,
    private readonly music: MusicStage,
    private readonly base: PipelineOverrides,
    /** Models the engine created (and so disposes); models passed in belong to the caller. */
    private readonly owned: Array<{ dispose(): Promise<void> }>,
  ) {}

  /** Load the models once; reuse the engine for many files; dispose() at the end. */
  static async create(options: EngineOptions = {}): Promise<Engine> {
    const base: PipelineOverrides = { ...(options.config ?? {}) };
    if (options.threads !== undefined) base.threads = options.threads;
    const cfg = validatePipelineConfig(base);
    const owned: Array<{ dispose(): Promise<void> }> = [];
    try {
      // CAM++ and the voice encoder run one short chunk at a time: their operators are too small to
      // share out, and a second intra-op thread made them slower (10-min film: 10.7 s -> 7.3 s for
      // CAM++ and 5.1 s -> 3.1 s for the sex features on one thread). A second core is better used
      // running CAM++ on a thread of its own, beside segmentation and the sex features, which then
      // keep the other cores (1 h film on 2 cores: 56-57 s with segmentation on two threads as
      // well, 46 s on one; 77 s with no CAM++ thread).
      const embeddingThread = options.embeddingThread ?? cfg.threads >= 2;
      const segmentationThreads = embeddingThread ? Math.max(1, cfg.threads - 1) : cfg.threads;
      const segmentation = options.segmentation ?? own(owned, await OnnxSegmentationModel.create({ threads: segmentationThreads }));
      const embedder =
        options.embedder ??
        own(owned, await (embeddingThread ? CampPlusThread.create({ threads: 1 }) : CampPlusEmbedder.create({ threads: 1 })));
      const sex = options.sex ?? own(owned, await SexModel.create({ threads: 1 }));
      const music = options.music ?? own(owned, await SpeechMusic.create({ threads: 1 }));
      return new Engine(segmentation, embedder, sex, music, base, owned);
    } catch (e) {
      for (const m of owned) await m.dispose();
      throw e;
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const m of this.owned) await m.dispose();
  }

  async countSpeakers(file: string, options: DiarizeOptions = {}): Promise<Counts> {
    return { ...(await this.diarize(file, options)).counts };
  }

  async diarize(file: string, options: DiarizeOptions = {}): Promise<Diarization> {
    return (await this.diarizeWithAnalysis(file, options)).diarization;
  }

  async diarizeWithAnalysis(file: string, options: DiarizeOptions = {}): Promise<{ diarization: Diarization; analysis: FileAnalysis }> {
    if (this.disposed) throw new CountSpeakersError('INTERNAL', 'This engine was disposed; create a new one with createEngine().');
    const cfg = validatePipelineConfig(mergeOverrides(this.base, overridesFromOptions(options)));
    const report = (stage: ProgressEvent['stage'], fraction: number) => options.onProgress?.({ file, stage, fraction });
    report('decode', 0);
    const analysis = await this.analyse(file, cfg, (f) => report('segmentation', f * 0.97));
    report('clustering', 0.97);
    const diarization = this.assemble(file, analysis, cfg);
    report('done', 1);
    return { diarization, analysis };
  }

  /** Clustering, reconstruction, counting and sex on an analysis (calibration re-runs this with other configs). */
  assemble(file: string, analysis: FileAnalysis, cfg: PipelineConfig): Diarization {
    return assembleDiarization(file, analysis, cfg, this.sex);
  }

  /** The streaming pass: segmentation, embeddings and sex features of every window. */
  async analyse(file: string, cfg: PipelineConfig, progress: (fraction: number) => void = () => undefined): Promise<FileAnalysis> {
    const m = this.segmentation;
    if (m.sampleRateHz !== SR)
      throw new CountSpeakersError('INTERNAL', `Segmentation model expects ${m.sampleRateHz} Hz; the engine decodes to ${SR} Hz.`);
    const W = m.windowSamples;
    const S = Math.round(cfg.segmentation.stepSec * SR);
    const geometry: FrameGeometry = {
      stepSamples: Math.round(m.frameStepSec * SR),
      durationSamples: Math.round(m.frameDurationSec * SR),
      frames: m.framesPerWindow,
      speakers: m.maxSpeakersPerChunk,
    };
    const minSamples = Math.max(CampPlusEmbedder.minSamples(), Math.round(cfg.segmentation.minChunkSec * SR));
    const maxSamples = Math.round(cfg.segmentation.maxChunkSec * SR);
    const out: FileAnalysis = {
      geometry,
      windowSamples: W,
      sampleRateHz: SR,
      totalSamples: 0,
      durationSec: 0,
      windows: [],
      chunks: [],
      embeddings: new Float32Array(0),
      dim: this.embedder.dim,
      sexRows: [],
      warnings: [],
    };
    const embeddings: Float32Array[] = [];
    // Chunks are embedded as they come (on the CAM++ thread when there is one) while segmentation
    // goes on; their results are taken in order, so the analysis is the same as one at a time.
    type Embedded = { chunk: AnalysedChunk; embedding: Float32Array; sexRow: Float32Array } | null;
    const inFlight: Array<Promise<Embedded>> = [];
    // The sex features run on this thread one chunk at a time (they share the voice encoder).
    let sexQueue: Promise<unknown> = Promise.resolve();
    const take = (r: Embedded) => {
      if (r === null) return;
      embeddings.push(r.embedding);
      out.chunks.push(r.chunk);
      out.sexRows.push(r.sexRow);
    };
    const submit = (audio: Float32Array, chunk: Omit<AnalysedChunk, 'musicProbs'>) => {
      const music = this.music.patchMusic(audio, cfg.speechMusic.patchStepFrames);
      music.catch(() => undefined);
      const job = this.embedder.embed(audio).then((e): Promise<Embedded> | null => {
        if (!e) return null;
        normalise(e);
        const row = sexQueue.then(() => this.sex.features(audio, e));
        sexQueue = row.catch(() => undefined);
        return Promise.all([row, music]).then(([sexRow, musicProbs]) => ({ chunk: { ...chunk, musicProbs }, embedding: e, sexRow }));
      });
      // Awaited in order below; this only keeps an early failure from being reported as unhandled.
      job.catch(() => undefined);
      inFlight.push(job);
    };

    let buf = new Float32Array(W * 2);
    let bufStart = 0;
    let bufLen = 0;
    // Start of the window before the next one processed (its frames are shared out with it).
    let prevStart: number | undefined;
    /** Windows at `starts`; the last of them has a successor at +S unless this is the final call. */
    const processWindows = async (starts: number[], final: boolean) => {
      const batch = new Float32Array(starts.length * W);
      starts.forEach((s, i) => {
        const from = s - bufStart;
        batch.set(buf.subarray(from, Math.min(bufLen, from + W)), i * W);
      });
      const logProbs = await m.run(raiseQuietWindows(batch, W, cfg.segmentation), starts.length);
      const perWindow = geometry.frames * m.numClasses;
      for (let i = 0; i < starts.length; i++) {
        const active = decodePowerset(
          logProbs.subarray(i * perWindow, (i + 1) * perWindow),
          geometry.frames,
          m.powerset,
          geometry.speakers,
        );
        const window = out.windows.length;
        out.windows.push({ startSample: starts[i], active });
        const samples = batch.subarray(i * W, (i + 1) * W);
        const nextStart = i + 1 < starts.length ? starts[i + 1] : final ? undefined : starts[i] + S;
        const owned = ownedFrames(geometry, W, starts[i], prevStart, nextStart);
        prevStart = starts[i];
        for (const c of localChunks(active, geometry, minSamples, maxSamples, owned)) {
          const audio = gatherChunk(samples, c.ranges);
          submit(audio, {
            window,
            speaker: c.speaker,
            seconds: audio.length / SR,
            clean: c.clean,
            levelDb: rmsDb(audio),
            levelSpreadDb: frameLevelSpreadDb(audio, SR),
          });
        }
      }
      // Bounded memory: at most MAX_CHUNKS_IN_FLIGHT chunks of audio wait for their embeddings.
      while (inFlight.length > MAX_CHUNKS_IN_FLIGHT) take(await inFlight.shift()!);
    };

    const stream = await openAudio(file);
    const expected = Math.max(1, stream.info.durationSec * SR);
    let nextStart = 0;
    let ready: number[] = [];
    let peak = 0;
    try {
      for await (const block of stream.blocks()) {
        for (let i = 0; i < block.length; i++) if (Math.abs(block[i]) > peak) peak = Math.abs(block[i]);
        buf = appendSamples(buf, bufLen, block);
        bufLen += block.length;
        while (nextStart + W <= bufStart + bufLen) {
          ready.push(nextStart);
          nextStart += S;
        }
        // The newest window waits for the next batch: only then is it known whether another follows it.
        if (ready.length > cfg.segmentation.batchWindows) {
          await processWindows(ready.slice(0, -1), false);
          ready = ready.slice(-1);
          // Keep audio from the waiting window's start on: the closing window, aligned to the end, starts after it.
          const keepFrom = ready[0];
          const drop = Math.max(0, Math.min(bufLen, keepFrom - bufStart));
          if (drop > 0) {
            buf.copyWithin(0, drop, bufLen);
            bufLen -= drop;
            bufStart += drop;
          }
        }
        progress(Math.min(1, (bufStart + bufLen) / expected));
      }
      const total = bufStart + bufLen;
      out.totalSamples = total;
      out.durationSec = total / SR;
      if (total > 0) {
        const all = windowStarts(total, W, S);
        const last = all[all.length - 1];
        const done = ready.length ? ready[ready.length - 1] : out.windows.length ? out.windows[out.windows.length - 1].startSample : -1;
        // A closing window less than a frame past the last one would judge the same audio again.
        if (last >= done + geometry.stepSamples) ready.push(last);
        if (ready.length) await processWindows(ready, true);
      }
      while (inFlight.length) take(await inFlight.shift()!);
    } finally {
      await stream.close();
      // On a failure, let the chunks still in flight finish before the caller disposes the models.
      await Promise.allSettled(inFlight);
    }
    out.warnings = inputWarnings(stream.info.warnings ?? [], stream.info.nonFiniteSamples ?? 0, peak);
    out.embeddings = new Float32Array(embeddings.length * out.dim);
    embeddings.forEach((e, i) => {
      out.embeddings.set(e, i * out.dim);
    });
    return out;
  }
}

/** Chunks whose embeddings may be pending at once: about 12 MB of audio at 3 s each. */
const MAX_CHUNKS_IN_FLIGHT = 64;

/** Samples this far beyond full scale (+24 dB) are not audio a recorder makes: say so, the speech may be lost. */
const PEAK_WARN = 16;

function inputWarnings(fromDecoder: readonly string[], nonFinite: number, peak: number): string[] {
  const out = [...fromDecoder];
  if (nonFinite > 0) out.push(`${nonFinite} samples were not numbers (NaN or infinite) and were read as silence`);
  if (peak > PEAK_WARN)
    out.push(
      `samples reach ${peak.toPrecision(3)} times full scale (expected -1..1 for float audio), so speech may be missed; rescale the file, e.g. ffmpeg -i in.wav -af loudnorm out.wav`,
    );
  return out;
}

function own<T extends { dispose(): Promise<void> }>(owned: Array<{ dispose(): Promise<void> }>, model: T): T {
  owned.push(model);
  return model;
}

function normalise(v: Float32Array): void {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= n;
}

export type { PipelineConfig };
