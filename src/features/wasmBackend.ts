/**
 * The WASM SIMD feature backend (native/dsp.c compiled to native/dsp.wasm).
 *
 * This module is the ONLY code that touches the WASM instance and its linear memory:
 * every call allocates its buffers, copies in, computes, copies out and frees in `finally`.
 * One instance per thread (module state is per worker thread), created lazily and reused.
 * Long inputs are processed in chunks of frames, so the heap stays bounded (a few MB)
 * whatever the input length.
 *
 * Mel spectrogram (the voice encoder's frontend) as librosa: frame t = padded[t*hop .. t*hop +
 * fftSize) times the periodic Hann window padded centrally to fftSize; centre padding fftSize/2
 * with zeros ('constant', librosa >= 0.10) or 'reflect' (older librosa, numpy's reflect); |X|^2
 * (or |X|); mel weights from filterbank.ts. Computed in float32 (librosa computes the FFT in
 * float64 and rounds).
 *
 * Kaldi log mel filterbank (CAM++'s frontend) as src/features/kaldiFbank.ts, whose window and
 * weights it uses: the core repeats its float64 arithmetic operation for operation, so the two
 * differ only by FFT rounding (~1e-16 relative) before the final float32 rounding.
 *
 * Polyphase resampling (the dot products of src/audio/resample.ts's StreamingResampler): the
 * resampler keeps positions and streaming state and passes its input window; the core sums in
 * float32 (four f32x4 accumulators), the TypeScript loop in float64: they differ by float32
 * rounding only.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CountSpeakersError } from '../errors/index.js';
import { hannWindow, melFilterbank } from './filterbank.js';
import { reflectIndex, stftFrameCount } from './frames.js';
import { CAMPPLUS_FBANK_CONFIG, kaldiFbankTables, kaldiFrameCount, type KaldiFbankConfig } from './kaldiFbank.js';
import { validateMelConfig } from './melConfig.js';
import type { FeatureBackend, MelConfig, MelSpectrogram } from './types.js';

/** The few WebAssembly globals used here (tsconfig's lib has no WebAssembly types; Node provides them). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, unknown>) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
};

/** Signatures of the functions native/dsp.c exports (pointers are byte offsets). */
/** The last arguments of both resampling kernels: input, streaming state and output. */
type ResampleIo = [inPtr: number, inLength: number, statePtr: number, outPtr: number, maxOut: number];

interface DspExports {
  memory: WasmMemory;
  dsp_alloc(bytes: number): number;
  dsp_free(ptr: number): void;
  dsp_heap_used(): number;
  dsp_plan_create(fftSize: number, tablePtr: number, constsPtr: number): number;
  dsp_plan_destroy(plan: number): void;
  dsp_mel_create(bands: number, bins: number, densePtr: number): number;
  dsp_mel_destroy(mel: number): void;
  dsp_frames(
    plan: number,
    inPtr: number,
    frames: number,
    hop: number,
    windowPtr: number,
    kind: number,
    mel: number,
    outPtr: number,
  ): number;
  dsp_kfb_create(
    windowSamples: number,
    fftSize: number,
    bands: number,
    preemphasis: number,
    logFloor: number,
    removeDc: number,
    windowPtr: number,
    tablePtr: number,
    bandStartPtr: number,
    bandLenPtr: number,
    weightsPtr: number,
  ): number;
  dsp_kfb_destroy(kfb: number): void;
  dsp_kfb_frames(kfb: number, inPtr: number, frames: number, hop: number, outPtr: number): number;
  dsp_resample_exact(tablePtr: number, taps: number, phases: number, stepNum: number, ...io: ResampleIo): number;
  dsp_resample_interp(
    tablePtr: number,
    taps: number,
    phases: number,
    stepSamples: number,
    firstOutput: number,
    origin: number,
    ...io: ResampleIo
  ): number;
}

