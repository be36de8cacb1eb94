/**
 * Speaker-verification benchmark of the engine's speaker embedding, CAM++ (src/embedding/campplus.ts;
 * prints figures, not a unit test).
 * Data: ../shared/data/librispeech (or $COUNT_SPEAKERS_DATA): 251 readers, one utterance each.
 * Each utterance is cut into two halves, each half embedded whole with CampPlusEmbedder.embed
 * and L2-normalised; scores are cosines. Trials:
 *   same speaker      = the two halves of one reader                      (251)
 *   different speaker = first half of reader A vs second half of reader B, all A != B (251 x 250)
 * Prints the equal error rate and the trial count, the same with different-speaker trials of the
 * same sex only, then the same trials on one 3 s chunk centred in each half (the engine embeds
 * at most 3 s of a chunk).
 * Usage: npm run eval:embeddings [-- --json out.json] [--threads 2] [--fbank wasm|ts]
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readAudio } from '../src/audio/index.js';
import { ENGINE_SAMPLE_RATE_HZ } from '../src/audio/types.js';
import { CampPlusEmbedder } from '../src/embedding/campplus.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');
const CHUNK_SEC = 3;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** The vector divided by its L2 norm, or null when it has none. */
function unit(v: Float32Array | null): Float32Array | null {
  if (v === null) return null;
  const n = Math.sqrt(dot(v, v));
  return n > 0 && Number.isFinite(n) ? v.map((x) => x / n) : null;
}

/** Up to CHUNK_SEC seconds centred in `half`. */
function centredChunk(half: Float32Array): Float32Array {
  const n = Math.min(half.length, CHUNK_SEC * ENGINE_SAMPLE_RATE_HZ);
  const start = Math.floor((half.length - n) / 2);
  return half.subarray(start, start + n);
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
  const fbank = arg('--fbank') as 'wasm' | 'ts' | undefined;
  const rows = readFileSync(csv, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [speaker, sex, file] = l.split(',');
      return { speaker, sex, file };
    });

  const enc = await CampPlusEmbedder.create({ threads, fbankBackend: fbank });
  try {
    const t0 = performance.now();
    const firstHalves: Float32Array[] = [];
    const secondHalves: Float32Array[] = [];
    const firstChunks: Float32Array[] = [];
    const secondChunks: Float32Array[] = [];
    const kept: typeof rows = [];
    let audioSec = 0;
    for (const r of rows) {
      const { samples } = await readAudio(path.join(dataDir, 'librispeech', r.file));
      const mid = Math.floor(samples.length / 2);
      audioSec += samples.length / ENGINE_SAMPLE_RATE_HZ;
      const halves = [samples.subarray(0, mid), samples.subarray(mid)];
      const [a, b] = [unit(await enc.embed(halves[0])), unit(await enc.embed(halves[1]))];
      const [ca, cb] = [unit(await enc.embed(centredChunk(halves[0]))), unit(await enc.embed(centredChunk(halves[1])))];
      if (a === null || b === null || ca === null || cb === null) {
        console.warn(`${r.file}: no finite embedding, left out`);
        continue;
      }
      firstHalves.push(a);
      secondHalves.push(b);
      firstChunks.push(ca);
      secondChunks.push(cb);
      kept.push(r);
    }
    const embedMs = performance.now() - t0;

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
    const ch = trialsOf(firstChunks, secondChunks);
    const chunkEer = equalErrorRate(ch.same, ch.diff);
    console.log(`CAM++ (${enc.modelPath}), ${enc.dim}-d, filterbank ${enc.fbankBackend}, ${threads} thread(s)`);
    console.log(
      `readers: ${kept.length} (${audioSec.toFixed(0)} s of audio, halves of ${(audioSec / kept.length / 2).toFixed(1)} s on average)`,
    );
    console.log(
      `EER: ${eerPercent.toFixed(2)} % at cosine ${threshold.toFixed(3)}  (trials: ${trials} = ${same.length} same + ${diff.length} different)`,
    );
    console.log(
      `EER, different-speaker trials of the same sex only: ${sameSex.eerPercent.toFixed(2)} % (${same.length + diffSameSex.length} trials)`,
    );
    console.log(
      `EER, one ${CHUNK_SEC} s chunk per half: ${chunkEer.eerPercent.toFixed(2)} % at cosine ${chunkEer.threshold.toFixed(3)} (same ${trials} trials)`,
    );
    console.log(`embedding time: ${(embedMs / 1000).toFixed(1)} s for ${2 * kept.length} halves and ${2 * kept.length} chunks`);

    if (jsonOut !== undefined) {
      writeFileSync(
        jsonOut,
        JSON.stringify(
          {
            model: 'campplus',
            eer: Number(eerPercent.toFixed(3)),
            eerSameSex: Number(sameSex.eerPercent.toFixed(3)),
            trials,
            eerChunks3s: Number(chunkEer.eerPercent.toFixed(3)),
          },
          null,
          2,
        ) + '\n',
      );
      console.log(`wrote ${jsonOut}`);
    }
  } finally {
    await enc.dispose();
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
