/**
 * Scoring of engine output against a folder with reference RTTM and truth.json (the simulated
 * conversations or AMI): DER (md-eval semantics), M/F counts, and sex of each reference
 * speaker through the DER speaker mapping.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseRttm } from '../../src/io/index.js';
import type { Turn } from '../../src/types.js';
import { scoreDer } from '../../src/metrics/index.js';
import type { Diarization } from '../../src/types.js';

export interface TruthEntry {
  speech_by_speaker: Record<string, number>;
  sex_by_speaker: Record<string, 'M' | 'F'>;
  counts_min1s: { M: number; F: number };
  counts_min2s: { M: number; F: number };
}

export function readTruth(dir: string): Record<string, TruthEntry> {
  return JSON.parse(readFileSync(path.join(dir, 'truth.json'), 'utf8')) as Record<string, TruthEntry>;
}

/** The conversations of a folder: the names of its .wav files without the extension, sorted ([] when it is missing). */
export function conversationUris(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wav'))
    .map((f) => f.slice(0, -'.wav'.length))
    .sort();
}

export function readRefTurns(dir: string, uri: string): Turn[] {
  const rttm = parseRttm(readFileSync(path.join(dir, `${uri}.rttm`), 'utf8'), `${uri}.rttm`);
  return rttm.turnsByUri.get(uri) ?? [];
}

export interface FileScore {
  uri: string;
  derCollar025: { der: number; missedSec: number; falseAlarmSec: number; confusionSec: number; scoredSec: number };
  derCollar0: { der: number; missedSec: number; falseAlarmSec: number; confusionSec: number; scoredSec: number };
  refSpeakers: number;
  hypSpeakers: number;
  countsTruth: { M: number; F: number };
  countsHyp: { M: number; F: number };
  countsExact: boolean;
  /** Reference speakers (with >= minSpeechSec) whose mapped hypothesis speaker has their sex. */
  sexRight: number;
  sexTotal: number;
  /** Counted reference speakers no hypothesis speaker maps to (lost: merged into another or dropped). */
  lostSpeakers: string[];
  /** Counted reference speakers mapped to a hypothesis speaker of the other sex. */
  wrongSexSpeakers: string[];
}

export function scoreFile(
  uri: string,
  ref: readonly Turn[],
  d: Diarization,
  truth: TruthEntry | undefined,
  durationSec: number,
  minSpeechSec = 2,
): FileScore {
  const uem = [{ startSec: 0, endSec: durationSec }];
  const pick = (r: ReturnType<typeof scoreDer>) => ({
    der: r.der,
    missedSec: r.missedSec,
    falseAlarmSec: r.falseAlarmSec,
    confusionSec: r.confusionSec,
    scoredSec: r.scoredSec,
  });
  const r025 = scoreDer(ref, d.turns, { collarSec: 0.25, ignoreOverlaps: false, uem });
  const r0 = scoreDer(ref, d.turns, { collarSec: 0, ignoreOverlaps: false, uem });
  const sexOf = new Map(d.speakers.map((s) => [s.id, s.sex]));
  let sexRight = 0;
  let sexTotal = 0;
  const lostSpeakers: string[] = [];
  const wrongSexSpeakers: string[] = [];
  let countsTruth = { M: 0, F: 0 };
  let refSpeakers = new Set(ref.map((t) => t.speaker)).size;
  if (truth) {
    countsTruth = minSpeechSec >= 2 ? truth.counts_min2s : truth.counts_min1s;
    const counted = Object.entries(truth.speech_by_speaker)
      .filter(([, s]) => s >= minSpeechSec)
      .map(([k]) => k);
    refSpeakers = counted.length;
    for (const spk of counted) {
      sexTotal++;
      const m = r0.mapping.find((x) => x.ref === spk);
      if (!m) lostSpeakers.push(spk);
      else if (sexOf.get(m.hyp) === truth.sex_by_speaker[spk]) sexRight++;
      else wrongSexSpeakers.push(spk);
    }
  }
  return {
    uri,
    derCollar025: pick(r025),
    derCollar0: pick(r0),
    refSpeakers,
    hypSpeakers: d.speakers.length,
    countsTruth,
    countsHyp: d.counts,
    countsExact: d.counts.M === countsTruth.M && d.counts.F === countsTruth.F,
    sexRight,
    sexTotal,
    lostSpeakers,
    wrongSexSpeakers,
  };
}

