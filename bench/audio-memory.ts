/**
 * Memory/speed benchmark of the audio stage: writes a 2-hour 48 kHz stereo 16-bit WAV
 * (1.38 GB) to a temp dir with streamed writes, reads it through openAudio, and prints the
 * time and the peak RSS. The target is a flat memory profile: far below 400 MB.
 *
 *   npx tsx bench/audio-memory.ts [--minutes 120] [--rate 48000] [--channels 2] [--keep]
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { openAudio } from '../src/audio/index.js';
import { pcm16WavHeader } from './lib/conversation.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const minutes = arg('minutes', 120);
const rate = arg('rate', 48000);
const channels = arg('channels', 2);
const keep = process.argv.includes('--keep');

async function writeWav(file: string): Promise<number> {
  const seconds = minutes * 60;
  const dataBytes = seconds * rate * channels * 2;
  const out = createWriteStream(file);
  out.write(pcm16WavHeader(dataBytes, rate, channels));
  // One second of a 220 Hz tone with a slow level change, different per second (cheap to make).
  const block = Buffer.alloc(rate * channels * 2);
  for (let s = 0; s < seconds; s++) {
    const level = 0.2 + 0.1 * Math.sin(s / 7);
    for (let i = 0; i < rate; i++) {
      const v = Math.round(32767 * level * Math.sin((2 * Math.PI * 220 * i) / rate));
      for (let c = 0; c < channels; c++) block.writeInt16LE(v, (i * channels + c) * 2);
    }
    if (!out.write(Buffer.from(block))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return dataBytes + 44;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cs-audio-bench-'));
  const file = path.join(dir, 'long.wav');
  try {
    let t = performance.now();
    const bytes = await writeWav(file);
    console.log(
      `wrote ${(bytes / 1e9).toFixed(2)} GB (${minutes} min, ${rate} Hz, ${channels} ch, 16-bit) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const timer = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    t = performance.now();
    const stream = await openAudio(file);
    let samples = 0;
    let blocks = 0;
    let energy = 0;
    for await (const b of stream.blocks()) {
      samples += b.length;
      blocks++;
      for (let i = 0; i < b.length; i += 97) energy += b[i] * b[i];
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    clearInterval(timer);
    const sec = (performance.now() - t) / 1000;
    const audioSec = samples / 16000;
    console.log(
      `read ${audioSec.toFixed(0)} s of audio as ${samples} samples at 16 kHz in ${blocks} blocks: ${sec.toFixed(1)} s ` +
        `(${(audioSec / sec).toFixed(0)}x real time, ${((sec / audioSec) * 3600).toFixed(1)} s per hour)`,
    );
    console.log(
      `RSS before reading ${(rssBefore / 2 ** 20).toFixed(0)} MB, peak while reading ${(peakRss / 2 ** 20).toFixed(0)} MB; ` +
        `process max RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; mean square ${(energy / (samples / 97)).toFixed(4)}`,
    );
    if (samples !== minutes * 60 * 16000) throw new Error(`expected ${minutes * 60 * 16000} samples, got ${samples}`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${file}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
