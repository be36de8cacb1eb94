/**
 * Plain WAV reading and writing for the film simulator and bench/eval-real.ts: 16-bit PCM or float in,
 * 16-bit PCM or 32-bit float out, any rate and channel count. wavefile (used by the short
 * simulator, whose published sets depend on its exact scaling) takes minutes on the ten minutes
 * of the sessions recordings; this takes milliseconds.
 */
import { readFileSync } from 'node:fs';

/** A 16-bit PCM (x / 32768) or 32-bit float WAV as float samples, channels averaged; its rate is returned. */
export function readWavMono(file: string): { samples: Float32Array; rateHz: number } {
  const b = readFileSync(file);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file}: not a RIFF/WAVE file`);
  let pos = 12;
  let channels = 0;
  let rateHz = 0;
  let bits = 0;
  let format = 0;
  while (pos + 8 <= b.length) {
    const id = b.toString('ascii', pos, pos + 4);
    const size = b.readUInt32LE(pos + 4);
    if (id === 'fmt ') {
      format = b.readUInt16LE(pos + 8);
      channels = b.readUInt16LE(pos + 10);
      rateHz = b.readUInt32LE(pos + 12);
      bits = b.readUInt16LE(pos + 22);
    } else if (id === 'data') {
      const pcm16 = format === 1 && bits === 16;
      if (!pcm16 && !(format === 3 && bits === 32))
        throw new Error(`${file}: expected 16-bit PCM or 32-bit float, received format ${format} with ${bits} bits`);
      const width = bits / 8;
      const frames = Math.floor(Math.min(size, b.length - pos - 8) / (width * channels));
      const out = new Float32Array(frames);
      for (let i = 0; i < frames; i++) {
        let s = 0;
        for (let c = 0; c < channels; c++) {
          const at = pos + 8 + width * (i * channels + c);
          s += pcm16 ? b.readInt16LE(at) / 32768 : b.readFloatLE(at);
        }
        out[i] = s / channels;
      }
      return { samples: out, rateHz };
    }
    pos += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

/** The pieces of audio one after another, in one array. */
export function joinSamples(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** WAV bytes of one or more equally long channels, 16-bit PCM (clipped) or 32-bit float. */
export function wavBytes(channels: readonly Float32Array[], rateHz: number, encoding: 's16' | 'f32'): Buffer {
  const nCh = channels.length;
  const frames = channels[0].length;
  const bytesPer = encoding === 's16' ? 2 : 4;
  const data = frames * nCh * bytesPer;
  const b = Buffer.alloc(44 + data);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + data, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(encoding === 's16' ? 1 : 3, 20);
  b.writeUInt16LE(nCh, 22);
  b.writeUInt32LE(rateHz, 24);
  b.writeUInt32LE(rateHz * nCh * bytesPer, 28);
  b.writeUInt16LE(nCh * bytesPer, 32);
  b.writeUInt16LE(bytesPer * 8, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(data, 40);
  let o = 44;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < nCh; c++) {
      const x = channels[c][i];
      if (encoding === 's16') b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(x * 32767))), o);
      else b.writeFloatLE(x, o);
      o += bytesPer;
    }
  }
  return b;
}
