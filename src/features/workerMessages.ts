/** Messages between the pipeline and the feature worker (src/features/worker.ts). */
export type FeatureRequest =
  | {
      type: 'mels';
      id: number;
      /** Audio of each window at 16 kHz; null for a window too short to embed. Buffers are transferred. */
      segments: (Float32Array | null)[];
    }
  | { type: 'close' };

export interface TransferredMel {
  data: Float32Array;
  frames: number;
  melBands: number;
}

export type FeatureReply =
  | { type: 'mels'; id: number; mels: (TransferredMel | null)[]; backend: 'ts' | 'wasm' }
  | { type: 'error'; id: number; code: string; message: string };
