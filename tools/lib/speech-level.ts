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
