/**
 * Feature worker thread: mel spectrograms of window audio with its own WASM instance (the TS
 * frontend if WASM cannot load), so the main thread can run the model meanwhile.
 */
import { parentPort } from 'node:worker_threads';
import { isCountSpeakersError } from '../errors/index.js';
import { VOICE_ENCODER_MEL_CONFIG } from './melConfig.js';
import { tsFeatureBackend } from './tsBackend.js';
import type { FeatureBackend } from './types.js';
import { createWasmBackend } from './wasmBackend.js';
import type { FeatureReply, FeatureRequest, TransferredMel } from './workerMessages.js';

let backend: FeatureBackend;
try {
  backend = createWasmBackend();
} catch {
  backend = tsFeatureBackend;
}

const port = parentPort;
if (!port) throw new Error('src/features/worker.ts must run in a worker thread');

port.on('message', (msg: FeatureRequest) => {
  if (msg.type === 'close') {
    backend.dispose?.();
    port.close();
    return;
  }
  try {
    const mels: (TransferredMel | null)[] = msg.segments.map((seg) => {
      if (seg === null) return null;
      const m = backend.melSpectrogram(seg, VOICE_ENCODER_MEL_CONFIG);
      return { data: m.data, frames: m.frames, melBands: m.melBands };
    });
    const transfer = mels.flatMap((m) => (m ? [m.data.buffer as ArrayBuffer] : []));
    const reply: FeatureReply = { type: 'mels', id: msg.id, mels, backend: backend.name };
    port.postMessage(reply, transfer);
  } catch (e) {
    const reply: FeatureReply = {
      type: 'error',
      id: msg.id,
      code: isCountSpeakersError(e) ? e.code : 'INTERNAL',
      message: e instanceof Error ? e.message : String(e),
    };
    port.postMessage(reply);
  }
});
