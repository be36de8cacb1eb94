/**
 * Streaming anti-aliased resampler: Kaiser-windowed sinc, polyphase.
 *
 * Why our own and not an npm package: `wave-resampler` and `@purinton/resampler` work on
 * whole buffers (no state across blocks) or on s16 only; `@alexanderolsen/libsamplerate-js`
 * is a WASM build with an async factory and its own heap that must be destroyed by hand
 * (our rule: only one module touches a WASM heap). The filter below is ~100 lines, exact
 * for every integer rate (rational ratio, one coefficient row per phase) and falls back to
 * a finely tabulated kernel with linear interpolation between phases for ratios whose
 * phase count would be too large or that are irrational.
 *
 * Output sample n sits at input time t_n = n * srcRate / dstRate (first output on the first
 * input sample, as scipy's resample_poly); samples before the start and after the end are
 * zeros. The number of outputs is ceil(nIn * dstRate / srcRate). Because t_n depends only on
 * n, the result does not depend on how the input is split into blocks.
 *
 * The dot products run in the WASM DSP core when it loads (src/features/wasmBackend.ts, float32
 * SIMD: 10x or more faster than the loop here, where decoding a 48 kHz film spent most of its time)
 * and in TypeScript otherwise (float64 sums). Positions, state and table are the same, so the two
 * differ by float32 rounding only (measured <= 1.2e-7 on full-scale audio).
 */
import { CountSpeakersError } from '../errors/index.js';
import { createWasmBackend, type PolyphaseTable, type WasmFeatureBackend } from '../features/wasmBackend.js';

export interface ResamplerDesign {
  /** Stopband attenuation in dB (Kaiser design). */
  stopbandDb: number;
  /** Transition band as a fraction of the lower Nyquist frequency; it ends at that Nyquist. */
  transitionFraction: number;
}

export const DEFAULT_RESAMPLER_DESIGN: Readonly<ResamplerDesign> = Object.freeze({
  // 80 dB keeps anything that would alias into the speech band far below the noise floor
  // of real recordings; the transition 0.85..1.0 x Nyquist (6.8-8 kHz at 16 kHz) loses
  // nothing speaker or sex models use.
  stopbandDb: 80,
  transitionFraction: 0.15,
});

/** Above this many coefficients an exact rational table is too big; interpolate a fine table instead. */
const MAX_EXACT_COEFFS = 1 << 20;
/**
 * Phases of the interpolated table. Linear interpolation between phases errs by about
 * (pi * 2fc / phases)^2 / 8 of the kernel, below -90 dB at 256 phases.
 */
const INTERPOLATED_PHASES = 256;

/**
 * Modified Bessel function I0 (Abramowitz & Stegun 9.8.1-2, relative error < 2e-7): far below
 * what an 80 dB window needs, and ~5x cheaper than the power series (tables build per rate).
 */
function besselI0(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3.75) {
    const t = (x / 3.75) ** 2;
    return 1 + t * (3.5156229 + t * (3.0899424 + t * (1.2067492 + t * (0.2659732 + t * (0.0360768 + t * 0.0045813)))));
  }
  const t = 3.75 / ax;
  return (
    (Math.exp(ax) / Math.sqrt(ax)) *
    (0.39894228 +
      t *
        (0.01328592 +
          t *
            (0.00225319 +
              t * (-0.00157565 + t * (0.00916281 + t * (-0.02057706 + t * (0.02635537 + t * (-0.01647633 + t * 0.00392377))))))))
  );
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Coefficient tables are immutable once built: share them between resamplers. */
const TABLE_CACHE = new Map<string, Float32Array>();

function buildTable(rows: number, phases: number, taps: number, h: number, fc: number, beta: number): Float32Array {
  const table = new Float32Array(rows * taps);
  const i0Beta = besselI0(beta);
  for (let p = 0; p < rows; p++) {
    const frac = p / phases;
    let sum = 0;
    const row = p * taps;
    // Tap j (0..taps-1) multiplies input index floor(t) - half + 1 + j, at distance x = frac + half - 1 - j.
    for (let j = 0; j < taps; j++) {
      const x = frac + h - 1 - j;
      const r = x / h;
      let v = 0;
      if (Math.abs(r) < 1) {
        const arg = 2 * fc * x;
        const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
        v = 2 * fc * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta);
      }
      table[row + j] = v;
      sum += v;
    }
    // Unit DC gain on every phase: no phase-dependent ripple on a constant signal.
    for (let j = 0; j < taps; j++) table[row + j] /= sum;
  }
  return table;
}

