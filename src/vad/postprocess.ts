/**
 * Per-chunk speech probabilities -> speech regions, following silero-vad's get_speech_timestamps
 * (hysteresis, min silence to split, min speech, padding), with one change: regions that overlap
 * after padding are merged instead of splitting the gap, since downstream stages want speech
 * extents, not silero's halved pauses. Pure and ONNX-free so it is unit-tested on synthetic input.
 */
import type { VadConfig } from './config.js';
import type { SpeechProbabilities, SpeechRegion } from './types.js';

type Rules = Pick<VadConfig, 'onsetThreshold' | 'offsetThreshold' | 'minSpeechSec' | 'minSilenceSec' | 'speechPadSec'>;

export function regionsFromProbabilities(input: SpeechProbabilities, rules: Rules): SpeechRegion[] {
  const { probs, hopSamples: hop, sampleRateHz: sr, totalSamples } = input;
  const n = Math.min(probs.length, Math.ceil(totalSamples / hop));
  const minSilenceSamples = rules.minSilenceSec * sr;
  const minSpeechSamples = rules.minSpeechSec * sr;
  const padSamples = Math.round(rules.speechPadSec * sr);

  // Raw regions in samples: [start of first speech chunk, start of first silent chunk).
  const raw: Array<[number, number]> = [];
  let triggered = false;
  let start = 0;
  let tempEnd = -1; // chunk index where the current candidate silence began, -1 when none
  const close = (endSample: number): void => {
    const end = Math.min(endSample, totalSamples);
    if (end - start > minSpeechSamples) raw.push([start, end]);
    triggered = false;
    tempEnd = -1;
  };
  for (let i = 0; i < n; i++) {
    const raw_p = probs[i];
    // NaN counts as silence so a corrupt chunk can never create speech or NaN times.
    const p = Number.isNaN(raw_p) ? 0 : raw_p;
    if (!triggered) {
      if (p >= rules.onsetThreshold) {
        triggered = true;
        start = i * hop;
        tempEnd = -1;
      }
      continue;
    }
    if (p >= rules.onsetThreshold) {
      tempEnd = -1;
    } else if (p < rules.offsetThreshold) {
      if (tempEnd < 0) tempEnd = i;
      // Between the thresholds nothing changes (hysteresis): silero checks only below offset.
      if ((i - tempEnd) * hop >= minSilenceSamples) close(tempEnd * hop);
    }
  }
  if (triggered) close(tempEnd >= 0 ? tempEnd * hop : totalSamples);

  // Pad, clip, merge what now overlaps or touches.
  const merged: Array<[number, number]> = [];
  for (const [s, e] of raw) {
    const ps = Math.max(0, s - padSamples);
    const pe = Math.min(totalSamples, e + padSamples);
    const last = merged[merged.length - 1];
    if (last !== undefined && ps <= last[1]) last[1] = Math.max(last[1], pe);
    else merged.push([ps, pe]);
  }
  return merged.map(([s, e]) => ({ startSec: s / sr, endSec: e / sr }));
}

/** Total seconds covered by sorted, disjoint regions. */
export function speechSeconds(regions: readonly SpeechRegion[]): number {
  let total = 0;
  for (const r of regions) total += r.endSec - r.startSec;
  return total;
}
