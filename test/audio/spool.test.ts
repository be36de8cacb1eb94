import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AudioSpool, spoolWorthwhile } from '../../src/audio/spool.js';
import type { AudioInfo } from '../../src/audio/index.js';

const info = (over: Partial<AudioInfo>): AudioInfo => ({ file: 'x', format: 'wav/pcm', sampleRateHz: 16000, channels: 1, bitsPerSample: 16, durationSec: 1, ...over });

describe('AudioSpool', () => {
  it('gives back exactly the blocks written, in read-sized blocks, and removes its folder', async () => {
    const spool = (await AudioSpool.create())!;
    expect(spool).not.toBeNull();
    const written: number[] = [];
    for (const n of [1, 1000, 70000, 3]) {
      const b = Float32Array.from({ length: n }, (_, i) => Math.sin(i + n) / 3);
      written.push(...b);
      await spool.write(b);
    }
    await spool.write(new Float32Array(0));
    expect(await spool.seal()).toBe(true);
    const stream = spool.stream(info({ sampleRateHz: 48000 }));
    expect(stream.info.sampleRateHz).toBe(48000);
    const read: number[] = [];
    for await (const b of stream.blocks()) read.push(...b); // copied at once: blocks are views of one buffer
    await stream.close();
    expect(read.length).toBe(written.length);
    expect(read).toEqual(written.map((v) => Math.fround(v)));
    const dir = (spool as unknown as { dir: string }).dir;
    expect(existsSync(dir)).toBe(true);
    await spool.dispose();
    expect(existsSync(dir)).toBe(false);
  });

  it('is skipped for 16 kHz mono WAV, used for anything that needs decoding or resampling', () => {
    expect(spoolWorthwhile(info({}))).toBe(false);
    expect(spoolWorthwhile(info({ format: 'wav/float' }))).toBe(false);
    expect(spoolWorthwhile(info({ sampleRateHz: 48000 }))).toBe(true);
    expect(spoolWorthwhile(info({ channels: 2 }))).toBe(true);
    expect(spoolWorthwhile(info({ format: 'ffmpeg' }))).toBe(true);
  });
});
