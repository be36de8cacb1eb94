/**
 * Piscina worker of `count-speakers batch`: owns one Engine (ONNX sessions, WASM core), created
 * on the first file and reused for every later file of this thread, disposed on request.
 */
import { performance } from 'node:perf_hooks';
import { describeFailure } from '../errors/index.js';
import { Engine } from './engine.js';
import type { WorkerProgress, WorkerReply, WorkerRequest } from './workerMessages.js';

let engine: Promise<Engine> | undefined;

/** Progress posts at most every 250 ms (and at stage changes): enough for a bar, cheap for the thread. */
const PROGRESS_MIN_MS = 250;

export default async function handle(req: WorkerRequest): Promise<WorkerReply> {
  switch (req.type) {
    case 'diarize': {
      let e: Engine;
      try {
        engine ??= Engine.create({ threads: req.threads });
        e = await engine;
      } catch (err) {
        engine = undefined;
        req.progress?.close();
        return { type: 'fatal', file: req.file, error: describeFailure(err) };
      }
      const t0 = performance.now();
      let lastPost = 0;
      let lastStage = '';
      try {
        const diarization = await e.diarize(req.file, {
          ...req.options,
          onProgress: (p) => {
            const now = performance.now();
            if (!req.progress || (now - lastPost < PROGRESS_MIN_MS && p.stage === lastStage)) return;
            lastPost = now;
            lastStage = p.stage;
            const msg: WorkerProgress = { type: 'progress', file: req.file, stage: p.stage, fraction: p.fraction };
            req.progress.postMessage(msg);
          },
        });
        return { type: 'done', file: req.file, diarization, elapsedSec: (performance.now() - t0) / 1000 };
      } catch (err) {
        return { type: 'failed', file: req.file, error: describeFailure(err), elapsedSec: (performance.now() - t0) / 1000 };
      } finally {
        req.progress?.close();
      }
    }
    case 'dispose': {
      const counter = new Int32Array(req.barrier);
      Atomics.add(counter, 0, 1);
      const had = engine !== undefined;
      const pending = engine;
      engine = undefined;
      if (pending) await (await pending.catch(() => undefined))?.dispose();
      // Hold this worker until every dispose task has been taken by a distinct worker.
      const deadline = performance.now() + 10_000;
      while (Atomics.load(counter, 0) < req.parties && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
      }
      return { type: 'disposed', hadEngine: had, barrierComplete: Atomics.load(counter, 0) >= req.parties };
    }
  }
}
