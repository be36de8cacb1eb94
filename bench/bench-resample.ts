/**
 * Resampler benchmark, single thread: StreamingResampler to 16 kHz from 48 kHz and 44.1 kHz
 * (exact rational tables, the rates of films) and from 16000 * sqrt(2) Hz (the interpolated
 * table), with the dot products in the WASM core and in TypeScript, on the same audio.
 *
 *   npm run bench:resample -- [--seconds 60] [--repeats 5]
 *
 * Audio: LibriSpeech utterances from ../shared/data/librispeech tiled to --seconds at 16 kHz and
 * brought to each source rate (synthetic noise + chirps when the folder is absent, said so).
 * Timing: best of --repeats whole-buffer runs after one warm-up (best-of filters out other
 * processes on the shared machine); input fed in 1 s blocks as the WAV reader does.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { readAudio, resample, StreamingResampler } from '../src/audio/index.js';
import { joinSamples } from '../tools/lib/wav.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const seconds = Number(arg('seconds') ?? '60');
const repeats = Math.max(1, Number(arg('repeats') ?? '5'));

async function speech16k(n: number): Promise<{ samples: Float32Array; source: string }> {
  const out = new Float32Array(n);
  const dir = path.join(dataDir, 'librispeech');
  if (existsSync(dir)) {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.wav'))
      .sort()
      .slice(0, 20);
    let pos = 0;
    while (pos < n) {
      for (const f of files) {
        const c = (await readAudio(path.join(dir, f))).samples;
        const k = Math.min(c.length, n - pos);
        out.set(c.subarray(0, k), pos);
        pos += k;
        if (pos >= n) break;
      }
    }
    return { samples: out, source: `${files.length} LibriSpeech files, tiled` };
  }
  console.warn(`[bench-resample] ${dir} not found: using synthetic audio (noise + chirps, fixed seed)`);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const t = (i % 80000) / 16000;
    out[i] = 0.1 * (s / 2 ** 32 - 0.5) + 0.5 * Math.sin(2 * Math.PI * (100 * t + 300 * t * t));
  }
  return { samples: out, source: 'synthetic' };
}

function run(x: Float32Array, srcRateHz: number, backend: 'wasm' | 'ts'): Float32Array {
  const r = new StreamingResampler(srcRateHz, 16000, undefined, { backend });
  const block = Math.round(srcRateHz);
  const parts: Float32Array[] = [];
  for (let at = 0; at < x.length; at += block) parts.push(r.process(x.subarray(at, at + block)));
  parts.push(r.flush());
  return joinSamples(parts);
}

function best(x: Float32Array, srcRateHz: number, backend: 'wasm' | 'ts'): { best: number; all: number[]; out: Float32Array } {
  let out = run(x.subarray(0, Math.round(srcRateHz * 5)), srcRateHz, backend); // warm-up
  const all: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    out = run(x, srcRateHz, backend);
    all.push((performance.now() - t0) / 1000);
  }
  return { best: Math.min(...all), all, out };
}

const { samples, source } = await speech16k(Math.round(seconds * 16000));
console.log(`audio: ${seconds} s at each source rate (${source}), mono, 1 s blocks, best of ${repeats}`);
const fmt = (xs: number[]): string => xs.map((v) => v.toFixed(3)).join(' ');
for (const srcRateHz of [48000, 44100, 16000 * Math.SQRT2]) {
  const x = resample(samples, 16000, srcRateHz);
  const ts = best(x, srcRateHz, 'ts');
  const wasm = best(x, srcRateHz, 'wasm');
  let diff = 0;
  for (let i = 0; i < ts.out.length; i++) diff = Math.max(diff, Math.abs(ts.out[i] - wasm.out[i]));
  const perHour = (t: number): string => ((t / seconds) * 3600).toFixed(1);
  console.log(
    `${srcRateHz.toFixed(0).padStart(6)} Hz -> 16 kHz: ts best ${ts.best.toFixed(3)} s [${fmt(ts.all)}] (${perHour(ts.best)} s per audio hour); ` +
      `wasm best ${wasm.best.toFixed(3)} s [${fmt(wasm.all)}] (${perHour(wasm.best)} s per audio hour); ` +
      `speedup ${(ts.best / wasm.best).toFixed(1)}x; max |ts - wasm| ${diff.toExponential(2)}`,
  );
}
