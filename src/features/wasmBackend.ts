/**
 * The WASM SIMD feature backend (native/dsp.c compiled to native/dsp.wasm).
 *
 * This module is the ONLY code that touches the WASM instance and its linear memory:
 * every call allocates its buffers, copies in, computes, copies out and frees in `finally`.
 * One instance per thread (module state is per worker thread), created lazily and reused.
 * Long inputs are processed in chunks of frames, so the heap stays bounded (a few MB)
 * whatever the input length.
 *
 * Numbers follow librosa: frame t = padded[t*hop .. t*hop + fftSize) times the periodic Hann
 * window padded centrally to fftSize; centre padding fftSize/2 with zeros ('constant',
 * librosa >= 0.10) or 'reflect' (older librosa, numpy's reflect); |X|^2 (or |X|); mel weights
 * from filterbank.ts. Computed in float32 (librosa computes the FFT in float64 and rounds).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkNumber, mergeConfig } from '../config/index.js';
import { CountSpeakersError } from '../errors/index.js';
import { hannWindow, melFilterbank } from './filterbank.js';
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
interface DspExports {
  memory: WasmMemory;
  dsp_alloc(bytes: number): number;
  dsp_free(ptr: number): void;
  dsp_heap_used(): number;
  dsp_plan_create(fftSize: number, tablePtr: number, constsPtr: number): number;
  dsp_plan_destroy(plan: number): void;
  dsp_mel_create(bands: number, bins: number, densePtr: number): number;
  dsp_mel_destroy(mel: number): void;
  dsp_frames(plan: number, inPtr: number, frames: number, hop: number, windowPtr: number, kind: number, mel: number, outPtr: number): number;
  dsp_log10(x: number): number;
  dsp_mfcc(melPtr: number, frames: number, bands: number, amin: number, floorDb: number, dctPtr: number, coeffs: number, scratchPtr: number, outPtr: number): number;
}

const EXPORT_NAMES = [
  'dsp_alloc', 'dsp_free', 'dsp_heap_used', 'dsp_plan_create', 'dsp_plan_destroy', 'dsp_mel_create',
  'dsp_mel_destroy', 'dsp_frames', 'dsp_log10', 'dsp_mfcc',
] as const;

const KIND_COMPLEX = 0;
const KIND_POWER = 1;
const KIND_MAGNITUDE = 2;

/** Frames per native call: bounds the heap (input ~1.3 MB at hop 160, output <= 3.3 MB). Multiple of 4 (SIMD lanes). */
const CHUNK_FRAMES = 2048;

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

/** Merge MFCC options over the frozen defaults and check them (ConfigError names the field). */
export function validateMfccOptions(partial: unknown, melBands: number): MfccOptions {
  const o = mergeConfig<MfccOptions>('mfcc', DEFAULT_MFCC_OPTIONS, partial);
  checkNumber('mfcc.coefficients', o.coefficients, { min: 1, max: melBands, integer: true });
  checkNumber('mfcc.amin', o.amin, { min: 0, exclusiveMin: true });
  if (o.topDb !== null) checkNumber('mfcc.topDb', o.topDb, { min: 0 });
  return o;
}

/** Number of frames librosa.stft gives for `length` samples. */
export function frameCount(length: number, config: Pick<MelConfig, 'fftSize' | 'hopSamples' | 'center'>): number {
  const pad = config.center ? Math.floor(config.fftSize / 2) : 0;
  const padded = length + 2 * pad;
  return padded >= config.fftSize ? 1 + Math.floor((padded - config.fftSize) / config.hopSamples) : 0;
}

