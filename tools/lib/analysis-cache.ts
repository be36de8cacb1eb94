/**
 * On-disk cache of FileAnalysis (the streaming pass: segmentation, embeddings, sex features),
 * so calibration and benchmarks re-run clustering and reconstruction without the models.
 * Keyed by the file's path, size and mtime, the segmentation config and the models.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readAudio } from '../../src/audio/index.js';
import { CampPlusEmbedder } from '../../src/embedding/campplus.js';
import type { Engine, FileAnalysis, PipelineConfig } from '../../src/pipeline/index.js';
import { rmsDb } from '../../src/pipeline/engine.js';
import { gatherChunk, localChunks } from '../../src/segmentation/chunks.js';

/** The shipped models the analysis depends on (a retrained sex model gives other rows). */
const MODELS_ID = (() => {
  const dir = fileURLToPath(new URL('../../models/', import.meta.url));
  const h = createHash('sha1');
  for (const f of ['segmentation-3.0.onnx', 'campplus.onnx', 'voice-encoder.onnx', 'sex-model.json']) {
    const p = path.join(dir, f);
    if (existsSync(p)) h.update(f === 'sex-model.json' ? readFileSync(p) : String(statSync(p).size));
  }
  return h.digest('hex');
})();

export async function cachedAnalysis(engine: Engine, file: string, cfg: PipelineConfig, cacheDir: string): Promise<FileAnalysis> {
  const st = statSync(file);
  const key = createHash('sha1')
    .update(JSON.stringify([path.resolve(file), st.size, st.mtimeMs, cfg.segmentation, MODELS_ID]))
    .digest('hex');
  const p = path.join(cacheDir, `${key}.json`);
  if (existsSync(p)) {
    const a = decode(JSON.parse(readFileSync(p, 'utf8')));
    if (a.chunks.every((c) => c.levelDb !== undefined)) return a;
    await fillChunkLevels(file, a, cfg);
    writeFileSync(p, JSON.stringify(encode(a)));
    return a;
  }
  const a = await engine.analyse(file, cfg);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(p, JSON.stringify(encode(a)));
  return a;
}

/** Chunk levels for analyses cached before they were kept: the same chunks, re-cut from the audio. */
async function fillChunkLevels(file: string, a: FileAnalysis, cfg: PipelineConfig): Promise<void> {
  const { samples } = await readAudio(file);
  const minSamples = Math.max(CampPlusEmbedder.minSamples(), Math.round(cfg.segmentation.minChunkSec * a.sampleRateHz));
  const maxSamples = Math.round(cfg.segmentation.maxChunkSec * a.sampleRateHz);
  const W = 10 * a.sampleRateHz;
  const byWindow = new Map<number, ReturnType<typeof localChunks>>();
  for (const c of a.chunks) {
    let list = byWindow.get(c.window);
    if (!list) {
      list = localChunks(a.windows[c.window].active, a.geometry, minSamples, maxSamples);
      byWindow.set(c.window, list);
    }
    const lc = list.find((l) => l.speaker === c.speaker)!;
    const start = a.windows[c.window].startSample;
    const win = new Float32Array(W);
    win.set(samples.subarray(start, Math.min(samples.length, start + W)));
    c.levelDb = rmsDb(gatherChunk(win, lc.ranges));
  }
}

function encode(a: FileAnalysis) {
  return {
    ...a,
    windows: a.windows.map((w) => ({ startSample: w.startSample, active: Buffer.from(w.active).toString('base64') })),
    embeddings: Buffer.from(a.embeddings.buffer, a.embeddings.byteOffset, a.embeddings.byteLength).toString('base64'),
    sexRows: a.sexRows.map((r) => Array.from(r)),
  };
}

function decode(o: ReturnType<typeof encode>): FileAnalysis {
  const emb = Buffer.from(o.embeddings, 'base64');
  return {
    ...o,
    windows: o.windows.map((w) => ({ startSample: w.startSample, active: new Uint8Array(Buffer.from(w.active, 'base64')) })),
    embeddings: new Float32Array(emb.buffer.slice(emb.byteOffset, emb.byteOffset + emb.byteLength)),
    sexRows: o.sexRows.map((r) => Float32Array.from(r)),
  };
}
