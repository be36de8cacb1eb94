/**
 * Messages between a batch pool and its worker threads (src/pipeline/worker.ts).
 * Plain data only (structured clone); progress goes over a MessagePort transferred with the task.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Diarization, DiarizeOptions, ProgressStage } from '../types.js';

/** The per-file options a worker accepts (threads are fixed per worker; progress goes over the port). */
export type WorkerDiarizeOptions = Omit<DiarizeOptions, 'onProgress' | 'threads'>;

export interface WorkerFailure {
  code: string;
  message: string;
}

export type WorkerRequest =
  | {
      type: 'diarize';
      file: string;
      options: WorkerDiarizeOptions;
      /** Intra-op threads of this worker's engine (used when the engine is created, on the first file). */
      threads: number;
      /** Receives WorkerProgress messages; transferred with the task, closed by the worker when done. */
      progress?: MessagePort;
    }
  | {
      /**
       * Dispose this worker's engine. The pool sends one per worker at once; each holds its worker
       * until all have arrived (a counter in `barrier`), so no worker receives two and none is missed.
       */
      type: 'dispose';
      barrier: SharedArrayBuffer;
      parties: number;
    };

export type WorkerReply =
  | { type: 'done'; file: string; diarization: Diarization; elapsedSec: number }
  | { type: 'failed'; file: string; error: WorkerFailure; elapsedSec: number }
  /** The engine itself could not be created (models missing...): no file can succeed. */
  | { type: 'fatal'; file: string; error: WorkerFailure }
  | { type: 'disposed'; hadEngine: boolean; barrierComplete: boolean };

export interface WorkerProgress {
  type: 'progress';
  file: string;
  stage: ProgressStage;
  fraction: number;
}
