/**
 * The recording channel of one simulated film turn: a room (tools/lib/room.ts), an EQ (shelves,
 * band limit, or a telephone band with 8-bit mu-law), and a level. Deterministic from the
 * caller's RNG.
 */
import { drawRoom, fftConvolve, synthRir, type RoomSpec } from './room.js';

export type EqKind = 'flat' | 'shelves' | 'band-limit' | 'telephone';

export interface Channel {
  room: RoomSpec;
  eq: EqKind;
  lowShelfDb: number;
  highShelfDb: number;
  /** Low-pass corner of 'band-limit' (Hz). */
  bandLimitHz: number;
  /** Level relative to the file's speech level. */
  gainDb: number;
  /** Stereo position, -1 left .. 1 right (used by stereo files only). */
  pan: number;
}

/** About 10 % telephone, 20 % band-limited, 45 % shelves, the rest flat; rooms of RT60 0.2-1.0 s. */
export function drawChannel(rand: () => number): Channel {
  const u = rand();
  const eq: EqKind = u < 0.1 ? 'telephone' : u < 0.3 ? 'band-limit' : u < 0.75 ? 'shelves' : 'flat';
  return {
    room: drawRoom(rand),
    eq,
    lowShelfDb: -8 + rand() * 14,
    highShelfDb: -10 + rand() * 14,
    bandLimitHz: 3500 + rand() * 3500,
    gainDb: -10 + rand() * 20,
    pan: -0.8 + rand() * 1.6,
  };
}

/** RBJ audio-EQ-cookbook biquad, direct form I, applied in place. */
type Coeffs = [number, number, number, number, number];

function biquad(x: Float32Array, [b0, b1, b2, a1, a2]: Coeffs): void {
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i];
    const y0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = x0;
    y2 = y1;
    y1 = y0;
    x[i] = y0;
  }
}

function norm(b0: number, b1: number, b2: number, a0: number, a1: number, a2: number): Coeffs {
  return [b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0];
}

export function lowPass(f0: number, rateHz: number, q = Math.SQRT1_2): Coeffs {
  const w = (2 * Math.PI * f0) / rateHz;
  const al = Math.sin(w) / (2 * q);
  const c = Math.cos(w);
  return norm((1 - c) / 2, 1 - c, (1 - c) / 2, 1 + al, -2 * c, 1 - al);
}

export function highPass(f0: number, rateHz: number, q = Math.SQRT1_2): Coeffs {
  const w = (2 * Math.PI * f0) / rateHz;
  const al = Math.sin(w) / (2 * q);
  const c = Math.cos(w);
  return norm((1 + c) / 2, -(1 + c), (1 + c) / 2, 1 + al, -2 * c, 1 - al);
}

function shelf(kind: 'low' | 'high', f0: number, gainDb: number, rateHz: number): Coeffs {
  const A = 10 ** (gainDb / 40);
  const w = (2 * Math.PI * f0) / rateHz;
  const c = Math.cos(w);
  const al = (Math.sin(w) / 2) * Math.SQRT2; // shelf slope 1
  const sq = 2 * Math.sqrt(A) * al;
  if (kind === 'low') {
    return norm(
      A * (A + 1 - (A - 1) * c + sq),
      2 * A * (A - 1 - (A + 1) * c),
      A * (A + 1 - (A - 1) * c - sq),
      A + 1 + (A - 1) * c + sq,
      -2 * (A - 1 + (A + 1) * c),
      A + 1 + (A - 1) * c - sq,
    );
  }
  return norm(
    A * (A + 1 + (A - 1) * c + sq),
    -2 * A * (A - 1 + (A + 1) * c),
    A * (A + 1 + (A - 1) * c - sq),
    A + 1 - (A - 1) * c + sq,
    2 * (A - 1 - (A + 1) * c),
    A + 1 - (A - 1) * c - sq,
  );
}

/** 8-bit mu-law companding (the telephone codec's quantisation), scaled to the signal's peak. */
function muLaw8(x: Float32Array): void {
  let peak = 0;
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]));
  if (peak === 0) return;
  const mu = 255;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] / peak;
    const y = (Math.sign(v) * Math.log1p(mu * Math.abs(v))) / Math.log1p(mu);
    const q = Math.round(y * 127) / 127;
    x[i] = ((Math.sign(q) * ((1 + mu) ** Math.abs(q) - 1)) / mu) * peak;
  }
}

/** The EQ of a channel, in place. */
export function applyEq(x: Float32Array, ch: Channel, rateHz = 16000): void {
  if (ch.eq === 'shelves') {
    biquad(x, shelf('low', 250, ch.lowShelfDb, rateHz));
    biquad(x, shelf('high', 3000, ch.highShelfDb, rateHz));
  } else if (ch.eq === 'band-limit') {
    biquad(x, lowPass(ch.bandLimitHz, rateHz));
    biquad(x, lowPass(ch.bandLimitHz, rateHz));
    biquad(x, highPass(80, rateHz));
  } else if (ch.eq === 'telephone') {
    for (let k = 0; k < 2; k++) {
      biquad(x, highPass(300, rateHz));
      biquad(x, lowPass(3400, rateHz));
    }
    muLaw8(x);
  }
}

/**
 * A dry turn through the channel: reverberated (the output runs on by the reverberation tail,
 * which the reference does not label as speech), equalised, at the dry input's RMS over the dry
 * length (the level is the caller's).
 */
export function applyChannel(dry: Float32Array, ch: Channel, rand: () => number, rateHz = 16000): Float32Array {
  const h = synthRir(ch.room, rand, rateHz);
  const wet = fftConvolve(dry, h, dry.length + h.length - 1);
  applyEq(wet, ch, rateHz);
  const g = rms(dry) / Math.max(1e-9, rms(wet.subarray(0, dry.length)));
  for (let i = 0; i < wet.length; i++) wet[i] *= g;
  return wet;
}

export function rms(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, x.length));
}