export interface ResamplerOptions {
  /**
   * Where the filter runs: 'wasm' (the default: the WASM core, falling back to TypeScript when it
   * cannot load) or 'ts'. Given explicitly, 'wasm' throws WASM_UNAVAILABLE instead of falling back.
   */
  backend?: 'wasm' | 'ts';
}

export class StreamingResampler {
  readonly srcRateHz: number;
  readonly dstRateHz: number;
  /** Input samples per output sample. */
  private readonly step: number;
  /** Taps used on each side of the output position (kernel spans 2 * half taps). */
  private readonly half: number;
  private readonly taps: number;
  /** Exact rational stepping: t_n = n * stepNum / phases. 0 when interpolating. */
  private readonly stepNum: number;
  private readonly phases: number;
  private readonly exact: boolean;
  /** Coefficient rows, (phases + (exact ? 0 : 1)) x taps; row p is for fractional offset p/phases. */
  private readonly table: Float32Array;
  /** The table as the WASM core takes it (cached on its heap by coefficient array). */
  private readonly polyphase: PolyphaseTable;
  private readonly passthrough: boolean;
  /** Where the filter runs for this instance (passthrough runs none: 'ts'). */
  readonly backend: 'wasm' | 'ts';
  /** The WASM core's backend holding this resampler's table on its heap; null on the TS path or once disposed. */
  private wasm: WasmFeatureBackend | null = null;

  /** Input kept for the next outputs; buf[0] is the sample at absolute index bufStart. */
  private buf: Float32Array;
  private bufLen = 0;
  private bufStart: number;
  private totalIn = 0;
  /** Index of the next output sample, and for exact mode its integer position and phase. */
  private nOut = 0;
  private posInt = 0;
  private posPhase = 0;
  private flushed = false;

  constructor(srcRateHz: number, dstRateHz: number, design: ResamplerDesign = DEFAULT_RESAMPLER_DESIGN, options: ResamplerOptions = {}) {
    if (!(srcRateHz > 0) || !(dstRateHz > 0) || !Number.isFinite(srcRateHz) || !Number.isFinite(dstRateHz)) {
      throw new RangeError(`resampler rates must be finite and > 0, got ${srcRateHz} -> ${dstRateHz}`);
    }
    this.srcRateHz = srcRateHz;
    this.dstRateHz = dstRateHz;
    this.step = srcRateHz / dstRateHz;
    this.passthrough = srcRateHz === dstRateHz;

    const nyquistHz = Math.min(srcRateHz, dstRateHz) / 2;
    const transitionHz = design.transitionFraction * nyquistHz;
    const cutoffHz = nyquistHz - transitionHz / 2;
    const fc = cutoffHz / srcRateHz; // cycles per input sample
    const a = design.stopbandDb;
    const beta = a > 50 ? 0.1102 * (a - 8.7) : a >= 21 ? 0.5842 * (a - 21) ** 0.4 + 0.07886 * (a - 21) : 0;
    // Kaiser's length estimate, in input samples.
    const length = (a - 7.95) / (2.285 * 2 * Math.PI * (transitionHz / srcRateHz));
    this.half = Math.max(2, Math.ceil(length / 2) + 1);
    this.taps = 2 * this.half;

    const intRates = Number.isInteger(srcRateHz) && Number.isInteger(dstRateHz);
    const g = intRates ? gcd(srcRateHz, dstRateHz) : 1;
    const exactPhases = intRates ? dstRateHz / g : Infinity;
    this.exact = exactPhases * this.taps <= MAX_EXACT_COEFFS;
    this.phases = this.exact ? exactPhases : INTERPOLATED_PHASES;
    this.stepNum = this.exact ? srcRateHz / g : 0;

    const key = `${srcRateHz}/${dstRateHz}/${a}/${design.transitionFraction}`;
    this.table =
      TABLE_CACHE.get(key) ?? buildTable(this.exact ? this.phases : this.phases + 1, this.phases, this.taps, this.half, fc, beta);
    // Re-insert as most recent; files of one batch usually share a rate, so a few entries suffice.
    TABLE_CACHE.delete(key);
    TABLE_CACHE.set(key, this.table);
    if (TABLE_CACHE.size > 8) TABLE_CACHE.delete(TABLE_CACHE.keys().next().value as string);
    this.polyphase = { coefficients: this.table, taps: this.taps, phases: this.phases };

    // Zeros before the first sample: the first output needs half - 1 samples of history.
    this.bufStart = -(this.half - 1);
    this.buf = new Float32Array(Math.max(4096, 2 * this.taps));
    this.bufLen = this.half - 1;

    const backend = options.backend ?? 'wasm';
    if (backend !== 'wasm' && backend !== 'ts') throw new RangeError(`resampler backend must be 'wasm' or 'ts', got ${String(backend)}`);
    if (backend === 'wasm' && !this.passthrough) {
      try {
        this.wasm = createWasmBackend();
      } catch (e) {
        // The core is an accelerator; the TypeScript loop computes the same numbers (to float32 rounding).
        if (!(e instanceof CountSpeakersError && e.code === 'WASM_UNAVAILABLE') || options.backend === 'wasm') throw e;
      }
    }
    this.backend = this.wasm !== null ? 'wasm' : 'ts';
  }