const EXPORT_NAMES = [
  'dsp_alloc',
  'dsp_free',
  'dsp_heap_used',
  'dsp_plan_create',
  'dsp_plan_destroy',
  'dsp_mel_create',
  'dsp_mel_destroy',
  'dsp_frames',
  'dsp_kfb_create',
  'dsp_kfb_destroy',
  'dsp_kfb_frames',
  'dsp_resample_exact',
  'dsp_resample_interp',
] as const;

const KIND_POWER = 1;
const KIND_MAGNITUDE = 2;

/** Frames per native call: bounds the heap (input ~1.3 MB at hop 160, output <= 3.3 MB). Multiple of 4 (SIMD lanes). */
const CHUNK_FRAMES = 2048;

/** Input samples per native resampling call: bounds the heap (1 MB in, at most ~1 MB x upsampling ratio out). */
const RESAMPLE_CHUNK_SAMPLES = 1 << 18;

/** Where the binary is: from `src/features/` and from `dist/features/` (tsconfig.build.json, rootDir src) alike. */
const DEFAULT_WASM_URLS: readonly URL[] = [new URL('../../native/dsp.wasm', import.meta.url)];

function unavailable(what: string, cause?: unknown): CountSpeakersError {
  return new CountSpeakersError(
    'WASM_UNAVAILABLE',
    `WASM DSP core unavailable: ${what}. Expected native/dsp.wasm from the package, loadable by Node >= 20 with SIMD. ` +
      'Fix: use the TypeScript feature backend (the pipeline falls back to it), or rebuild with `npm run build:wasm`.',
    cause !== undefined ? { cause } : undefined,
  );
}

/** One instantiated module per thread and binary path. */
const instances = new Map<string, DspExports>();

function loadCore(url: URL | undefined): DspExports {
  const candidates = url !== undefined ? [url] : DEFAULT_WASM_URLS;
  let lastError: unknown;
  for (const candidate of candidates) {
    const key = candidate.href;
    const cached = instances.get(key);
    if (cached) return cached;
    let bytes: Buffer;
    try {
      bytes = readFileSync(fileURLToPath(candidate));
    } catch (e) {
      lastError = e;
      continue;
    }
    let instance: { readonly exports: Record<string, unknown> };
    try {
      instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    } catch (e) {
      throw unavailable(`${fileURLToPath(candidate)} does not compile or instantiate (${(e as Error).message})`, e);
    }
    const exp = instance.exports;
    for (const name of EXPORT_NAMES) {
      if (typeof exp[name] !== 'function') throw unavailable(`${fileURLToPath(candidate)} lacks export ${name}`);
    }
    if (!(exp.memory instanceof WebAssembly.Memory)) throw unavailable(`${fileURLToPath(candidate)} exports no memory`);
    const core = exp as unknown as DspExports;
    instances.set(key, core);
    return core;
  }
  throw unavailable(`no binary at ${candidates.map((c) => fileURLToPath(c)).join(' or ')}`, lastError);
}

/** True when the core can run fftSize: a multiple of 4 whose half has only the prime factors 2, 3, 5. */
export function wasmSupportsFftSize(fftSize: number): boolean {
  if (!Number.isInteger(fftSize) || fftSize < 8 || fftSize % 4 !== 0) return false;
  let rest = fftSize / 2;
  for (const p of [2, 3, 5]) while (rest % p === 0) rest /= p;
  return rest === 1;
}

/** Full MelConfig check (shared validator) plus what only this core needs. */
function checkConfig(config: MelConfig): void {
  validateMelConfig(config);
  if (!wasmSupportsFftSize(config.fftSize)) {
    throw unavailable(`fftSize ${config.fftSize} is not supported by the core (needs a multiple of 4 whose half factors into 2, 3, 5)`);
  }
}

