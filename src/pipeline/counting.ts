/**
 * The counting rule: which clusters of the clustering stage are speakers to count. Beside
 * speakers with too little speech and background voices, it turns away clusters that are not
 * a voice at all (music, animal sounds), which segmentation and the embedding model take for
 * one: a sound the speech/music model hears as music nearly throughout (a singer, an instrument), a sound heard only where nobody else speaks and quieter than the voices (a music-only
 * passage), a sound whose every chunk embeds alike (a sustained instrument), a sound whose level does not
 * move as syllables do (whale song, a drone). Pure given the facts of each cluster, so tested with exact answers.
 */
import { unionSpans } from '../metrics/intervals.js';
import type { SpeakerTurn } from '../types.js';
import type { PipelineConfig } from './config.js';

/** What the rule needs to know of one cluster. */
export interface ClusterFacts {
  speechSec: number;
  /** Median level of its chunks, dB re full scale. */
  levelDb: number;
  /** Median over its chunks of how much their level moves frame to frame (features/level.ts), dB; NaN when unknown. */
  levelSpreadDb: number;
  /** Mean cosine between its embeddings two by two (clustering's clusterUniformity); NaN when too few to judge. */
  uniformity: number;
  /** Share of its chunks the speech/music model hears as speech (mean weighted by seconds); NaN when unknown. */
  speechShare: number;
}

export type CountingRule = Pick<
  PipelineConfig,
  | 'minSpeechSec'
  | 'backgroundLevelDb'
  | 'isolatedLevelDb'
  | 'isolatedGapSec'
  | 'isolatedShare'
  | 'uniformCosine'
  | 'uniformMinChunks'
  | 'steadySpreadDb'
  | 'musicSpeechShare'
>;

/** Why a cluster is not counted: too little speech, a background voice, or not a voice (isolated, uniform, steady, music). */
export type NotCounted = 'short' | 'background' | 'isolated' | 'uniform' | 'steady' | 'music';

/** Per cluster (index = speaker of `turns`), why it is not counted, or null when it is a speaker. */
export function countingVerdicts(
  facts: readonly ClusterFacts[],
  turns: readonly SpeakerTurn[],
  rule: CountingRule,
): Array<NotCounted | null> {
  const long = facts.map((f) => f.speechSec >= rule.minSpeechSec);
  const loudest = Math.max(-Infinity, ...facts.filter((_, k) => long[k]).map((f) => f.levelDb));
  const verdicts: Array<NotCounted | null> = facts.map((f, k) => {
    if (!long[k]) return 'short';
    if (rule.backgroundLevelDb > 0 && f.levelDb < loudest - rule.backgroundLevelDb) return 'background';
    return null;
  });
  const voices = new Set(verdicts.flatMap((v, k) => (v === null ? [k] : [])));
  return verdicts.map((v, k) => {
    if (v !== null) return v;
    const f = facts[k];
    if (rule.uniformCosine > 0 && f.uniformity >= rule.uniformCosine) return 'uniform';
    if (f.levelSpreadDb < rule.steadySpreadDb) return 'steady';
    if (f.speechShare < rule.musicSpeechShare) return 'music';
    if (
      rule.isolatedLevelDb > 0 &&
      f.levelDb <= loudest - rule.isolatedLevelDb &&
      isolatedShare(turns, k, voices, rule.isolatedGapSec) >= rule.isolatedShare
    )
      return 'isolated';
    return null;
  });
}

/**
 * The share of `speaker`'s speech time farther than `gapSec` from every turn of the other
 * speakers in `voices` (0 when it has no speech; 1 when nobody else speaks).
 */
export function isolatedShare(turns: readonly SpeakerTurn[], speaker: number, voices: ReadonlySet<number>, gapSec: number): number {
  const near = unionSpans(
    turns
      .filter((t) => t.speaker !== speaker && voices.has(t.speaker))
      .map((t) => ({ start: t.startSec - gapSec, end: t.endSec + gapSec })),
  );
  let total = 0;
  let covered = 0;
  for (const t of turns) {
    if (t.speaker !== speaker) continue;
    total += t.endSec - t.startSec;
    for (const n of near) covered += Math.max(0, Math.min(n.end, t.endSec) - Math.max(n.start, t.startSec));
  }
  return total > 0 ? 1 - covered / total : 0;
}
