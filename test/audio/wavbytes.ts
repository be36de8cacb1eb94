/**
 * Byte-level WAV builder for the test corpus: unlike wavefile it can write every defect
 * (wrong sizes, missing chunks, odd pads, RF64, vendor GUIDs...).
 */
export interface Chunk {
  id: string;
  body: Uint8Array;
  /** Size written in the chunk header; defaults to body.length. */
  declared?: number;
  /** Omit the pad byte after an odd body (some writers do). */
  noPad?: boolean;
}

export function u16le(v: number): Uint8Array {
  return new Uint8Array([v & 0xff, (v >>> 8) & 0xff]);
}

export function u32le(v: number): Uint8Array {
  return new Uint8Array([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

export interface FmtSpec {
  formatTag: number;
  channels: number;
  sampleRateHz: number;
  bits: number;
  blockAlign?: number;
  /** WAVE_FORMAT_EXTENSIBLE with this subformat tag. */
  extensible?: { subFormat: number; validBits?: number; vendorGuid?: boolean };
}

export function fmtChunk(f: FmtSpec): Chunk {
  const blockAlign = f.blockAlign ?? f.channels * Math.ceil(f.bits / 8);
  const base = [
    u16le(f.extensible ? 0xfffe : f.formatTag),
    u16le(f.channels),
    u32le(f.sampleRateHz),
    u32le(f.sampleRateHz * blockAlign),
    u16le(blockAlign),
    u16le(f.bits),
  ];
  if (!f.extensible) return { id: 'fmt ', body: concat(base) };
  const tail = f.extensible.vendorGuid
    ? new Uint8Array(14).fill(0x42)
    : new Uint8Array([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]);
  return {
    id: 'fmt ',
    body: concat([...base, u16le(22), u16le(f.extensible.validBits ?? f.bits), u32le(0), u16le(f.extensible.subFormat), tail]),
  };
}

export function chunkBytes(c: Chunk): Uint8Array {
  const pad = c.body.length % 2 === 1 && !c.noPad ? new Uint8Array(1) : new Uint8Array(0);
  return concat([ascii(c.id), u32le(c.declared ?? c.body.length), c.body, pad]);
}

export function riff(chunks: Chunk[], opts: { container?: string; form?: string; riffSize?: number } = {}): Uint8Array {
  const body = concat(chunks.map(chunkBytes));
  return concat([ascii(opts.container ?? 'RIFF'), u32le(opts.riffSize ?? body.length + 4), ascii(opts.form ?? 'WAVE'), body]);
}

export type SampleKind = 'u8' | 's16' | 's24' | 's32' | 'f32' | 'f64';

/** Encode interleaved values in [-1, 1] (ints rounded from v * 2^(bits-1), clamped). */
export function encode(kind: SampleKind, values: ArrayLike<number>): Uint8Array {
  const n = values.length;
  const size = { u8: 1, s16: 2, s24: 3, s32: 4, f32: 4, f64: 8 }[kind];
  const out = new Uint8Array(n * size);
  const dv = new DataView(out.buffer);
  const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
  for (let i = 0; i < n; i++) {
    const v = values[i];
    switch (kind) {
      case 'u8':
        out[i] = clamp(Math.round(v * 128) + 128, 0, 255);
        break;
      case 's16':
        dv.setInt16(i * 2, clamp(Math.round(v * 32768), -32768, 32767), true);
        break;
      case 's24': {
        const x = clamp(Math.round(v * 8388608), -8388608, 8388607);
        out[i * 3] = x & 0xff;
        out[i * 3 + 1] = (x >> 8) & 0xff;
        out[i * 3 + 2] = (x >> 16) & 0xff;
        break;
      }
      case 's32':
        dv.setInt32(i * 4, clamp(Math.round(v * 2147483648), -2147483648, 2147483647), true);
        break;
      case 'f32':
        dv.setFloat32(i * 4, v, true);
        break;
      case 'f64':
        dv.setFloat64(i * 8, v, true);
        break;
    }
  }
  return out;
}

/** Mean over channels of interleaved values after quantising like `encode` (the expected output). */
export function expectedMono(kind: SampleKind, interleaved: ArrayLike<number>, channels: number): Float32Array {
  const scale = { u8: 128, s16: 32768, s24: 8388608, s32: 2147483648, f32: 0, f64: 0 }[kind];
  const frames = Math.floor(interleaved.length / channels);
  const out = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    let s = 0;
    for (let c = 0; c < channels; c++) {
      const v = interleaved[f * channels + c];
      let q: number;
      if (kind === 'f32') q = Math.fround(v);
      else if (kind === 'f64') q = v;
      else {
        const lo = kind === 'u8' ? -128 : -scale;
        const hi = kind === 'u8' ? 127 : scale - 1;
        q = Math.min(hi, Math.max(lo, Math.round(v * scale))) / scale;
      }
      s += q;
    }
    out[f] = s / channels;
  }
  return out;
}

export function pcmWav(kind: SampleKind, channels: number, sampleRateHz: number, interleaved: ArrayLike<number>): Uint8Array {
  const bits = { u8: 8, s16: 16, s24: 24, s32: 32, f32: 32, f64: 64 }[kind];
  const formatTag = kind === 'f32' || kind === 'f64' ? 3 : 1;
  return riff([fmtChunk({ formatTag, channels, sampleRateHz, bits }), { id: 'data', body: encode(kind, interleaved) }]);
}

/** Deterministic values in [-0.9, 0.9]. */
export function noise(n: number, seed = 1): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296 - 0.5) * 1.8;
  }
  return out;
}
