/**
 * One worker thread computing mel spectrograms for the pipeline (long inputs), with typed
 * messages and transferred buffers. Requests are answered in order; a crashed worker fails
 * every pending request with WORKER_FAILED.
 */
import { Worker } from 'node:worker_threads';
import { CountSpeakersError, type ErrorCode } from '../errors/index.js';
import { workerEntry } from '../runtime/workerEntry.js';
import type { MelSpectrogram } from './types.js';
import type { FeatureReply, FeatureRequest } from './workerMessages.js';

interface Pending {
  resolve: (mels: (MelSpectrogram | null)[]) => void;
  reject: (e: Error) => void;
}

export class FeatureWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  private constructor() {
    const { filename, execArgv } = workerEntry(import.meta.url, './worker');
    this.worker = new Worker(filename, { execArgv });
    this.worker.on('message', (reply: FeatureReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.type === 'mels') p.resolve(reply.mels);
      else p.reject(new CountSpeakersError(reply.code as ErrorCode, reply.message));
    });
    const fail = (why: string) => {
      this.failure = new CountSpeakersError(
        'WORKER_FAILED',
        `The feature worker thread stopped (${why}). Retry; if it persists, run with --threads 1 to compute features in the main thread, and report it.`,
      );
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    this.worker.on('error', (e) => fail(e.message));
    this.worker.on('exit', (code) => {
      if (code !== 0) fail(`exit code ${code}`);
    });
  }

  static start(): FeatureWorker {
    return new FeatureWorker();
  }

  /** Mels of each segment; the segments' buffers are transferred (unusable afterwards). */
  melSpectrograms(segments: (Float32Array | null)[]): Promise<(MelSpectrogram | null)[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    // Transfer whole buffers only: a subarray view would move its parent buffer with it.
    const owned = segments.map((s) => (s === null ? null : s.byteOffset === 0 && s.byteLength === s.buffer.byteLength ? s : s.slice()));
    const transfer = owned.flatMap((s) => (s ? [s.buffer as ArrayBuffer] : []));
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const msg: FeatureRequest = { type: 'mels', id, segments: owned };
      this.worker.postMessage(msg, transfer);
    });
  }

  async dispose(): Promise<void> {
    const msg: FeatureRequest = { type: 'close' };
    this.worker.postMessage(msg);
    await this.worker.terminate();
  }
}
