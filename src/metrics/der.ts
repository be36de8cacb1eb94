/**
 * Diarization error rate with the semantics of NIST md-eval-22 as driven by dscore
 * (the scorer used for VoxConverse, DIHARD and AMI results):
 *
 * 1. Scoring regions: the UEM if given, else one region from the first onset to the last offset
 *    of reference AND hypothesis turns (dscore's `gen_uem`).
 * 2. Turns are trimmed to the regions, overlapping turns of one speaker are merged, and times are
 *    rounded to milliseconds (dscore writes RTTM/UEM with 3 decimals before calling md-eval).
 * 3. The optimal one-to-one speaker mapping maximises reference/hypothesis overlap over the whole
 *    regions, BEFORE collars and overlap exclusion (md-eval `map_speakers`).
 * 4. Scored regions: the regions minus `collarSec` on each side of every reference turn boundary,
 *    and, with `ignoreOverlaps` (md-eval `-1`), minus where two or more reference turns overlap.
 * 5. Over the scored regions, with nref / nhyp speakers active and ncorrect mapped pairs active:
 *    scored += nref, missed += max(0, nref - nhyp), falseAlarm += max(0, nhyp - nref),
 *    confusion += min(nref, nhyp) - ncorrect, each times the duration.
 *    DER = (missed + falseAlarm + confusion) / scored, in percent.
 *
 * Everything is a sweep over sorted boundaries: cost O(turns log turns), no per-frame arrays.
 */
import { checkBoolean, checkNumber, mergeConfig } from '../config/index.js';
import { ConfigError } from '../errors/index.js';
import type { Interval } from '../io/text.js';
import type { Turn } from '../types.js';
import { maxWeightAssignment } from './hungarian.js';
import { spansCoveredAtLeast, subtractSpans, unionSpans, type Span } from './intervals.js';

export type TurnLike = Pick<Turn, 'startSec' | 'endSec' | 'speaker'>;

export interface DerConfig {
  /** No-score collar (seconds) on each side of every reference boundary. md-eval default 0; 0.25 is common. */
  collarSec: number;
  /** Score only where the reference has at most one speaker (md-eval `-1`). */
  ignoreOverlaps: boolean;
}

export const DEFAULT_DER_CONFIG: Readonly<DerConfig> = Object.freeze({ collarSec: 0, ignoreOverlaps: false });

export function validateDerConfig(partial?: unknown): DerConfig {
  const c = mergeConfig<DerConfig>('der', DEFAULT_DER_CONFIG, partial);
  checkNumber('der.collarSec', c.collarSec, { min: 0, max: 60 });
  checkBoolean('der.ignoreOverlaps', c.ignoreOverlaps);
  return c;
}

export interface DerOptions extends Partial<DerConfig> {
  /** Scoring regions; default: first onset to last offset of reference and hypothesis. */
  uem?: readonly Interval[];
}

export interface SpeakerMapping {
  ref: string;
  hyp: string;
  /** Overlap of the pair over the evaluated regions (before collars), seconds. */
  overlapSec: number;
}

export interface DerResult {
  /** Percent. 0 when nothing is scored and there is no error; Infinity when errors but nothing scored. */
  der: number;
  missedSec: number;
  falseAlarmSec: number;
  confusionSec: number;
  /** Scored reference speaker time (overlapped speech counts once per speaker). */
  scoredSec: number;
  /** The md-eval speaker mapping, reference -> hypothesis. */
  mapping: SpeakerMapping[];
}

interface MsTurn {
  start: number;
  end: number;
  spk: number;
}

