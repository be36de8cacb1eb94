/**
 * Worker threads each instantiate their own WASM core (module state is per thread); results
 * computed in a worker equal those of the main thread bit for bit.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { VOICE_ENCODER_MEL_CONFIG } from '../../src/features/melConfig.js';
import { createWasmBackend } from '../../src/features/wasmBackend.js';
import type { WorkerReply, WorkerRequest } from './wasmWorker.worker.js';

function signal(n: number, phase: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin(0.031 * i + phase) + 0.2 * Math.sin(0.47 * i);
  return x;
}

function ask(worker: Worker, req: WorkerRequest): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    worker.once('message', (m: WorkerReply) => resolve(m));
    worker.once('error', reject);
    worker.postMessage(req, [req.samples.buffer as ArrayBuffer]);
  });
}

describe('wasm core in worker threads', () => {
  it('two workers compute the same mel spectrogram as the main thread', async () => {
    const url = new URL('./wasmWorker.worker.ts', import.meta.url).href;
    // The worker loads the TypeScript sources through tsx's ESM API (a devDependency; the .mjs
    // build sits next to the .cjs that require.resolve finds); the engine's own
    // workers run compiled JS and need none of this.
    const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
    const boot = `import(${JSON.stringify(tsxApi)}).then((m) => m.tsImport(${JSON.stringify(url)}, ${JSON.stringify(url)}))`;
    const workers = [0, 1].map(() => new Worker(boot, { eval: true }));
    try {
      const main = createWasmBackend();
      const inputs = [signal(48_000, 0.1), signal(33_333, 0.7)];
      const expected = inputs.map((x) => main.melSpectrogram(x, VOICE_ENCODER_MEL_CONFIG));
      main.dispose();
      const replies = await Promise.all(workers.map((w, i) => ask(w, { type: 'mel', samples: inputs[i].slice() })));
      replies.forEach((r, i) => {
        expect(r.type).toBe('mel');
        if (r.type !== 'mel') return;
        expect(r.frames).toBe(expected[i].frames);
        expect(Buffer.from(r.data.buffer).equals(Buffer.from(expected[i].data.buffer))).toBe(true);
      });
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  });
});