/** dst[i] = padded[offset + i], where padded is src extended by the pad mode. */
function fillPadded(dst: Float32Array, src: Float32Array, offset: number, mode: MelConfig['padMode']): void {
  const lo = Math.max(0, -offset);
  const hi = Math.min(dst.length, src.length - offset);
  if (hi > lo) dst.set(src.subarray(offset + lo, offset + hi), lo);
  const edge = (i: number): void => {
    dst[i] = mode === 'constant' || src.length === 0 ? 0 : src[reflectIndex(offset + i, src.length)];
  };
  for (let i = 0; i < Math.min(lo, dst.length); i++) edge(i);
  for (let i = Math.max(hi, lo, 0); i < dst.length; i++) edge(i);
}

interface Spectrogram {
  /** Row-major [frames x bands]. */
  data: Float32Array;
  frames: number;
}

interface Setup {
  plan: number;
  window: number;
  mel: number;
}

/** A resampler's coefficient table: `rows` of `taps` float32, row p for the fractional offset p / phases. */
export interface PolyphaseTable {
  readonly coefficients: Float32Array;
  readonly taps: number;
  readonly phases: number;
}

/**
 * Where the outputs sit on the input window given to resamplePolyphase. `offset` is the index in
 * the window of the next output's first tap.
 * - exact: that output uses row `phase`; each output advances phase by stepNum and offset by
 *   the carries (phase / phases), phase modulo phases.
 * - interpolated: output n (from firstOutput) sits at t = n * stepSamples; its first tap is
 *   floor(t) - origin in the window and its row the linear blend of rows floor(f) and
 *   floor(f) + 1 at f = (t - floor(t)) * phases (the table has phases + 1 rows).
 */
export type PolyphaseStepping =
  | { kind: 'exact'; offset: number; phase: number; stepNum: number }
  | { kind: 'interpolated'; offset: number; firstOutput: number; stepSamples: number; origin: number };

export interface PolyphaseResult {
  /** Outputs written to the start of `out`. */
  outputs: number;
  /** Index in the window of the first tap of the output after them. */
  offset: number;
  /** Its table row (exact stepping; 0 when interpolated). */
  phase: number;
}

export interface WasmBackendOptions {
  /** Alternative binary (tests); default native/dsp.wasm next to the package. */
  wasmUrl?: URL;
}

export class WasmFeatureBackend implements FeatureBackend {
  readonly name = 'wasm' as const;
  private readonly core: DspExports;
  private readonly setups = new Map<string, Setup>();
  private readonly kaldiSetups = new Map<string, number>();
  /** Resampler tables copied to the heap, by table object (tables are immutable and shared). */
  private readonly polyphaseTables = new Map<Float32Array, number>();

  constructor(options: WasmBackendOptions = {}) {
    this.core = loadCore(options.wasmUrl);
  }

  melSpectrogram(samples: Float32Array, config: MelConfig): MelSpectrogram {
    checkConfig(config);
    const kind = config.spectrum === 'power' ? KIND_POWER : KIND_MAGNITUDE;
    const r = this.run(samples, config, kind);
    return { data: r.data, frames: r.frames, melBands: config.melBands };
  }

  /**
   * Kaldi log mel filterbank, row-major [frames x melBands], the numbers of kaldiFbank() in
   * src/features/kaldiFbank.ts (snip_edges: n samples give kaldiFrameCount(n) frames).
   */
  kaldiFbank(samples: Float32Array, config: Readonly<KaldiFbankConfig> = CAMPPLUS_FBANK_CONFIG): MelSpectrogram {
    const kfb = this.kaldiSetup(config);
    const { hopSamples: hop, windowSamples, melBands } = config;
    const frames = kaldiFrameCount(samples.length, config);
    const data = new Float32Array(frames * melBands);
    if (frames === 0) return { data, frames, melBands };
    this.framesInChunks(data, frames, melBands, hop, windowSamples, 'dsp_kfb_frames', (inPtr, outPtr, t0, count) => {
      const start = t0 * hop;
      this.f32(inPtr, (count - 1) * hop + windowSamples).set(samples.subarray(start, start + (count - 1) * hop + windowSamples));
      return this.core.dsp_kfb_frames(kfb, inPtr, count, hop, outPtr);
    });
    return { data, frames, melBands };
  }