/** Score one recording. */
export function scoreDer(ref: readonly TurnLike[], hyp: readonly TurnLike[], options: DerOptions = {}): DerResult {
  const { uem, ...rest } = options;
  const cfg = validateDerConfig(rest);
  checkTurns('ref', ref);
  checkTurns('hyp', hyp);
  const regions = uem !== undefined ? checkUem(uem) : defaultRegions(ref, hyp);

  const refIds = new Map<string, number>();
  const hypIds = new Map<string, number>();
  const refT = prepareTurns(ref, regions, refIds);
  const hypT = prepareTurns(hyp, regions, hypIds);
  const regionsMs = unionSpans(regions.map((r) => ({ start: Math.round(r.startSec * 1000), end: Math.round(r.endSec * 1000) })));
  const nRef = refIds.size;
  const nHyp = hypIds.size;

  // 3. Mapping over the whole evaluated regions.
  const overlap: number[][] = Array.from({ length: nRef }, () => new Array<number>(nHyp).fill(0));
  sweep(regionsMs, refT, hypT, nRef, nHyp, (dur, refs, hyps) => {
    for (const r of refs) for (const h of hyps) overlap[r][h] += dur;
  });
  const refToHyp = maxWeightAssignment(overlap);

  // 4. Scored regions.
  let scoreRegions = regionsMs;
  const collarMs = cfg.collarSec * 1000;
  if (collarMs > 0) {
    const zones: Span[] = [];
    for (const t of refT) {
      zones.push({ start: t.start - collarMs, end: t.start + collarMs }, { start: t.end - collarMs, end: t.end + collarMs });
    }
    scoreRegions = subtractSpans(scoreRegions, unionSpans(zones));
  }
  if (cfg.ignoreOverlaps) {
    scoreRegions = subtractSpans(scoreRegions, spansCoveredAtLeast(refT, 2));
  }

  // 5. Error accounting.
  let scored = 0;
  let missed = 0;
  let falseAlarm = 0;
  let confusion = 0;
  sweep(scoreRegions, refT, hypT, nRef, nHyp, (dur, refs, hyps, hypActive) => {
    const nr = refs.length;
    const nh = hyps.length;
    let correct = 0;
    for (const r of refs) {
      const h = refToHyp[r];
      if (h >= 0 && hypActive[h] > 0) correct++;
    }
    scored += dur * nr;
    if (nr > nh) missed += dur * (nr - nh);
    else falseAlarm += dur * (nh - nr);
    confusion += dur * (Math.min(nr, nh) - correct);
  });

  const refNames = [...refIds.keys()];
  const hypNames = [...hypIds.keys()];
  const mapping: SpeakerMapping[] = [];
  refToHyp.forEach((h, r) => {
    if (h >= 0) mapping.push({ ref: refNames[r], hyp: hypNames[h], overlapSec: overlap[r][h] / 1000 });
  });
  return toResult(missed / 1000, falseAlarm / 1000, confusion / 1000, scored / 1000, mapping);
}

export interface FileDerResult extends DerResult {
  uri: string;
}

export interface DerTotals {
  der: number;
  missedSec: number;
  falseAlarmSec: number;
  confusionSec: number;
  scoredSec: number;
}

export interface DerReport {
  /** One entry per reference URI scored, sorted by URI (as md-eval). */
  files: FileDerResult[];
  /** Sum of errors over sum of scored time (md-eval's ALL line). */
  total: DerTotals;
  /** Reference URIs with no hypothesis: scored with an empty hypothesis (all missed). */
  missingHyp: string[];
  /** Hypothesis URIs absent from the reference: not scored (md-eval scores reference files only). */
  extraHyp: string[];
  /** Reference URIs absent from the given UEM: not scored (dscore trims them away). */
  notInUem: string[];
}

export interface DerFilesOptions extends Partial<DerConfig> {
  uemByUri?: ReadonlyMap<string, readonly Interval[]>;
}

/** Score many recordings; totals are summed errors over summed scored time. */
export function scoreDerFiles(
  refByUri: ReadonlyMap<string, readonly TurnLike[]>,
  hypByUri: ReadonlyMap<string, readonly TurnLike[]>,
  options: DerFilesOptions = {},
): DerReport {
  const { uemByUri, ...cfg } = options;
  validateDerConfig(cfg);
  const files: FileDerResult[] = [];
  const missingHyp: string[] = [];
  const notInUem: string[] = [];
  const uris = [...refByUri.keys()].sort();
  for (const uri of uris) {
    const ref = refByUri.get(uri) ?? [];
    let hyp = hypByUri.get(uri);
    if (hyp === undefined) {
      missingHyp.push(uri);
      hyp = [];
    }
    let uem: readonly Interval[] | undefined;
    if (uemByUri !== undefined) {
      uem = uemByUri.get(uri);
      if (uem === undefined) {
        notInUem.push(uri);
        continue;
      }
    }
    const r = scoreDer(ref, hyp, uem !== undefined ? { ...cfg, uem } : cfg);
    files.push({ uri, ...r });
  }
  const extraHyp = [...hypByUri.keys()].filter((u) => !refByUri.has(u)).sort();
  let m = 0;
  let f = 0;
  let c = 0;
  let s = 0;
  for (const r of files) {
    m += r.missedSec;
    f += r.falseAlarmSec;
    c += r.confusionSec;
    s += r.scoredSec;
  }
  const { mapping: _unused, ...total } = toResult(m, f, c, s, []);
  return { files, total, missingHyp, extraHyp, notInUem };
}

function toResult(missedSec: number, falseAlarmSec: number, confusionSec: number, scoredSec: number, mapping: SpeakerMapping[]): DerResult {
  const errors = missedSec + falseAlarmSec + confusionSec;
  const der = scoredSec > 0 ? (100 * errors) / scoredSec : errors > 0 ? Infinity : 0;
  return { der, missedSec, falseAlarmSec, confusionSec, scoredSec, mapping };
}

function checkTurns(name: string, turns: readonly TurnLike[]): void {
  if (!Array.isArray(turns)) throw new ConfigError(name, 'an array of turns { startSec, endSec, speaker }', turns);
  turns.forEach((t, i) => {
    if (
      typeof t !== 'object' ||
      t === null ||
      !Number.isFinite(t.startSec) ||
      !Number.isFinite(t.endSec) ||
      t.endSec < t.startSec ||
      typeof t.speaker !== 'string'
    ) {
      throw new ConfigError(`${name}[${i}]`, 'a turn { startSec, endSec >= startSec, speaker: string } with finite times', t);
    }
  });
}