export interface Summary {
  files: number;
  countsExactRate: number;
  speakerCountExactRate: number;
  speakerCountWithinOneRate: number;
  derCollar025: number;
  derCollar0: number;
  missedSec: number;
  falseAlarmSec: number;
  confusionSec: number;
  sexAccuracy: number;
  sexSpeakers: number;
  /** 95 % Wilson intervals of the two rates (files, and speakers, taken as independent). */
  countsExactInterval: [number, number];
  sexAccuracyInterval: [number, number];
  /**
   * Reference speakers by the number of files they made wrong (lost, or given the other sex),
   * most first: the sims reuse each reader in several files, so a few hard voices can carry
   * most errors, and the intervals above are then too narrow.
   */
  speakersInErrors: Array<{ speaker: string; files: number }>;
}

export function summarise(scores: readonly FileScore[]): Summary {
  const sum = (f: (s: FileScore) => number) => scores.reduce((a, s) => a + f(s), 0);
  const scored025 = sum((s) => s.derCollar025.scoredSec);
  const scored0 = sum((s) => s.derCollar0.scoredSec);
  const err = (s: FileScore['derCollar0']) => s.missedSec + s.falseAlarmSec + s.confusionSec;
  const sexTotal = sum((s) => s.sexTotal);
  return {
    files: scores.length,
    countsExactRate: sum((s) => (s.countsExact ? 1 : 0)) / Math.max(1, scores.length),
    speakerCountExactRate: sum((s) => (s.hypSpeakers === s.refSpeakers ? 1 : 0)) / Math.max(1, scores.length),
    speakerCountWithinOneRate: sum((s) => (Math.abs(s.hypSpeakers - s.refSpeakers) <= 1 ? 1 : 0)) / Math.max(1, scores.length),
    derCollar025: (100 * sum((s) => err(s.derCollar025))) / Math.max(1e-9, scored025),
    derCollar0: (100 * sum((s) => err(s.derCollar0))) / Math.max(1e-9, scored0),
    missedSec: sum((s) => s.derCollar025.missedSec),
    falseAlarmSec: sum((s) => s.derCollar025.falseAlarmSec),
    confusionSec: sum((s) => s.derCollar025.confusionSec),
    sexAccuracy: sum((s) => s.sexRight) / Math.max(1, sexTotal),
    sexSpeakers: sexTotal,
    countsExactInterval: wilsonInterval(
      sum((s) => (s.countsExact ? 1 : 0)),
      scores.length,
    ),
    sexAccuracyInterval: wilsonInterval(
      sum((s) => s.sexRight),
      sexTotal,
    ),
    speakersInErrors: speakersInErrors(scores),
  };
}

/** 95 % Wilson score interval of a proportion k/n (no mass outside [0, 1], sound for small n). */
export function wilsonInterval(k: number, n: number, z = 1.959964): [number, number] {
  if (n <= 0) return [0, 1];
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function speakersInErrors(scores: readonly FileScore[]): Summary['speakersInErrors'] {
  const files = new Map<string, number>();
  for (const s of scores) {
    if (s.countsExact) continue;
    for (const spk of new Set([...s.lostSpeakers, ...s.wrongSexSpeakers])) files.set(spk, (files.get(spk) ?? 0) + 1);
  }
  return [...files.entries()]
    .map(([speaker, n]) => ({ speaker, files: n }))
    .sort((a, b) => b.files - a.files || a.speaker.localeCompare(b.speaker));
}
