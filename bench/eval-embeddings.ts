/**
 * Speaker-verification benchmark of the voice encoder (prints figures; not a unit test).
 * Data: ../shared/data/librispeech (or $COUNT_SPEAKERS_DATA): 251 readers, one utterance each.
 * Each utterance is cut into two halves, each half embedded with embedUtterance (the engine's
 * WAV loader, volume normalisation, Resemblyzer partials). Trials:
 *   same speaker      = the two halves of one reader                      (251)
 *   different speaker = first half of reader A vs second half of reader B, all A != B (251 x 250)
 * Prints the equal error rate and the trial count; then the same trials on one 1.5 s window per
 * half embedded with embedWindows (what the diarization pipeline calls), and its speed on 64 windows.
 * Usage: npm run eval:embeddings [-- --json out.json] [--threads 2] [--frontend ts|wasm]
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readAudio } from '../src/audio/index.js';
import { embedUtterance, embedWindows, OnnxVoiceEncoder } from '../src/embedding/index.js';
import { tsFeatureBackend } from '../src/features/tsBackend.js';
import type { FeatureBackend } from '../src/features/types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** EER in percent: the point where false rejections (same < t) equal false acceptances (diff >= t), interpolated. */
function equalErrorRate(same: number[], diff: number[]): { eerPercent: number; threshold: number } {
  const scores = [...same.map((s) => ({ s, pos: true })), ...diff.map((s) => ({ s, pos: false }))].sort((a, b) => a.s - b.s);
  let fr = 0; // same-speaker trials at or below the current threshold
  let fa = diff.length; // different-speaker trials above it
  let prev = { frr: 0, far: 1, t: -Infinity };
  for (const { s, pos } of scores) {
    if (pos) fr++;
    else fa--;
    const frr = fr / same.length;
    const far = fa / diff.length;
    if (frr >= far) {
      // Linear interpolation between the last two operating points.
      const d0 = prev.far - prev.frr;
      const d1 = frr - far;
      const w = d0 + d1 > 0 ? d0 / (d0 + d1) : 0;
      return { eerPercent: 100 * (prev.frr + w * (frr - prev.frr)), threshold: s };
    }
    prev = { frr, far, t: s };
  }
  return { eerPercent: 100 * prev.frr, threshold: prev.t };
}

