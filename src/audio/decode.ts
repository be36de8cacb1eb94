/**
 * Sample decoding: interleaved WAV frames -> mono float (mean of the channels).
 * Integer PCM is scaled by 2^(bits-1) (8-bit is unsigned, offset 128), as librosa/soundfile
 * do; float samples are kept as they are (no clipping), except NaN/Inf which become 0.
 */
import type { WavCodec } from './wav.js';

export interface DecodeFormat {
  codec: WavCodec;
  channels: number;
  /** Container bytes per sample: 1..4 for PCM, 4 or 8 for float, 1 for G.711. */
  sampleBytes: number;
}

/** ITU-T G.711 A-law byte -> linear value in [-1, 1) (16-bit scale / 32768). */
function alawToLinear(a: number): number {
  a ^= 0x55;
  const seg = (a & 0x70) >> 4;
  let t = (a & 0x0f) << 4;
  t = seg === 0 ? t + 8 : (t + 0x108) << (seg - 1);
  return (a & 0x80 ? t : -t) / 32768;
}

/** ITU-T G.711 mu-law byte -> linear value in [-1, 1) (16-bit scale / 32768). */
function mulawToLinear(u: number): number {
  u = ~u & 0xff;
  let t = ((u & 0x0f) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return (u & 0x80 ? 0x84 - t : t - 0x84) / 32768;
}

export const ALAW_TABLE: Float32Array = Float32Array.from({ length: 256 }, (_, i) => alawToLinear(i));
export const MULAW_TABLE: Float32Array = Float32Array.from({ length: 256 }, (_, i) => mulawToLinear(i));

/**
 * Decode `frames` whole frames from `bytes` (which starts on a frame boundary) into `out`.
 * Returns the number of non-finite samples replaced by 0.
 */
export function decodeFrames(bytes: Uint8Array, frames: number, f: DecodeFormat, out: Float32Array): number {
  const ch = f.channels;
  const sb = f.sampleBytes;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const inv = 1 / ch;
  let nonFinite = 0;
  let o = 0;
  const frameBytes = ch * sb;
  if (f.codec === 'pcm') {
    for (let fr = 0; fr < frames; fr++) {
      const base = fr * frameBytes;
      let sum = 0;
      for (let c = 0; c < ch; c++) {
        const at = base + c * sb;
        switch (sb) {
          case 1:
            sum += (bytes[at] - 128) / 128;
            break;
          case 2:
            sum += dv.getInt16(at, true) / 32768;
            break;
          case 3: {
            // Sign-extend the 24-bit little-endian integer.
            const v = bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16);
            sum += ((v << 8) >> 8) / 8388608;
            break;
          }
          default:
            sum += dv.getInt32(at, true) / 2147483648;
        }
      }
      out[o++] = ch === 1 ? sum : sum * inv;
    }
  } else if (f.codec === 'float') {
    for (let fr = 0; fr < frames; fr++) {
      const base = fr * frameBytes;
      let sum = 0;
      for (let c = 0; c < ch; c++) {
        const v = sb === 4 ? dv.getFloat32(base + c * 4, true) : dv.getFloat64(base + c * 8, true);
        if (Number.isFinite(v)) sum += v;
        else nonFinite++;
      }
      // A huge float64 can overflow float32 to Inf: keep the output finite.
      const m = ch === 1 ? sum : sum * inv;
      const m32 = Math.fround(m);
      if (Number.isFinite(m32)) out[o++] = m32;
      else {
        out[o++] = 0;
        nonFinite++;
      }
    }
  } else {
    const table = f.codec === 'alaw' ? ALAW_TABLE : MULAW_TABLE;
    for (let fr = 0; fr < frames; fr++) {
      const base = fr * frameBytes;
      let sum = 0;
      for (let c = 0; c < ch; c++) sum += table[bytes[base + c]];
      out[o++] = ch === 1 ? sum : sum * inv;
    }
  }
  return nonFinite;
}
