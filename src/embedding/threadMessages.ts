/**
 * Messages between CampPlusThread and its worker (src/embedding/campplusWorker.ts).
 * Plain data only (structured clone).
 */
import type { CampPlusOptions } from './campplus.js';

export type CampPlusThreadRequest =
  | { type: 'embed'; id: number; samples: Float32Array }
  /** Release the session; the worker replies 'disposed' and then exits. */
  | { type: 'dispose' };

export type CampPlusThreadReply =
  | { type: 'ready'; dim: number }
  | { type: 'embedded'; id: number; embedding: Float32Array | null }
  /** The model could not be opened (id absent) or one chunk failed (id given). */
  | { type: 'error'; id?: number; error: { code: string; message: string; file?: string } }
  | { type: 'disposed' };

/** workerData of the thread. */
export type CampPlusThreadData = Pick<CampPlusOptions, 'modelPath' | 'threads' | 'fbankBackend'>;
