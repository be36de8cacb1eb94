/**
 * A piscina pool of worker threads for batches, each worker owning one Engine (its ONNX
 * sessions are created on its first file, reused for the others, disposed by close()).
 * Threads: jobs x intra-op threads never exceeds the cores given.
 */
import '../runtime/onnxRuntimeEnv.js'; // before the workers load onnxruntime-node
import { availableParallelism, totalmem } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { checkNumber } from '../config/index.js';
import { workerEntry } from '../runtime/workerEntry.js';
import type { WorkerDiarizeOptions, WorkerProgress, WorkerReply, WorkerRequest } from '../pipeline/workerMessages.js';

export interface BatchPoolOptions {
  /** Worker threads, one engine each. */
  jobs: number;
  /** CPU threads to share among the jobs (default: all cores). */
  cores?: number;
}

/** Intra-op threads per job so that jobs x threads <= cores. */
export function threadsPerJob(jobs: number, cores: number): number {
  return Math.max(1, Math.floor(cores / jobs));
}

/**
 * Memory one job may take at its peak: an engine (ONNX sessions, about 200 MB) and a long film
 * in flight (single-engine peaks of 353-466 MB on 2 h films, bench:scale).
 */
export const JOB_PEAK_BYTES = 512 * 2 ** 20;

/**
 * The most jobs worth running here: each keeps one core busy, so more jobs than cores only add
 * memory (measured: --jobs 100 on 2 cores peaked at 7 GB and ran slower than 2), and all of them
 * must fit in half of the memory.
 */
export function maxJobs(cores = availableParallelism(), memoryBytes = totalmem()): number {
  return Math.max(1, Math.min(cores, Math.floor((memoryBytes * 0.5) / JOB_PEAK_BYTES)));
}

export type FileReply = Extract<WorkerReply, { type: 'done' | 'failed' | 'fatal' }>;

export class BatchPool {
  readonly jobs: number;
  readonly threads: number;
  private readonly piscina: Piscina<WorkerRequest, WorkerReply>;
  private closed = false;

  constructor(options: BatchPoolOptions) {
    this.jobs = checkNumber('jobs', options.jobs, { min: 1, max: 256, integer: true });
    const cores = checkNumber('cores', options.cores ?? availableParallelism(), { min: 1, max: 4096, integer: true });
    this.threads = threadsPerJob(this.jobs, cores);
    const { filename, execArgv } = workerEntry(import.meta.url, '../pipeline/worker');
    this.piscina = new Piscina<WorkerRequest, WorkerReply>({
      filename,
      execArgv,
      minThreads: this.jobs,
      maxThreads: this.jobs,
      // One file at a time per worker: its engine is single-use at a time.
      concurrentTasksPerWorker: 1,
      idleTimeout: 2 ** 31 - 1,
    });
  }

  /** Diarize one file in some worker. Never rejects: a crashed worker becomes a WORKER_FAILED reply. */
  async diarize(file: string, options: WorkerDiarizeOptions, onProgress?: (p: WorkerProgress) => void): Promise<FileReply> {
    const channel = onProgress ? new MessageChannel() : undefined;
    channel?.port1.on('message', (m: WorkerProgress) => onProgress?.(m));
    const t0 = performance.now();
    try {
      const req: WorkerRequest = { type: 'diarize', file, options, threads: this.threads };
      if (channel) req.progress = channel.port2;
      const reply = await this.piscina.run(req, channel ? { transferList: [channel.port2] } : {});
      if (reply.type === 'disposed') throw new Error('a worker answered a file with a dispose reply');
      return reply;
    } catch (e) {
      return {
        type: 'failed',
        file,
        error: {
          code: 'WORKER_FAILED',
          message: `${file}: the worker thread processing it stopped (${e instanceof Error ? e.message : String(e)}). The other files go on; process it alone with \`count-speakers ${file}\` to see the problem, or retry it in the batch with --retry-failed.`,
        },
        elapsedSec: (performance.now() - t0) / 1000,
      };
    } finally {
      channel?.port1.close();
    }
  }

  /** Dispose every worker's engine, then stop the threads. Returns how many engines were disposed. */
  async close(): Promise<number> {
    if (this.closed) return 0;
    this.closed = true;
    const barrier = new SharedArrayBuffer(4);
    let disposed = 0;
    try {
      const replies = await Promise.all(
        Array.from({ length: this.jobs }, () => this.piscina.run({ type: 'dispose', barrier, parties: this.jobs })),
      );
      for (const r of replies) if (r.type === 'disposed' && r.hadEngine) disposed++;
    } finally {
      await this.piscina.destroy();
    }
    return disposed;
  }
}
