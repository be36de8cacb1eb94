/**
 * Worker thread of CampPlusThread: owns one CampPlusEmbedder (its ONNX session and WASM core),
 * created when the thread starts, reused for every chunk, disposed on request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeFailure, isCountSpeakersError } from '../errors/index.js';
import { CampPlusEmbedder } from './campplus.js';
import type { CampPlusThreadData, CampPlusThreadReply, CampPlusThreadRequest } from './threadMessages.js';

const port = parentPort;
if (port === null) throw new Error('campplusWorker.ts runs only as a worker thread (new CampPlusThread()).');
const post = (m: CampPlusThreadReply) => port.postMessage(m);
const failure = (e: unknown) => ({ ...describeFailure(e), ...(isCountSpeakersError(e) && e.file !== undefined ? { file: e.file } : {}) });

let embedder: CampPlusEmbedder | null = null;
try {
  embedder = await CampPlusEmbedder.create(workerData as CampPlusThreadData);
  post({ type: 'ready', dim: embedder.dim });
} catch (e) {
  post({ type: 'error', error: failure(e) });
  port.close();
}

port.on('message', async (req: CampPlusThreadRequest) => {
  switch (req.type) {
    case 'embed': {
      try {
        if (embedder === null) throw new Error('the CAM++ thread was disposed');
        post({ type: 'embedded', id: req.id, embedding: await embedder.embed(req.samples) });
      } catch (e) {
        post({ type: 'error', id: req.id, error: failure(e) });
      }
      return;
    }
    case 'dispose': {
      const e = embedder;
      embedder = null;
      await e?.dispose();
      post({ type: 'disposed' });
      port.close();
      return;
    }
  }
});
