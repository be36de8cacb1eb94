/** Public library API. */
import { Engine, type EngineOptions } from './engine.js';
import type { Counts, Diarization, DiarizeOptions } from '../types.js';

export { Engine, type EngineOptions, type FileAnalysis, type AnalysedChunk } from './engine.js';
export { assembleDiarization } from './assemble.js';
export { DEFAULT_PIPELINE_CONFIG, validatePipelineConfig, mergeOverrides, type PipelineConfig, type PipelineOverrides } from './config.js';

export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  return Engine.create(options);
}

/** Diarize one file: speakers (sex, confidence, speech seconds) and turns. Loads and disposes the models. */
export async function diarize(file: string, options: DiarizeOptions = {}): Promise<Diarization> {
  const engine = await Engine.create(options.threads !== undefined ? { threads: options.threads } : {});
  try {
    return await engine.diarize(file, options);
  } finally {
    await engine.dispose();
  }
}

/** How many distinct men (M) and women (F) speak in the file. */
export async function countSpeakers(file: string, options: DiarizeOptions = {}): Promise<Counts> {
  return { ...(await diarize(file, options)).counts };
}
export type * from '../types.js';
