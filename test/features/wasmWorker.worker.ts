/** Worker used by wasmWorker.test.ts: computes a mel spectrogram with this thread's own WASM core. */
import { parentPort } from 'node:worker_threads';
import { VOICE_ENCODER_MEL_CONFIG } from '../../src/features/melConfig.js';
import { createWasmBackend } from '../../src/features/wasmBackend.js';

export type WorkerRequest = { type: 'mel'; samples: Float32Array };
export type WorkerReply = { type: 'mel'; data: Float32Array; frames: number } | { type: 'error'; code: string; message: string };

const backend = createWasmBackend();
parentPort?.on('message', (msg: WorkerRequest) => {
  try {
    const r = backend.melSpectrogram(msg.samples, VOICE_ENCODER_MEL_CONFIG);
    const reply: WorkerReply = { type: 'mel', data: r.data, frames: r.frames };
    parentPort?.postMessage(reply, [r.data.buffer as ArrayBuffer]);
  } catch (e) {
    const err = e as { code?: string; message: string };
    const reply: WorkerReply = { type: 'error', code: err.code ?? 'INTERNAL', message: err.message };
    parentPort?.postMessage(reply);
  }
});
