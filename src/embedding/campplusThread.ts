/**
 * CAM++ on its own worker thread, so the speaker model runs on a second core while the calling
 * thread runs segmentation and the sex features: embed() posts the chunk and resolves when the
 * thread answers, in order. Same numbers as CampPlusEmbedder (the same code runs in the thread).
 */
import { Worker } from 'node:worker_threads';
import { CountSpeakersError, type ErrorCode } from '../errors/index.js';
import { workerEntry } from '../runtime/workerEntry.js';
import type { CampPlusOptions } from './campplus.js';
import type { CampPlusThreadData, CampPlusThreadReply, CampPlusThreadRequest } from './threadMessages.js';
import type { SpeakerEmbedder } from './types.js';

type Pending = { resolve: (e: Float32Array | null) => void; reject: (e: unknown) => void };

export class CampPlusThread implements SpeakerEmbedder {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private failure: CountSpeakersError | null = null;
  private disposed: Promise<void> | null = null;
  private restarting: Promise<void> | null = null;

  private constructor(
    private worker: Worker,
    readonly dim: number,
    private readonly options: CampPlusOptions,
  ) {
    this.listen(worker);
  }

  /** Start the thread and open the model in it; rejects with the model's own error (MODEL_MISSING...). */
  static async create(options: CampPlusOptions = {}): Promise<CampPlusThread> {
    const { worker, dim } = await startThread(options);
    return new CampPlusThread(worker, dim, options);
  }

  embed(samples: Float32Array): Promise<Float32Array | null> {
    if (this.disposed !== null)
      return Promise.reject(new CountSpeakersError('INTERNAL', 'CAM++ thread: embed() after dispose(); create a new engine.'));
    // The chunks in flight when the thread died were rejected (their file fails); later chunks,
    // the next file's in a batch, go to a new thread instead of failing too.
    if (this.failure !== null) {
      this.restarting ??= this.restart().finally(() => {
        this.restarting = null;
      });
      return this.restarting.then(() => this.embed(samples));
    }
    const id = this.nextId++;
    const req: CampPlusThreadRequest = { type: 'embed', id, samples };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(req);
    });
  }

  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      if (this.failure === null) {
        const done = new Promise<void>((resolve) => {
          this.worker.on('message', (m: CampPlusThreadReply) => m.type === 'disposed' && resolve());
          this.worker.once('exit', () => resolve());
        });
        const req: CampPlusThreadRequest = { type: 'dispose' };
        this.worker.postMessage(req);
        await done;
      }
      await this.worker.terminate();
      this.fail(new CountSpeakersError('INTERNAL', 'CAM++ thread: disposed while a chunk was being embedded.'));
    })();
    return this.disposed;
  }

  private listen(worker: Worker): void {
    worker.on('message', (m: CampPlusThreadReply) => {
      if (m.type === 'embedded') this.settle(m.id, (p) => p.resolve(m.embedding));
      else if (m.type === 'error' && m.id !== undefined) this.settle(m.id, (p) => p.reject(rebuild(m.error)));
    });
    worker.on('error', (e) => worker === this.worker && this.fail(e));
    worker.on('exit', (code) => {
      if (worker === this.worker && this.disposed === null) this.fail(new Error(`the thread exited with code ${code}`));
    });
  }

  /** A new thread after a failure; rejects with the reason it could not start (the failure stays). */
  private async restart(): Promise<void> {
    await this.worker.terminate().catch(() => undefined);
    const { worker } = await startThread(this.options);
    if (this.disposed !== null) {
      await worker.terminate();
      return;
    }
    this.worker = worker;
    this.listen(worker);
    this.failure = null;
  }

  private settle(id: number, f: (p: Pending) => void): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    f(p);
  }

  private fail(e: unknown): void {
    this.failure ??= e instanceof CountSpeakersError ? e : threadFailed(e);
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }
}

/** A thread with the model open in it; rejects with the model's own error (MODEL_MISSING...). */
async function startThread(options: CampPlusOptions): Promise<{ worker: Worker; dim: number }> {
  const { filename, execArgv } = workerEntry(import.meta.url, './campplusWorker');
  const data: CampPlusThreadData = { modelPath: options.modelPath, threads: options.threads ?? 1, fbankBackend: options.fbankBackend };
  const worker = new Worker(filename, { execArgv, workerData: data });
  try {
    let onMessage: (m: CampPlusThreadReply) => void = () => undefined;
    let onError: (e: Error) => void = () => undefined;
    let onExit: (code: number) => void = () => undefined;
    const dim = await new Promise<number>((resolve, reject) => {
      onMessage = (m) => {
        if (m.type === 'ready') resolve(m.dim);
        else if (m.type === 'error') reject(rebuild(m.error));
        else reject(new CountSpeakersError('WORKER_FAILED', `CAM++ thread: expected 'ready' first, received '${m.type}'.`));
      };
      onError = (e) => reject(threadFailed(e));
      onExit = (code) => reject(threadFailed(new Error(`the thread exited with code ${code} before the model opened`)));
      worker.once('message', onMessage).once('error', onError).once('exit', onExit);
    });
    // Only these listeners: Worker keeps its own, which start and stop its message port.
    worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    return { worker, dim };
  } catch (e) {
    await worker.terminate();
    throw e;
  }
}

function threadFailed(e: unknown): CountSpeakersError {
  return new CountSpeakersError(
    'WORKER_FAILED',
    `CAM++ thread failed: ${e instanceof Error ? e.message : String(e)}. Expected it to embed chunks until disposed; retry, or report a bug with the file that caused it.`,
    { cause: e },
  );
}

function rebuild(error: { code: string; message: string; file?: string }): CountSpeakersError {
  return new CountSpeakersError(error.code as ErrorCode, error.message, error.file !== undefined ? { file: error.file } : undefined);
}