  /**
   * Filters `input` (the resampler's window) into `out` from the position `stepping` gives,
   * until `out` is full or the next output needs a sample past the window's end. The table is
   * copied to the heap once per backend and kept until dispose(); the window goes in chunks.
   */
  resamplePolyphase(table: PolyphaseTable, input: Float32Array, stepping: PolyphaseStepping, out: Float32Array): PolyphaseResult {
    const { taps, phases } = table;
    const c = this.core;
    let offset = stepping.offset;
    let phase = stepping.kind === 'exact' ? stepping.phase : 0;
    let done = 0;
    if (taps < 1 || offset < 0 || offset + taps > input.length || out.length === 0) return { outputs: 0, offset, phase };
    const tablePtr = this.polyphaseTable(table);
    const perOutput = stepping.kind === 'exact' ? stepping.stepNum / phases : stepping.stepSamples;
    const inCap = Math.min(input.length - offset, Math.max(RESAMPLE_CHUNK_SAMPLES, 2 * taps));
    const outCap = Math.min(out.length, Math.ceil(inCap / perOutput) + 2);
    let inPtr = 0;
    let outPtr = 0;
    let statePtr = 0;
    try {
      inPtr = this.alloc(inCap * 4);
      outPtr = this.alloc(outCap * 4);
      statePtr = this.alloc(8);
      while (done < out.length && offset + taps <= input.length) {
        const len = Math.min(input.length - offset, inCap);
        this.f32(inPtr, len).set(input.subarray(offset, offset + len));
        const state = new Uint32Array(c.memory.buffer, statePtr, 2);
        state[0] = 0;
        state[1] = phase;
        const maxOut = Math.min(outCap, out.length - done);
        const n =
          stepping.kind === 'exact'
            ? c.dsp_resample_exact(tablePtr, taps, phases, stepping.stepNum, inPtr, len, statePtr, outPtr, maxOut)
            : c.dsp_resample_interp(
                tablePtr,
                taps,
                phases,
                stepping.stepSamples,
                stepping.firstOutput + done,
                stepping.origin + offset,
                inPtr,
                len,
                statePtr,
                outPtr,
                maxOut,
              );
        if (n === 0) break;
        out.set(this.f32(outPtr, n), done);
        done += n;
        const next = new Uint32Array(c.memory.buffer, statePtr, 2);
        offset += next[0];
        phase = next[1];
      }
    } finally {
      c.dsp_free(statePtr);
      c.dsp_free(outPtr);
      c.dsp_free(inPtr);
    }
    return { outputs: done, offset, phase };
  }

  /** Bytes allocated on this thread's WASM heap (plans cached by live backends included). */
  heapBytesInUse(): number {
    return this.core.dsp_heap_used();
  }

  /** Frees the plans this backend cached; the thread's instance itself stays for reuse. */
  dispose(): void {
    for (const s of this.setups.values()) {
      this.core.dsp_mel_destroy(s.mel);
      this.core.dsp_free(s.window);
      this.core.dsp_plan_destroy(s.plan);
    }
    this.setups.clear();
    for (const kfb of this.kaldiSetups.values()) this.core.dsp_kfb_destroy(kfb);
    this.kaldiSetups.clear();
    for (const ptr of this.polyphaseTables.values()) this.core.dsp_free(ptr);
    this.polyphaseTables.clear();
  }

  private alloc(bytes: number): number {
    const ptr = this.core.dsp_alloc(Math.max(bytes, 4));
    if (ptr === 0) throw unavailable(`out of WASM memory allocating ${bytes} bytes`);
    return ptr;
  }

