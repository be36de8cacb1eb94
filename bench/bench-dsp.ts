/**
 * Feature frontend benchmark, single thread, same audio, in one run:
 * - the voice encoder's mel frontend (VOICE_ENCODER_MEL_CONFIG: n_fft 400, hop 160, 40 slaney
 *   mels, centre zero padding, power) with the TypeScript backend (mixed-radix FFT for
 *   n_fft=400, src/features/tsBackend.ts) and with the WASM SIMD core;
 * - CAM++'s Kaldi filterbank (CAMPPLUS_FBANK_CONFIG: 25/10 ms, FFT 512, 80 bins, log) with the
 *   TypeScript implementation (src/features/kaldiFbank.ts, fft.js) and the WASM core.
 *
 *   npm run bench:dsp -- [--json out.json] [--minutes 10] [--repeats 5]
 *
 * Audio: LibriSpeech utterances from ../shared/data/librispeech concatenated and tiled to
 * --minutes; synthetic noise + chirps (fixed seed) when the folder is absent (said so).
 * Timing: best of --repeats runs of melSpectrogram on the whole signal after one warm-up
 * (best-of filters out other processes on the shared 2-core machine).
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { readAudio } from '../src/audio/index.js';
import { CAMPPLUS_FBANK_CONFIG, kaldiFbank } from '../src/features/kaldiFbank.js';
import { VOICE_ENCODER_MEL_CONFIG } from '../src/features/melConfig.js';
import { TsFeatureBackend } from '../src/features/tsBackend.js';
import type { FeatureBackend, MelConfig, MelSpectrogram } from '../src/features/types.js';
import { createWasmBackend } from '../src/features/wasmBackend.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const minutes = Number(arg('minutes') ?? '10');
const repeats = Math.max(1, Number(arg('repeats') ?? '5'));
const jsonOut = arg('json');
const SR = 16000;

async function loadAudio(targetSamples: number): Promise<{ samples: Float32Array; source: string }> {
  const dir = path.join(dataDir, 'librispeech');
  const out = new Float32Array(targetSamples);
  if (existsSync(dir)) {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.wav'))
      .sort()
      .slice(0, 20);
    const clips = await Promise.all(files.map(async (f) => (await readAudio(path.join(dir, f))).samples));
    let pos = 0;
    while (pos < targetSamples) {
      for (const c of clips) {
        const n = Math.min(c.length, targetSamples - pos);
        out.set(c.subarray(0, n), pos);
        pos += n;
        if (pos >= targetSamples) break;
      }
    }
    return { samples: out, source: `${files.length} LibriSpeech files from ${dir}, tiled` };
  }
  console.warn(`[bench-dsp] ${dir} not found: using synthetic audio (noise + chirps, fixed seed)`);
  let s = 12345;
  for (let i = 0; i < targetSamples; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const t = (i % (SR * 5)) / SR;
    out[i] = 0.1 * (s / 2 ** 32 - 0.5) + 0.5 * Math.sin(2 * Math.PI * (100 * t + 300 * t * t));
  }
  return { samples: out, source: 'synthetic' };
}

function timeFn(run: (x: Float32Array) => MelSpectrogram, samples: Float32Array): { best: number; all: number[]; result: MelSpectrogram } {
  let result = run(samples.subarray(0, SR * 20)); // warm-up (JIT, plans)
  const all: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    result = run(samples);
    all.push((performance.now() - t0) / 1000);
  }
  return { best: Math.min(...all), all, result };
}

function time(backend: FeatureBackend, samples: Float32Array, config: MelConfig): { best: number; all: number[]; result: MelSpectrogram } {
  return timeFn((x) => backend.melSpectrogram(x, config), samples);
}

const config = VOICE_ENCODER_MEL_CONFIG;
const { samples, source } = await loadAudio(Math.round(minutes * 60 * SR));
const audioSec = samples.length / SR;
console.log(
  `audio: ${audioSec.toFixed(1)} s (${source}); config: n_fft ${config.fftSize}, hop ${config.hopSamples}, ${config.melBands} mels, ${config.padMode} centre padding, ${config.spectrum}`,
);

const ts = new TsFeatureBackend();
const wasm = createWasmBackend();
try {
  const tsRun = time(ts, samples, config);
  const wasmRun = time(wasm, samples, config);

  // Same numbers (sanity): worst per-frame error relative to the frame max.
  let worst = 0;
  const a = tsRun.result.data;
  const b = wasmRun.result.data;
  const bands = config.melBands;
  if (tsRun.result.frames !== wasmRun.result.frames)
    throw new Error(`frame counts differ: ts ${tsRun.result.frames}, wasm ${wasmRun.result.frames}`);
  for (let t = 0; t < tsRun.result.frames; t++) {
    let maxRef = 0;
    let maxErr = 0;
    for (let m = 0; m < bands; m++) {
      maxRef = Math.max(maxRef, Math.abs(a[t * bands + m]));
      maxErr = Math.max(maxErr, Math.abs(a[t * bands + m] - b[t * bands + m]));
    }
    if (maxRef > 0) worst = Math.max(worst, maxErr / maxRef);
  }

  const speedupVsFftJs = tsRun.best / wasmRun.best;
  const featureSecondsPerAudioHour = (wasmRun.best / audioSec) * 3600;
  const fmt = (xs: number[]): string => xs.map((x) => x.toFixed(3)).join(' ');
  console.log(`frames: ${wasmRun.result.frames}`);
  console.log(
    `ts (fft.js) backend: best ${tsRun.best.toFixed(3)} s  [runs: ${fmt(tsRun.all)}]  -> ${((tsRun.best / audioSec) * 3600).toFixed(2)} s per audio hour`,
  );
  console.log(
    `wasm SIMD core:      best ${wasmRun.best.toFixed(3)} s  [runs: ${fmt(wasmRun.all)}]  -> ${featureSecondsPerAudioHour.toFixed(3)} s per audio hour`,
  );
  console.log(
    `speedupVsFftJs: ${speedupVsFftJs.toFixed(2)} (target >= 3); featureSecondsPerAudioHour: ${featureSecondsPerAudioHour.toFixed(3)} (target <= 2)`,
  );
  console.log(`max per-frame relative difference ts vs wasm: ${worst.toExponential(2)}`);

  // CAM++'s Kaldi filterbank.
  const fb = CAMPPLUS_FBANK_CONFIG;
  console.log(`\nKaldi fbank (CAM++): ${fb.windowSamples}/${fb.hopSamples} samples, FFT 512, ${fb.melBands} bins, log, snip_edges`);
  const kTs = timeFn((x) => kaldiFbank(x, fb), samples);
  const kWasm = timeFn((x) => wasm.kaldiFbank(x, fb), samples);
  if (kTs.result.frames !== kWasm.result.frames)
    throw new Error(`Kaldi frame counts differ: ts ${kTs.result.frames}, wasm ${kWasm.result.frames}`);
  let kWorst = 0;
  for (let i = 0; i < kTs.result.data.length; i++) kWorst = Math.max(kWorst, Math.abs(kTs.result.data[i] - kWasm.result.data[i]));
  const kaldiTsPerHour = (kTs.best / audioSec) * 3600;
  const kaldiWasmPerHour = (kWasm.best / audioSec) * 3600;
  console.log(`frames: ${kWasm.result.frames}`);
  console.log(
    `ts (fft.js, float64):   best ${kTs.best.toFixed(3)} s  [runs: ${fmt(kTs.all)}]  -> ${kaldiTsPerHour.toFixed(2)} s per audio hour`,
  );
  console.log(
    `wasm core (f64x2 SIMD): best ${kWasm.best.toFixed(3)} s  [runs: ${fmt(kWasm.all)}]  -> ${kaldiWasmPerHour.toFixed(2)} s per audio hour`,
  );
  console.log(`kaldi speedup wasm vs ts: ${(kTs.best / kWasm.best).toFixed(2)}; max |ts - wasm| (log units): ${kWorst.toExponential(2)}`);
  if (jsonOut !== undefined) {
    writeFileSync(
      jsonOut,
      JSON.stringify({ speedupVsFftJs, featureSecondsPerAudioHour, kaldiTsPerHour, kaldiWasmPerHour }, null, 2) + '\n',
    );
    console.log(`wrote ${jsonOut}`);
  }
} finally {
  wasm.dispose();
}
