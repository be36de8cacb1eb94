/**
 * Long conversations of a few looped voices, streamed to a 16-bit PCM WAV: the bench films of
 * bench/bench-scale.ts.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mulberry32 as rng } from '../../tools/lib/rng.js';

/** The 44-byte header of a 16-bit PCM WAV (the RIFF size saturates above 4 GB). */
export function pcm16WavHeader(dataBytes: number, rateHz: number, channels: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(Math.min(0xffffffff, dataBytes + 36), 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rateHz, 24);
  h.writeUInt32LE(rateHz * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(Math.min(0xffffffff, dataBytes), 40);
  return h;
}

export interface Voice {
  id: string;
  sex: 'M' | 'F';
  samples: Float32Array; // at the output rate
}

/**
 * Stream a conversation to a 16-bit PCM WAV: turns of 2-8 s cut from the voices' utterances,
 * pauses of 0.2-1.5 s, a noise floor at about -60 dBFS; the right channel is a slightly
 * attenuated, noisier copy of the left.
 */
export function writeConversation(
  file: string,
  voices: Voice[],
  seconds: number,
  rateHz: number,
  channels: 1 | 2,
  seed: number,
  pauseSec: readonly [number, number] = [0.2, 1.5],
): void {
  const frames = Math.round(seconds * rateHz);
  const dataBytes = frames * channels * 2;
  const header = pcm16WavHeader(dataBytes, rateHz, channels);
  const fd = openSync(file, 'w');
  const r = rng(seed);
  try {
    writeSync(fd, header);
    const CHUNK = rateHz; // one second per write
    const out = Buffer.alloc(CHUNK * channels * 2);
    let written = 0;
    // Current segment: a voice slice or a pause.
    let seg: Float32Array | undefined;
    let segPos = 0;
    let segLen = 0;
    let last = -1;
    const nextSegment = () => {
      if (seg !== undefined || last < 0) {
        if (seg !== undefined) {
          seg = undefined;
          segLen = Math.round((pauseSec[0] + (pauseSec[1] - pauseSec[0]) * r()) * rateHz);
          segPos = 0;
          return;
        }
      }
      let v = Math.floor(r() * voices.length);
      if (v === last) v = (v + 1) % voices.length;
      last = v;
      const src = voices[v].samples;
      const len = Math.min(src.length, Math.round((2 + 6 * r()) * rateHz));
      const start = Math.floor(r() * (src.length - len + 1));
      seg = src.subarray(start, start + len);
      segPos = 0;
      segLen = len;
    };
    nextSegment();
    while (written < frames) {
      const n = Math.min(CHUNK, frames - written);
      for (let i = 0; i < n; i++) {
        if (segPos >= segLen) nextSegment();
        const x = (seg ? seg[segPos] : 0) + 0.002 * (r() - 0.5);
        segPos++;
        const l = Math.max(-32768, Math.min(32767, Math.round(x * 32767)));
        out.writeInt16LE(l, i * channels * 2);
        if (channels === 2) {
          const y = 0.9 * x + 0.002 * (r() - 0.5);
          out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(y * 32767))), i * 4 + 2);
        }
      }
      writeSync(fd, out, 0, n * channels * 2);
      written += n;
    }
  } finally {
    closeSync(fd);
  }
}