function checkUem(uem: readonly Interval[]): Interval[] {
  const sorted = [...uem].sort((a, b) => a.startSec - b.startSec);
  sorted.forEach((r, i) => {
    if (!Number.isFinite(r.startSec) || !Number.isFinite(r.endSec) || r.endSec <= r.startSec) {
      throw new ConfigError(`uem[${i}]`, 'a region { startSec, endSec > startSec }', r);
    }
    if (i > 0 && r.startSec < sorted[i - 1].endSec) {
      throw new ConfigError(`uem[${i}]`, 'regions that do not overlap', r);
    }
  });
  return sorted;
}

/** dscore `gen_uem`: first onset to last offset over reference and hypothesis. */
function defaultRegions(ref: readonly TurnLike[], hyp: readonly TurnLike[]): Interval[] {
  let start = Infinity;
  let end = -Infinity;
  for (const t of ref) {
    start = Math.min(start, t.startSec);
    end = Math.max(end, t.endSec);
  }
  for (const t of hyp) {
    start = Math.min(start, t.startSec);
    end = Math.max(end, t.endSec);
  }
  return end > start ? [{ startSec: start, endSec: end }] : [];
}

/** Trim to regions, merge one speaker's overlapping turns, round to ms (dscore's preprocessing). */
function prepareTurns(turns: readonly TurnLike[], regions: readonly Interval[], ids: Map<string, number>): MsTurn[] {
  const bySpeaker = new Map<string, Array<[number, number]>>();
  for (const t of turns) {
    for (const r of regions) {
      if (t.endSec <= r.startSec || t.startSec >= r.endSec) continue;
      let list = bySpeaker.get(t.speaker);
      if (list === undefined) {
        list = [];
        bySpeaker.set(t.speaker, list);
      }
      list.push([Math.max(t.startSec, r.startSec), Math.min(t.endSec, r.endSec)]);
    }
  }
  const out: MsTurn[] = [];
  for (const [speaker, list] of bySpeaker) {
    list.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const [s, e] of list) {
      const last = merged[merged.length - 1];
      // Strict overlap only: touching turns stay separate (intervaltree merge_overlaps, as dscore).
      if (last !== undefined && s < last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    let spk = -1;
    for (const [s, e] of merged) {
      const startMs = Math.round(s * 1000);
      const durMs = Math.round((e - s) * 1000);
      if (durMs <= 0) continue; // md-eval ignores zero-length segments
      if (spk < 0) {
        spk = ids.get(speaker) ?? ids.size;
        ids.set(speaker, spk);
      }
      out.push({ start: startMs, end: startMs + durMs, spk });
    }
  }
  return out;
}

type Visit = (durMs: number, refs: readonly number[], hyps: readonly number[], hypActive: Int32Array) => void;

/**
 * Walk the elementary segments inside `regions` (sorted, disjoint) where the sets of active
 * reference and hypothesis speakers are constant.
 */
function sweep(regions: readonly Span[], ref: readonly MsTurn[], hyp: readonly MsTurn[], nRef: number, nHyp: number, visit: Visit): void {
  if (regions.length === 0) return;
  // Event: [time, kind (0 region, 1 ref, 2 hyp), delta, speaker]
  const events: Array<[number, number, number, number]> = [];
  for (const r of regions) events.push([r.start, 0, 1, -1], [r.end, 0, -1, -1]);
  for (const t of ref) events.push([t.start, 1, 1, t.spk], [t.end, 1, -1, t.spk]);
  for (const t of hyp) events.push([t.start, 2, 1, t.spk], [t.end, 2, -1, t.spk]);
  events.sort((a, b) => a[0] - b[0]);
  const refActive = new Int32Array(nRef);
  const hypActive = new Int32Array(nHyp);
  let refs: number[] = [];
  let hyps: number[] = [];
  let inRegion = 0;
  let dirty = false;
  let prev = events[0][0];
  for (let i = 0; i < events.length; ) {
    const t = events[i][0];
    if (inRegion > 0 && t > prev) {
      if (dirty) {
        refs = activeList(refActive);
        hyps = activeList(hypActive);
        dirty = false;
      }
      visit(t - prev, refs, hyps, hypActive);
    }
    for (; i < events.length && events[i][0] === t; i++) {
      const [, kind, delta, spk] = events[i];
      if (kind === 0) inRegion += delta;
      else {
        (kind === 1 ? refActive : hypActive)[spk] += delta;
        dirty = true;
      }
    }
    prev = t;
  }
}

function activeList(counts: Int32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < counts.length; i++) if (counts[i] > 0) out.push(i);
  return out;
}