async function main(): Promise<number> {
  const csv = path.join(dataDir, 'librispeech', 'speakers.csv');
  if (!existsSync(csv)) {
    console.error(`eval:embeddings: ${csv} not found; set COUNT_SPEAKERS_DATA to the shared data folder.`);
    return 2;
  }
  const threads = Number(arg('--threads') ?? 2);
  const jsonOut = arg('--json');
  let frontend: FeatureBackend = tsFeatureBackend;
  if (arg('--frontend') === 'wasm') {
    const { createWasmBackend } = await import('../src/features/wasmBackend.js');
    frontend = createWasmBackend();
  }
  const rows = readFileSync(csv, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [speaker, sex, file] = l.split(',');
      return { speaker, sex, file };
    });

  const enc = await OnnxVoiceEncoder.create({ threads });
  try {
    const t0 = performance.now();
    const firstHalves: Float32Array[] = [];
    const secondHalves: Float32Array[] = [];
    const firstWindows: Float32Array[] = [];
    const secondWindows: Float32Array[] = [];
    const kept: typeof rows = [];
    let audioSec = 0;
    let windowMs = 0;
    for (const r of rows) {
      const { samples } = await readAudio(path.join(dataDir, 'librispeech', r.file));
      const mid = Math.floor(samples.length / 2);
      const durSec = samples.length / 16000;
      audioSec += durSec;
      const a = await embedUtterance(samples.subarray(0, mid), enc, { frontend });
      const b = await embedUtterance(samples.subarray(mid), enc, { frontend });
      // One 1.5 s window centred in each half (kept inside the file for the shortest readers).
      const w = (centreSec: number) => {
        const startSec = Math.min(Math.max(0, centreSec - 0.75), Math.max(0, durSec - 1.5));
        return { startSec, endSec: Math.min(durSec, startSec + 1.5) };
      };
      const tw = performance.now();
      const wins = await embedWindows(samples, [w(durSec / 4), w((3 * durSec) / 4)], enc, { frontend });
      windowMs += performance.now() - tw;
      if (a === null || b === null || wins.vectors[0] === null || wins.vectors[1] === null) {
        console.warn(`${r.file}: no finite embedding, left out`);
        continue;
      }
      firstHalves.push(a);
      secondHalves.push(b);
      firstWindows.push(wins.vectors[0]);
      secondWindows.push(wins.vectors[1]);
      kept.push(r);
    }
    const embedMs = performance.now() - t0 - windowMs;

    const trialsOf = (first: Float32Array[], second: Float32Array[]) => {
      const same: number[] = [];
      const diff: number[] = [];
      const diffSameSex: number[] = [];
      for (let i = 0; i < kept.length; i++) {
        same.push(dot(first[i], second[i]));
        for (let j = 0; j < kept.length; j++) {
          if (i === j) continue;
          const s = dot(first[i], second[j]);
          diff.push(s);
          if (kept[i].sex === kept[j].sex) diffSameSex.push(s);
        }
      }
      return { same, diff, diffSameSex };
    };
    const { same, diff, diffSameSex } = trialsOf(firstHalves, secondHalves);
    const { eerPercent, threshold } = equalErrorRate(same, diff);
    const sameSex = equalErrorRate(same, diffSameSex);
    const trials = same.length + diff.length;
    const win = trialsOf(firstWindows, secondWindows);
    const winEer = equalErrorRate(win.same, win.diff);
    console.log(`readers: ${kept.length} (${audioSec.toFixed(0)} s of audio, halves of ${(audioSec / kept.length / 2).toFixed(1)} s on average)`);
    console.log(`EER: ${eerPercent.toFixed(2)} % at cosine ${threshold.toFixed(3)}  (trials: ${trials} = ${same.length} same + ${diff.length} different)`);
    console.log(`EER, different-speaker trials of the same sex only: ${sameSex.eerPercent.toFixed(2)} % (${same.length + diffSameSex.length} trials)`);
    console.log(`EER, one 1.5 s window per half (embedWindows): ${winEer.eerPercent.toFixed(2)} % at cosine ${winEer.threshold.toFixed(3)} (same ${trials} trials)`);
    console.log(`embedding time: ${(embedMs / 1000).toFixed(1)} s for ${2 * kept.length} halves, ${(windowMs / 1000).toFixed(1)} s for ${2 * kept.length} windows (frontend ${frontend.name}, ${threads} thread(s))`);

    // Speed of the pipeline's call: 64 windows of 1.5 s cut from the readers' audio.
    const { samples } = await readAudio(path.join(dataDir, 'librispeech', rows[0].file));
    const windows = Array.from({ length: 64 }, (_, i) => {
      const start = (i * 0.13) % Math.max(0.01, samples.length / 16000 - 1.5);
      return { startSec: start, endSec: start + 1.5 };
    });
    await embedWindows(samples, windows.slice(0, 4), enc, { frontend }); // warm-up
    const runs = 5;
    const times: number[] = [];
    for (let k = 0; k < runs; k++) {
      const t = performance.now();
      const r = await embedWindows(samples, windows, enc, { frontend });
      times.push(performance.now() - t);
      if (r.skipped.length > 0) console.warn(`speed run: ${r.skipped.length} windows skipped`);
    }
    times.sort((a, b) => a - b);
    const msPer64 = times[Math.floor(runs / 2)];
    console.log(`embedWindows: ${msPer64.toFixed(0)} ms per 64 windows of 1.5 s (median of ${runs}; ~4000 windows per audio hour -> ${((msPer64 * 4000) / 64 / 1000).toFixed(0)} s per hour)`);

    if (jsonOut !== undefined) {
      writeFileSync(jsonOut, JSON.stringify({ eer: Number(eerPercent.toFixed(3)), trials, eerWindows1500ms: Number(winEer.eerPercent.toFixed(3)), msPer64Windows: Math.round(msPer64) }, null, 2) + '\n');
      console.log(`wrote ${jsonOut}`);
    }
  } finally {
    await enc.dispose();
    frontend.dispose?.();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
