/**
 * Reconstruction (pyannote's last stage): local speakers of every segmentation window, mapped
 * to global speakers by clustering -> turns over the whole file. Each frame is judged by every
 * window that covers it: the number of speakers in the frame is the windows' average count,
 * rounded, and those speakers are the ones most active there, so overlapped speech gives turns
 * of both speakers. Pure, so tested with exact answers.
 */
import { validateNumbers } from '../config/index.js';
import type { FrameGeometry, SpeakerTurn } from '../types.js';

export interface ReconstructionConfig {
  /**
   * A speaker's pauses shorter than this are bridged (one turn, not two). 0.8 s was chosen on the
   * 330 calibration files (tools/calibrate.ts) with the shipped segmentation model: DER 7.58 %
   * against 7.66 % at 0.5 s, the same counts; less speech missed (3.2 against 4.1 points) for more
   * false alarm (2.6 against 1.7).
   */
  minGapSec: number;
  /** A speaker's turns shorter than this are dropped (one or two frames of flicker). */
  minTurnSec: number;
  /**
   * Extra weight of a window's judgement on the frames it owns (whose speakers it embedded):
   * where windows disagree, the one that heard those frames' voices decides. Chosen on the
   * film-style calibration set (tools/calibrate.ts): any weight > 0 halves speaker confusion
   * there (DER 17.21 % -> 14.17 %, confusion 5.8 -> 2.9 points); without it a tie between two
   * windows went to the speaker with the lower index.
   */
  ownerWeight: number;
  /**
   * A local speaker whose chunk is less alike than this (cosine) to its global speaker's centroid
   * gives that speaker none of its frames: such chunks are mostly music, noise or another voice
   * that clustering had to put somewhere. Chosen on the 330 calibration files
   * (tools/calibrate.ts, CAL_MIN_FIT) with the original segmentation model: 0.4 gives DER 13.27 %
   * against 13.66 % with every chunk kept (0.3: 13.45 %, 0.5: 13.38 %); with the fine-tuned one
   * 7.58 % against 8.02 %. -1 keeps every chunk. Counting still hears every chunk.
   */
  minFit: number;
}

export const DEFAULT_RECONSTRUCTION_CONFIG: Readonly<ReconstructionConfig> = Object.freeze({
  minGapSec: 0.8,
  minTurnSec: 0.05,
  ownerWeight: 1,
  minFit: 0.4,
});

export function validateReconstructionConfig(partial?: Partial<ReconstructionConfig>): ReconstructionConfig {
  return validateNumbers('reconstruction', DEFAULT_RECONSTRUCTION_CONFIG, partial, {
    minGapSec: { min: 0, max: 10 },
    minTurnSec: { min: 0, max: 10 },
    ownerWeight: { min: 0, max: 100 },
    minFit: { min: -1, max: 1 },
  });
}

/** One segmentation window after clustering. */
export interface LabelledWindow {
  startSample: number;
  /** [frames x speakers] local activity, 1 = active. */
  active: Uint8Array;
  /** Global speaker of each local speaker, -1 when it has none (too little speech to embed). */
  labels: ArrayLike<number>;
  /** Frames [fromFrame, toFrame) the window owns (default none: every window weighs the same). */
  owned?: { fromFrame: number; toFrame: number };
  /** Per local speaker, the cosine of its chunk to its global speaker's centroid (default: all fit). */
  fits?: ArrayLike<number>;
}

/**
 * @returns turns of global speakers 0..numSpeakers-1 (they may overlap), sorted by start
 */
export function reconstructTurns(
  windows: readonly LabelledWindow[],
  g: FrameGeometry,
  sampleRateHz: number,
  totalSamples: number,
  numSpeakers: number,
  config: ReconstructionConfig = DEFAULT_RECONSTRUCTION_CONFIG,
): SpeakerTurn[] {
  if (windows.length === 0 || numSpeakers === 0) return [];
  const total = Math.ceil(totalSamples / g.stepSamples) + g.frames + 1;
  const activity = Array.from({ length: numSpeakers }, () => new Float32Array(total));
  const countSum = new Float32Array(total);
  const coverage = new Uint16Array(total);
  for (const w of windows) {
    const offset = Math.round(w.startSample / g.stepSamples);
    for (let f = 0; f < g.frames; f++) {
      const gf = offset + f;
      if (gf >= total) break;
      coverage[gf]++;
      for (let k = 0; k < g.speakers; k++) {
        if (!w.active[f * g.speakers + k]) continue;
        countSum[gf]++;
        const label = w.fits && w.fits[k] < config.minFit ? -1 : w.labels[k];
        if (label >= 0) activity[label][gf] += w.owned && f >= w.owned.fromFrame && f < w.owned.toFrame ? 1 + config.ownerWeight : 1;
      }
    }
  }
  // Frames past the end of the audio (zero padding of the last window) are not judged.
  const lastFrame = Math.min(total, Math.ceil((totalSamples - g.durationSamples / 2) / g.stepSamples) + 1);
  const on = Array.from({ length: numSpeakers }, () => new Uint8Array(total));
  const order: number[] = [];
  for (let gf = 0; gf < lastFrame; gf++) {
    if (coverage[gf] === 0) continue;
    const count = Math.round(countSum[gf] / coverage[gf]);
    if (count === 0) continue;
    order.length = 0;
    for (let s = 0; s < numSpeakers; s++) if (activity[s][gf] > 0) order.push(s);
    order.sort((a, b) => activity[b][gf] - activity[a][gf] || a - b);
    for (let i = 0; i < Math.min(count, order.length); i++) on[order[i]][gf] = 1;
  }
  const stepSec = g.stepSamples / sampleRateHz;
  const centreSec = (f: number) => (f * g.stepSamples + g.durationSamples / 2) / sampleRateHz;
  const endLimitSec = totalSamples / sampleRateHz;
  const turns: SpeakerTurn[] = [];
  for (let s = 0; s < numSpeakers; s++) {
    const runs: Array<[number, number]> = [];
    let start = -1;
    for (let gf = 0; gf <= lastFrame; gf++) {
      const v = gf < lastFrame ? on[s][gf] : 0;
      if (v && start < 0) start = gf;
      if (!v && start >= 0) {
        runs.push([Math.max(0, centreSec(start) - stepSec / 2), Math.min(endLimitSec, centreSec(gf - 1) + stepSec / 2)]);
        start = -1;
      }
    }
    const merged: Array<[number, number]> = [];
    for (const r of runs) {
      const last = merged[merged.length - 1];
      if (last && r[0] - last[1] < config.minGapSec) last[1] = r[1];
      else merged.push([r[0], r[1]]);
    }
    for (const [a, b] of merged) if (b - a >= config.minTurnSec) turns.push({ startSec: a, endSec: b, speaker: s });
  }
  turns.sort((a, b) => a.startSec - b.startSec || a.speaker - b.speaker);
  return turns;
}

/** Seconds of speech per speaker (overlap counted for each speaker in it). */
export function speechSecBySpeaker(turns: readonly SpeakerTurn[], numSpeakers: number): Float64Array {
  const out = new Float64Array(numSpeakers);
  for (const t of turns) out[t.speaker] += t.endSec - t.startSec;
  return out;
}
