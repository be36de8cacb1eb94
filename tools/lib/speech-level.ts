/**
 * Frame energies and speech level of clean utterances, for the conversation simulator's
 * reference (tools/simulate-conversations.ts).
 */

/** 30 ms frames at 16 kHz. */
export const FRAME_SAMPLES = 480;

/**
 * A piece of a reader's utterance whose level is this far below the reader's own speech level
 * holds no speech: across the calib and test sets every piece sits within 12 dB of its reader's
 * level or more than 30 dB below it (room tone between sentences).
 */
export const SILENT_PIECE_DB = 20;

export function frameEnergiesDb(x: Float32Array): Float64Array {
  const n = Math.floor(x.length / FRAME_SAMPLES);
  const e = new Float64Array(n);
  for (let f = 0; f < n; f++) {
    let s = 0;
    for (let i = f * FRAME_SAMPLES; i < (f + 1) * FRAME_SAMPLES; i++) s += x[i] * x[i];
    e[f] = 10 * Math.log10(s / FRAME_SAMPLES + 1e-12);
  }
  return e;
}

/** Speech level: the 95th-percentile frame energy in dB (-120 for audio shorter than a frame). */
export function speechLevelDb(x: Float32Array): number {
  const sorted = Array.from(frameEnergiesDb(x)).sort((p, q) => p - q);
  return sorted[Math.floor(sorted.length * 0.95)] ?? -120;
}

/**
 * True when `piece` (cut from an utterance whose speech level is `utteranceLevelDb`) is only
 * the pause between sentences: a simulator that scales every turn to speech loudness would
 * otherwise turn room tone into a loud "turn" of that reader.
 */
export function isSilentPiece(piece: Float32Array, utteranceLevelDb: number): boolean {
  return speechLevelDb(piece) < utteranceLevelDb - SILENT_PIECE_DB;
}

/**
 * Reference speech of a clean utterance, in samples: frames within 35 dB of its 95th-percentile
 * frame, gaps < 0.3 s bridged, regions shorter than 90 ms dropped.
 */
export function speechActivity(x: Float32Array): Array<[number, number]> {
  const e = frameEnergiesDb(x);
  const thr = Math.max(speechLevelDb(x) - 35, -70);
  const regions: Array<[number, number]> = [];
  let start = -1;
  for (let f = 0; f <= e.length; f++) {
    const on = f < e.length && e[f] > thr;
    if (on && start < 0) start = f;
    if (!on && start >= 0) {
      regions.push([start, f]);
      start = -1;
    }
  }
  const merged: Array<[number, number]> = [];
  for (const r of regions) {
    const last = merged[merged.length - 1];
    if (last && r[0] - last[1] < 10) last[1] = r[1];
    else merged.push([...r]);
  }
  return merged.filter(([s, t]) => t - s >= 3).map(([s, t]) => [s * FRAME_SAMPLES, Math.min(x.length, t * FRAME_SAMPLES)]);
}