/** numpy.pad(mode='reflect') index: the periodic mirror (period 2(len-1)), for any distance. */
function reflectIndex(j: number, length: number): number {
  if (length === 1) return 0;
  const period = 2 * (length - 1);
  const r = ((j % period) + period) % period;
  return r < length ? r : period - r;
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

/** Orthonormal DCT-II matrix [coeffs x bands] (scipy.fft.dct(type=2, norm='ortho')), row-major. */
export function dctOrthoMatrix(coeffs: number, bands: number): Float32Array {
  const d = new Float32Array(coeffs * bands);
  for (let c = 0; c < coeffs; c++) {
    const scale = Math.sqrt((c === 0 ? 1 : 2) / bands);
    for (let b = 0; b < bands; b++) d[c * bands + b] = scale * Math.cos((Math.PI * c * (2 * b + 1)) / (2 * bands));
  }
  return d;
}

/** MFCC options: librosa.feature.mfcc(S=librosa.power_to_db(mel), n_mfcc, dct_type=2, norm='ortho'). */
export interface MfccOptions {
  /** n_mfcc. */
  coefficients: number;
  /** power_to_db top_db: floor at (max dB over the whole input) - topDb; null disables. */
  topDb: number | null;
  /** power_to_db amin (ref is 1). */
  amin: number;
}

export const DEFAULT_MFCC_OPTIONS: Readonly<MfccOptions> = Object.freeze({ coefficients: 20, topDb: 80, amin: 1e-10 });

export interface Spectrogram {
  /** Row-major [frames x bins]; for complex output [frames x bins x 2] (re, im). */
  data: Float32Array;
  frames: number;
  bins: number;
}

export interface Mfcc {
  /** Row-major [frames x coefficients]. */
  data: Float32Array;
  frames: number;
  coefficients: number;
}

interface Setup {
  plan: number;
  window: number;
  mel: number;
}

export interface WasmBackendOptions {
  /** Alternative binary (tests); default native/dsp.wasm next to the package. */
  wasmUrl?: URL;
}

export class WasmFeatureBackend implements FeatureBackend {
  readonly name = 'wasm' as const;
  private readonly core: DspExports;
  private readonly setups = new Map<string, Setup>();

  constructor(options: WasmBackendOptions = {}) {
    this.core = loadCore(options.wasmUrl);
  }

  melSpectrogram(samples: Float32Array, config: MelConfig): MelSpectrogram {
    checkConfig(config);
    const kind = config.spectrum === 'power' ? KIND_POWER : KIND_MAGNITUDE;
    const r = this.run(samples, config, kind, true);
    return { data: r.data, frames: r.frames, melBands: config.melBands };
  }

  /** |X|^2 or |X| (config.spectrum) per frame, [frames x (fftSize/2 + 1)]. */
  spectrogram(samples: Float32Array, config: MelConfig): Spectrogram {
    checkConfig(config);
    return this.run(samples, config, config.spectrum === 'power' ? KIND_POWER : KIND_MAGNITUDE, false);
  }

  /** Complex STFT, [frames x bins x 2] interleaved (re, im), librosa sign convention (e^{-i...}). */
  complexSpectrogram(samples: Float32Array, config: MelConfig): Spectrogram {
    checkConfig(config);
    return this.run(samples, config, KIND_COMPLEX, false);
  }

  /** MFCC from the mel spectrogram of `config` (see MfccOptions). */
  mfcc(samples: Float32Array, config: MelConfig, options: Partial<MfccOptions> = {}): Mfcc {
    const opts = validateMfccOptions(options, config.melBands);
    const mel = this.melSpectrogram(samples, config);
    const bands = config.melBands;
    const coeffs = opts.coefficients;
    const out = new Float32Array(mel.frames * coeffs);
    if (mel.frames === 0) return { data: out, frames: 0, coefficients: coeffs };
    let maxMel = 0;
    for (let i = 0; i < mel.data.length; i++) if (mel.data[i] > maxMel) maxMel = mel.data[i];
    // top_db is relative to the maximum over the whole input, so the floor is known before the chunked pass.
    const floorDb = opts.topDb === null ? -Infinity : 10 * Math.log10(Math.max(opts.amin, maxMel)) - opts.topDb;
    const dct = dctOrthoMatrix(coeffs, bands);
    const c = this.core;
    const chunk = Math.min(mel.frames, CHUNK_FRAMES);
    let dctPtr = 0;
    let scratchPtr = 0;
    let inPtr = 0;
    let outPtr = 0;
    try {
      dctPtr = this.alloc(dct.length * 4);
      scratchPtr = this.alloc(bands * 4);
      inPtr = this.alloc(chunk * bands * 4);
      outPtr = this.alloc(chunk * coeffs * 4);
      this.f32(dctPtr, dct.length).set(dct);
      for (let t0 = 0; t0 < mel.frames; t0 += chunk) {
        const n = Math.min(chunk, mel.frames - t0);
        this.f32(inPtr, n * bands).set(mel.data.subarray(t0 * bands, (t0 + n) * bands));
        c.dsp_mfcc(inPtr, n, bands, opts.amin, floorDb, dctPtr, coeffs, scratchPtr, outPtr);
        out.set(this.f32(outPtr, n * coeffs), t0 * coeffs);
      }
    } finally {
      c.dsp_free(outPtr);
      c.dsp_free(inPtr);
      c.dsp_free(scratchPtr);
      c.dsp_free(dctPtr);
    }
    return { data: out, frames: mel.frames, coefficients: coeffs };
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

  private setup(config: MelConfig, needsMel: boolean): Setup {
    const key = needsMel
      ? JSON.stringify([config.fftSize, config.windowSamples, config.sampleRateHz, config.melBands, config.fMinHz, config.fMaxHz, config.melNorm, config.melScale])
      : JSON.stringify([config.fftSize, config.windowSamples]);
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
      table.set([Math.sin((2 * Math.PI) / 3), Math.cos((2 * Math.PI) / 5), Math.cos((4 * Math.PI) / 5), Math.sin((2 * Math.PI) / 5), Math.sin((4 * Math.PI) / 5)], 2 * n);
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

      if (needsMel) {
        const weights = melFilterbank(config);
        tmp = this.alloc(weights.length * 4);
        this.f32(tmp, weights.length).set(weights);
        s.mel = c.dsp_mel_create(config.melBands, Math.floor(n / 2) + 1, tmp);
        if (s.mel === 0) throw unavailable('could not allocate the mel filterbank');
      }
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

  private run(samples: Float32Array, config: MelConfig, kind: number, withMel: boolean): Spectrogram {
    const n = config.fftSize;
    const hop = config.hopSamples;
    const bins = Math.floor(n / 2) + 1;
    const width = withMel ? config.melBands : kind === KIND_COMPLEX ? 2 * bins : bins;
    const frames = frameCount(samples.length, config);
    const data = new Float32Array(frames * width);
    const result = { data, frames, bins: withMel ? config.melBands : bins };
    if (frames === 0) return result;
    const s = this.setup(config, withMel);
    const pad = config.center ? Math.floor(n / 2) : 0;
    const chunk = Math.min(frames, CHUNK_FRAMES);
    const c = this.core;
    let inPtr = 0;
    let outPtr = 0;
    try {
      inPtr = this.alloc(((chunk - 1) * hop + n) * 4);
      outPtr = this.alloc(chunk * width * 4);
      for (let t0 = 0; t0 < frames; t0 += chunk) {
        const count = Math.min(chunk, frames - t0);
        fillPadded(this.f32(inPtr, (count - 1) * hop + n), samples, t0 * hop - pad, config.padMode);
        const rc = c.dsp_frames(s.plan, inPtr, count, hop, s.window, kind, withMel ? s.mel : 0, outPtr);
        if (rc !== 0) throw new CountSpeakersError('INTERNAL', `dsp_frames returned ${rc} (expected 0). Fix: report this bug.`);
        data.set(this.f32(outPtr, count * width), t0 * width);
      }
    } finally {
      c.dsp_free(outPtr);
      c.dsp_free(inPtr);
    }
    return result;
  }
}

/** The WASM backend for this thread; throws CountSpeakersError('WASM_UNAVAILABLE') when it cannot load. */
export function createWasmBackend(options: WasmBackendOptions = {}): WasmFeatureBackend {
  return new WasmFeatureBackend(options);
}

/** Whether the core loads here (no throw). */
export function isWasmAvailable(): boolean {
  try {
    loadCore(undefined);
    return true;
  } catch {
    return false;
  }
}