  /** A fresh view: any allocation may grow (and so detach) the memory buffer. */
  private f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.core.memory.buffer, ptr, length);
  }

  private f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.core.memory.buffer, ptr, length);
  }

  private polyphaseTable(table: PolyphaseTable): number {
    const cached = this.polyphaseTables.get(table.coefficients);
    if (cached !== undefined) return cached;
    const ptr = this.alloc(table.coefficients.length * 4);
    this.f32(ptr, table.coefficients.length).set(table.coefficients);
    this.polyphaseTables.set(table.coefficients, ptr);
    return ptr;
  }

  /** The core's copy of one Kaldi configuration: window, twiddles and weights from kaldiFbankTables. */
  private kaldiSetup(config: Readonly<KaldiFbankConfig>): number {
    const key = JSON.stringify(config);
    const cached = this.kaldiSetups.get(key);
    if (cached !== undefined) return cached;
    const t = kaldiFbankTables(config);
    const n = t.fftSize;
    if (n < 4) throw unavailable(`fftSize ${n} (windowSamples ${config.windowSamples}) is below the core's minimum of 4`);
    const bands = config.melBands;
    const total = t.bandWeights.reduce((sum, w) => sum + w.length, 0);
    const c = this.core;
    let windowPtr = 0;
    let tablePtr = 0;
    let startPtr = 0;
    let lenPtr = 0;
    let weightsPtr = 0;
    try {
      windowPtr = this.alloc(t.window.length * 8);
      this.f64(windowPtr, t.window.length).set(t.window);
      // W_n^j in float64 here, so the C side needs no trigonometry.
      tablePtr = this.alloc(2 * n * 8);
      const table = this.f64(tablePtr, 2 * n);
      for (let j = 0; j < n; j++) {
        table[2 * j] = Math.cos((2 * Math.PI * j) / n);
        table[2 * j + 1] = -Math.sin((2 * Math.PI * j) / n);
      }
      startPtr = this.alloc(bands * 4);
      lenPtr = this.alloc(bands * 4);
      weightsPtr = this.alloc(Math.max(total, 1) * 8);
      const start = new Uint32Array(c.memory.buffer, startPtr, bands);
      const len = new Uint32Array(c.memory.buffer, lenPtr, bands);
      const weights = this.f64(weightsPtr, total);
      let off = 0;
      for (let m = 0; m < bands; m++) {
        start[m] = t.bandStart[m];
        len[m] = t.bandWeights[m].length;
        weights.set(t.bandWeights[m], off);
        off += t.bandWeights[m].length;
      }
      const kfb = c.dsp_kfb_create(
        config.windowSamples,
        n,
        bands,
        config.preemphasis,
        config.logFloor,
        config.removeDcOffset ? 1 : 0,
        windowPtr,
        tablePtr,
        startPtr,
        lenPtr,
        weightsPtr,
      );
      if (kfb === 0) throw unavailable(`could not set up the Kaldi filterbank (fftSize ${n}, ${bands} bands)`);
      this.kaldiSetups.set(key, kfb);
      return kfb;
    } finally {
      c.dsp_free(weightsPtr);
      c.dsp_free(lenPtr);
      c.dsp_free(startPtr);
      c.dsp_free(tablePtr);
      c.dsp_free(windowPtr);
    }
  }

  private setup(config: MelConfig): Setup {
    const key = JSON.stringify([
      config.fftSize,
      config.windowSamples,
      config.sampleRateHz,
      config.melBands,
      config.fMinHz,
      config.fMaxHz,
      config.melNorm,
      config.melScale,
    ]);
    const cached = this.setups.get(key);
    if (cached) return cached;
    const c = this.core;
    const n = config.fftSize;
    const s: Setup = { plan: 0, window: 0, mel: 0 };
    let tmp = 0;
    try {
      // Twiddles and butterfly constants in float64 here, so the C side needs no trigonometry.
      tmp = this.alloc(2 * n * 4 + 5 * 4);
      const table = this.f32(tmp, 2 * n + 5);
      for (let j = 0; j < n; j++) {
        table[2 * j] = Math.cos((2 * Math.PI * j) / n);
        table[2 * j + 1] = -Math.sin((2 * Math.PI * j) / n);
      }
      table.set(
        [
          Math.sin((2 * Math.PI) / 3),
          Math.cos((2 * Math.PI) / 5),
          Math.cos((4 * Math.PI) / 5),
          Math.sin((2 * Math.PI) / 5),
          Math.sin((4 * Math.PI) / 5),
        ],
        2 * n,
      );
      s.plan = c.dsp_plan_create(n, tmp, tmp + 2 * n * 4);
      if (s.plan === 0) throw unavailable(`could not create an FFT plan for fftSize ${n}`);
      c.dsp_free(tmp);
      tmp = 0;

      // librosa.util.pad_center: the window sits at (fftSize - windowSamples) // 2.
      s.window = this.alloc(n * 4);
      const win = this.f32(s.window, n);
      win.fill(0);
      const hann = hannWindow(config.windowSamples);
      win.set(hann, Math.floor((n - config.windowSamples) / 2));

      const weights = melFilterbank(config);
      tmp = this.alloc(weights.length * 4);
      this.f32(tmp, weights.length).set(weights);
      s.mel = c.dsp_mel_create(config.melBands, Math.floor(n / 2) + 1, tmp);
      if (s.mel === 0) throw unavailable('could not allocate the mel filterbank');
    } catch (e) {
      c.dsp_mel_destroy(s.mel);
      c.dsp_free(s.window);
      c.dsp_plan_destroy(s.plan);
      throw e;
    } finally {
      c.dsp_free(tmp);
    }
    this.setups.set(key, s);
    return s;
  }

  private run(samples: Float32Array, config: MelConfig, kind: number): Spectrogram {
    const n = config.fftSize;
    const hop = config.hopSamples;
    const width = config.melBands;
    const frames = stftFrameCount(samples.length, config);
    const data = new Float32Array(frames * width);
    const result = { data, frames };
    if (frames === 0) return result;
    const s = this.setup(config);
    const pad = config.center ? Math.floor(n / 2) : 0;
    this.framesInChunks(data, frames, width, hop, n, 'dsp_frames', (inPtr, outPtr, t0, count) => {
      fillPadded(this.f32(inPtr, (count - 1) * hop + n), samples, t0 * hop - pad, config.padMode);
      return this.core.dsp_frames(s.plan, inPtr, count, hop, s.window, kind, s.mel, outPtr);
    });
    return result;
  }

  /**
   * Frames in chunks of CHUNK_FRAMES so the WASM heap holds one chunk's input and output at a
   * time: `step` fills the input at inPtr and runs the core into outPtr, returning its status.
   */
  private framesInChunks(
    data: Float32Array,
    frames: number,
    width: number,
    hop: number,
    frameSamples: number,
    coreFunction: string,
    step: (inPtr: number, outPtr: number, t0: number, count: number) => number,
  ): void {
    const chunk = Math.min(frames, CHUNK_FRAMES);
    const c = this.core;
    let inPtr = 0;
    let outPtr = 0;
    try {
      inPtr = this.alloc(((chunk - 1) * hop + frameSamples) * 4);
      outPtr = this.alloc(chunk * width * 4);
      for (let t0 = 0; t0 < frames; t0 += chunk) {
        const count = Math.min(chunk, frames - t0);
        const rc = step(inPtr, outPtr, t0, count);
        if (rc !== 0) throw new CountSpeakersError('INTERNAL', `${coreFunction} returned ${rc} (expected 0). Fix: report this bug.`);
        data.set(this.f32(outPtr, count * width), t0 * width);
      }
    } finally {
      c.dsp_free(outPtr);
      c.dsp_free(inPtr);
    }
  }
}

/** The WASM backend for this thread; throws CountSpeakersError('WASM_UNAVAILABLE') when it cannot load. */
export function createWasmBackend(options: WasmBackendOptions = {}): WasmFeatureBackend {
  return new WasmFeatureBackend(options);
}