  /** Number of output samples a whole input of `inputSamples` gives. */
  static outputLength(inputSamples: number, srcRateHz: number, dstRateHz: number): number {
    if (srcRateHz === dstRateHz) return inputSamples;
    if (Number.isInteger(srcRateHz) && Number.isInteger(dstRateHz)) {
      // Integer arithmetic: ceil(n * dst / src) without float rounding surprises.
      const num = BigInt(inputSamples) * BigInt(dstRateHz);
      const den = BigInt(srcRateHz);
      return Number((num + den - 1n) / den);
    }
    return Math.max(0, Math.ceil((inputSamples * dstRateHz) / srcRateHz - 1e-9));
  }

  /** Feed the next input block; returns the outputs it completes (a fresh array, maybe empty). */
  process(input: Float32Array): Float32Array {
    if (this.flushed) throw new Error('StreamingResampler.process called after flush or dispose');
    if (this.passthrough) {
      this.totalIn += input.length;
      this.nOut += input.length;
      return input.slice();
    }
    this.append(input, input.length);
    this.totalIn += input.length;
    return this.run(false);
  }

  /** End of input: returns the remaining outputs (the tail filtered against zeros) and frees the WASM table. */
  flush(): Float32Array {
    if (this.flushed) return new Float32Array(0);
    this.flushed = true;
    if (this.passthrough) return new Float32Array(0);
    try {
      return this.run(true);
    } finally {
      this.dispose();
    }
  }

  /**
   * Frees this resampler's table on the WASM heap; flush() does it too. Call it when a stream
   * is abandoned before its end (idempotent). Afterwards process() throws and flush() returns
   * nothing.
   */
  dispose(): void {
    this.flushed = true;
    this.wasm?.dispose();
    this.wasm = null;
  }

  get inputSamples(): number {
    return this.totalIn;
  }

  get outputSamples(): number {
    return this.nOut;
  }

  private append(src: Float32Array, n: number): void {
    if (this.bufLen + n > this.buf.length) {
      const grown = new Float32Array(Math.max(this.buf.length * 2, this.bufLen + n));
      grown.set(this.buf.subarray(0, this.bufLen));
      this.buf = grown;
    }
    this.buf.set(src.subarray(0, n), this.bufLen);
    this.bufLen += n;
  }

  /** Integer input index of the next output sample. */
  private nextInputIndex(): number {
    return this.exact ? this.posInt : Math.floor(this.nOut * this.step);
  }

  private advance(): void {
    this.nOut++;
    if (this.exact) {
      const p = this.posPhase + this.stepNum;
      this.posInt += Math.floor(p / this.phases);
      this.posPhase = p % this.phases;
    }
  }

