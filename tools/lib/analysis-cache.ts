/**
 * On-disk cache of FileAnalysis (the streaming pass: segmentation, embeddings, sex features),
 * so calibration and benchmarks re-run clustering and reconstruction without the models.
 * Keyed by the file's path, size and mtime, the segmentation config and the models.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine, FileAnalysis, PipelineConfig } from '../../src/pipeline/index.js';

/**
 * Bump when the streaming pass changes what it computes for the same file and config (which
 * frames are embedded, how): stale analyses are then not read.
 */
const ANALYSIS_VERSION = 5;

/**
 * The shipped models the analysis depends on, by content: a retrained model keeps its size (sex
 * rows depend on the sex model's feature blocks, not its weights).
 */
const MODELS_ID = (() => {
  const dir = fileURLToPath(new URL('../../models/', import.meta.url));
  const h = createHash('sha1');
  for (const f of ['segmentation-3.0-film.onnx', 'campplus.onnx', 'voice-encoder.onnx', 'speech-music.onnx']) {
    const p = path.join(dir, f);
    if (existsSync(p)) h.update(readFileSync(p));
  }
  const sexModel = path.join(dir, 'sex-model.json');
  if (existsSync(sexModel)) h.update(JSON.stringify((JSON.parse(readFileSync(sexModel, 'utf8')) as { blocks?: unknown }).blocks));
  return h.digest('hex');
})();

/** The settings that change what is computed (the batch size only changes speed and memory). */
function resultShaping(cfg: PipelineConfig): unknown {
  // Always 8, the former default, so analyses cached with it stay valid (key order kept).
  return [{ ...cfg.segmentation, batchWindows: 8 }, cfg.speechMusic.patchStepFrames];
}

export async function cachedAnalysis(engine: Engine, file: string, cfg: PipelineConfig, cacheDir: string): Promise<FileAnalysis> {
  const st = statSync(file);
  const key = createHash('sha1')
    .update(JSON.stringify([ANALYSIS_VERSION, path.resolve(file), st.size, st.mtimeMs, resultShaping(cfg), MODELS_ID]))
    .digest('hex');
  const p = path.join(cacheDir, `${key}.json`);
  if (existsSync(p)) return decode(JSON.parse(readFileSync(p, 'utf8')));
  const a = await engine.analyse(file, cfg);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(p, JSON.stringify(encode(a)));
  return a;
}

function encode(a: FileAnalysis) {
  return {
    ...a,
    windows: a.windows.map((w) => ({ startSample: w.startSample, active: Buffer.from(w.active).toString('base64') })),
    embeddings: Buffer.from(a.embeddings.buffer, a.embeddings.byteOffset, a.embeddings.byteLength).toString('base64'),
    sexRows: a.sexRows.map((r) => Array.from(r)),
    chunks: a.chunks.map((c) => ({ ...c, musicProbs: Array.from(c.musicProbs) })),
  };
}

function decode(o: ReturnType<typeof encode>): FileAnalysis {
  const emb = Buffer.from(o.embeddings, 'base64');
  return {
    ...o,
    windows: o.windows.map((w) => ({ startSample: w.startSample, active: new Uint8Array(Buffer.from(w.active, 'base64')) })),
    embeddings: new Float32Array(emb.buffer.slice(emb.byteOffset, emb.byteOffset + emb.byteLength)),
    sexRows: o.sexRows.map((r) => Float32Array.from(r)),
    // JSON writes NaN as null.
    chunks: o.chunks.map((c) => ({ ...c, levelSpreadDb: c.levelSpreadDb ?? Number.NaN, musicProbs: Float32Array.from(c.musicProbs) })),
  };
}
