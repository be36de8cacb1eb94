/**
 * Segmentation model speed: milliseconds per 10 s window of models/segmentation-3.0-film.onnx with
 * onnxruntime-node, at batch 1, 4 and 8, with 1 and 2 intra-op threads.
 *
 *   npm run bench:segmentation -- [--repeats 5] [--windows 16]
 *
 * Audio: consecutive 10 s windows of the AMI excerpts in ../shared/data/ami (synthetic noise +
 * chirps with a fixed seed when the folder is absent, said so). The content barely matters
 * (the graph does the same work on any input), but real audio keeps the numbers honest.
 * Timing: --windows windows per pass in batches of the given size, one warm-up pass, best of
 * --repeats passes (best-of filters out other processes on the shared machine).
 */
import { existsSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { readAudio } from '../src/audio/index.js';
import { OnnxSegmentationModel } from '../src/segmentation/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.COUNT_SPEAKERS_DATA ?? path.resolve(repoRoot, '../shared/data');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const repeats = Math.max(1, Number(arg('repeats') ?? '5'));
const windows = Math.max(8, Number(arg('windows') ?? '16'));

async function loadWindows(count: number, windowSamples: number): Promise<{ chunks: Float32Array; source: string }> {
  const chunks = new Float32Array(count * windowSamples);
  const dir = path.join(dataDir, 'ami');
  if (existsSync(dir)) {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.wav'))
      .sort();
    let k = 0;
    for (const f of files) {
      const s = (await readAudio(path.join(dir, f))).samples;
      for (let start = 0; start + windowSamples <= s.length && k < count; start += windowSamples) {
        chunks.set(s.subarray(start, start + windowSamples), k++ * windowSamples);
      }
      if (k === count) return { chunks, source: `consecutive 10 s windows of ${dir}/*.wav` };
    }
  }
  console.warn(`[bench-segmentation] ${dir} not found or too short: using synthetic audio (noise + chirps, fixed seed)`);
  let x = 12345;
  for (let i = 0; i < chunks.length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const t = (i % 80000) / 16000;
    chunks[i] = 0.05 * (x / 2 ** 32 - 0.5) + 0.3 * Math.sin(2 * Math.PI * (100 * t + 300 * t * t));
  }
  return { chunks, source: 'synthetic' };
}

async function main(): Promise<void> {
  const rows: string[] = [];
  let source = '';
  for (const threads of [1, 2]) {
    const model = await OnnxSegmentationModel.create({ threads });
    try {
      const loaded = await loadWindows(windows, model.windowSamples);
      source = loaded.source;
      for (const batch of [1, 4, 8]) {
        const pass = async (): Promise<number> => {
          const t0 = performance.now();
          for (let k = 0; k + batch <= windows; k += batch) {
            await model.run(loaded.chunks.subarray(k * model.windowSamples, (k + batch) * model.windowSamples), batch);
          }
          return performance.now() - t0;
        };
        await pass();
        let best = Infinity;
        for (let r = 0; r < repeats; r++) best = Math.min(best, await pass());
        const done = Math.floor(windows / batch) * batch;
        const perWindow = best / done;
        rows.push(
          `threads ${threads}  batch ${batch}:  ${perWindow.toFixed(1)} ms per 10 s window (${((perWindow * 360) / 1000).toFixed(1)} s per audio hour at a 10 s step, x10 at pyannote's 1 s step)`,
        );
        console.log(rows[rows.length - 1]);
      }
    } finally {
      await model.dispose();
    }
  }
  console.log(
    `\nsegmentation-3.0 (models/segmentation-3.0-film.onnx), onnxruntime-node, ${windows} windows per pass, best of ${repeats}; audio: ${source}; load average ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')} on this machine's cores`,
  );
}

await main();