  private run(final: boolean): Float32Array {
    const total = this.totalIn;
    const endOut = final ? StreamingResampler.outputLength(total, this.srcRateHz, this.dstRateHz) : Infinity;
    if (final) {
      // Zeros after the last sample so every remaining output has its full kernel.
      const pad = new Float32Array(this.half + 1);
      this.append(pad, pad.length);
    }
    const bufEnd = this.bufStart + this.bufLen; // one past the last absolute index held
    // Upper bound on how many outputs this call can make.
    const maxOut = Math.max(0, Math.min(endOut - this.nOut, Math.ceil((bufEnd - this.bufStart) / this.step) + 2));
    const out = new Float32Array(maxOut);
    const count = this.wasm !== null ? this.filterWasm(this.wasm, out) : this.filterTs(out);
    // Drop input no later output needs.
    const next = this.nOut < endOut ? this.nextInputIndex() - this.half + 1 : bufEnd;
    const drop = Math.min(this.bufLen, Math.max(0, next - this.bufStart));
    if (drop > 0) {
      this.buf.copyWithin(0, drop, this.bufLen);
      this.bufLen -= drop;
      this.bufStart += drop;
    }
    return count === maxOut ? out : out.slice(0, count);
  }

  /** Fills `out` with the next outputs the buffered input allows (at most out.length); returns how many. */
  private filterWasm(wasm: WasmFeatureBackend, out: Float32Array): number {
    const table = this.polyphase;
    const window = this.buf.subarray(0, this.bufLen);
    if (this.exact) {
      const offset = this.posInt - this.half + 1 - this.bufStart;
      const r = wasm.resamplePolyphase(table, window, { kind: 'exact', offset, phase: this.posPhase, stepNum: this.stepNum }, out);
      this.nOut += r.outputs;
      this.posInt += r.offset - offset;
      this.posPhase = r.phase;
      return r.outputs;
    }
    const origin = this.half - 1 + this.bufStart;
    const offset = Math.floor(this.nOut * this.step) - origin;
    const r = wasm.resamplePolyphase(
      table,
      window,
      { kind: 'interpolated', offset, firstOutput: this.nOut, stepSamples: this.step, origin },
      out,
    );
    this.nOut += r.outputs;
    return r.outputs;
  }

  /** The TypeScript loop of filterWasm: float64 sums (the core sums in float32, within 2 ulps of these). */
  private filterTs(out: Float32Array): number {
    const bufEnd = this.bufStart + this.bufLen;
    const taps = this.taps;
    const table = this.table;
    const buf = this.buf;
    const half = this.half;
    const bufStart = this.bufStart;
    let count = 0;
    while (count < out.length) {
      // Position of output n: integer input index i and fraction (exact: phase / phases).
      let i: number;
      let acc = 0;
      if (this.exact) {
        i = this.posInt;
        if (i + half >= bufEnd) break; // needs input not yet received
        const off = i - half + 1 - bufStart;
        const row = this.posPhase * taps;
        // Four partial sums: shorter dependency chains, ~2x faster in V8 (taps is even).
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let j = 0;
        for (; j + 3 < taps; j += 4) {
          a0 += buf[off + j] * table[row + j];
          a1 += buf[off + j + 1] * table[row + j + 1];
          a2 += buf[off + j + 2] * table[row + j + 2];
          a3 += buf[off + j + 3] * table[row + j + 3];
        }
        for (; j < taps; j++) a0 += buf[off + j] * table[row + j];
        acc = a0 + a1 + a2 + a3;
      } else {
        const t = this.nOut * this.step;
        i = Math.floor(t);
        if (i + half >= bufEnd) break;
        const off = i - half + 1 - bufStart;
        const pf = (t - i) * this.phases;
        const p = Math.floor(pf);
        const w = pf - p;
        const r0 = p * taps;
        const r1 = r0 + taps;
        for (let j = 0; j < taps; j++) {
          const c = table[r0 + j] + w * (table[r1 + j] - table[r0 + j]);
          acc += buf[off + j] * c;
        }
      }
      out[count++] = acc;
      this.advance();
    }
    return count;
  }
}

/** Whole-buffer convenience (tests, short clips): same numbers as streaming. */
export function resample(input: Float32Array, srcRateHz: number, dstRateHz: number, options: ResamplerOptions = {}): Float32Array {
  const r = new StreamingResampler(srcRateHz, dstRateHz, DEFAULT_RESAMPLER_DESIGN, options);
  let a: Float32Array;
  let b: Float32Array;
  try {
    a = r.process(input);
    b = r.flush();
  } finally {
    r.dispose();
  }
  const out = new Float32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
