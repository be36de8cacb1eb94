/**
 * Long conversations of a few looped voices, streamed to a 16-bit PCM WAV: the bench films of
 * bench/bench-scale.ts and the calibration films of tools/calibrate-films.ts.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mulberry32 as rng } from '../../tools/lib/rng.js';

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
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rateHz, 24);
  header.writeUInt32LE(rateHz * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(dataBytes, 40);
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
