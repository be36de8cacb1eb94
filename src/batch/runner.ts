/**
 * Schedules the files of a batch on a BatchPool: longest first (by size on disk) so that the
 * last files to finish are short ones and the jobs end together; at most `jobs` files in
 * flight, so a kill loses no more than those. Results are handed to the caller as they come.
 */
import { CountSpeakersError, type ErrorCode } from '../errors/index.js';
import type { WorkerDiarizeOptions, WorkerProgress } from '../pipeline/workerMessages.js';
import type { BatchInput } from './discover.js';
import type { FileReply } from './pool.js';

export type FileResult = Extract<FileReply, { type: 'done' | 'failed' }>;

/** What the scheduler needs of a pool (BatchPool; an interface so the scheduling is testable alone). */
export interface FilePool {
  readonly jobs: number;
  diarize(file: string, options: WorkerDiarizeOptions, onProgress?: (p: WorkerProgress) => void): Promise<FileReply>;
}

export interface BatchHandlers {
  onStart?: (input: BatchInput) => void;
  onProgress?: (input: BatchInput, p: WorkerProgress) => void;
  /** Called once per file, in completion order; throwing stops the batch. */
  onResult: (input: BatchInput, result: FileResult) => void;
}

/** Longest-processing-time-first order; ties by key, so the order is reproducible. */
export function scheduleOrder(inputs: readonly BatchInput[]): BatchInput[] {
  return [...inputs].sort((a, b) => b.sizeBytes - a.sizeBytes || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Run every input through the pool. Resolves when all are done; rejects when the engine cannot
 * be created at all (models missing...) after the files in flight finish (those are reported).
 */
export async function runBatch(
  inputs: readonly BatchInput[],
  pool: FilePool,
  options: WorkerDiarizeOptions,
  handlers: BatchHandlers,
): Promise<void> {
  const queue = scheduleOrder(inputs);
  let next = 0;
  let fatal: Extract<FileReply, { type: 'fatal' }> | undefined;
  let handlerError: unknown;
  const lane = async (): Promise<void> => {
    while (next < queue.length && !fatal && handlerError === undefined) {
      const input = queue[next++];
      handlers.onStart?.(input);
      const reply = await pool.diarize(input.file, options, handlers.onProgress ? (p) => handlers.onProgress?.(input, p) : undefined);
      if (reply.type === 'fatal') {
        fatal ??= reply;
        continue;
      }
      try {
        handlers.onResult(input, reply);
      } catch (e) {
        handlerError ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(pool.jobs, queue.length) }, lane));
  if (handlerError !== undefined) throw handlerError;
  if (fatal) {
    // Codes come from the worker's own CountSpeakersError.
    throw new CountSpeakersError(fatal.error.code as ErrorCode, fatal.error.message);
  }
}
