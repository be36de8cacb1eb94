/**
 * Steps 4-5 of the pipeline on the analysis of one file: clustering of the chunk embeddings,
 * reconstruction of turns, the counting rule, and sex per counted speaker. Pure given its
 * inputs, so calibration can re-run it with other thresholds without re-analysing the audio.
 */
import { measureFilm } from '../measures/index.js';
import { speechShare } from '../music/config.js';
import { centroidCosines, clusterSpeakers, clusterUniformity } from '../clustering/index.js';
import { ownedFrames } from '../segmentation/chunks.js';
import { reconstructTurns, speechSecBySpeaker, type LabelledWindow } from '../reconstruction/index.js';
import type { Counts, Diarization, SpeakerSummary, Turn } from '../types.js';
import type { PipelineConfig } from './config.js';
import { countingVerdicts } from './counting.js';
import type { AnalysedChunk, FileAnalysis, SexStage } from './engine.js';

export function assembleDiarization(file: string, a: FileAnalysis, cfg: PipelineConfig, sex: Pick<SexStage, 'decide'>): Diarization {
  const seconds = a.chunks.map((c) => c.seconds);
  const { labels, numClusters } = clusterSpeakers(a.embeddings, seconds, a.chunks.length, a.dim, cfg.clustering);
  const fit = centroidCosines(a.embeddings, labels, numClusters, a.dim);
  const windows = a.windows.map((w, i) => ({
    ...w,
    labels: new Int32Array(a.geometry.speakers).fill(-1),
    fits: new Float32Array(a.geometry.speakers).fill(1),
    owned: ownedFrames(a.geometry, a.windowSamples, w.startSample, a.windows[i - 1]?.startSample, a.windows[i + 1]?.startSample),
  })) satisfies LabelledWindow[];
  a.chunks.forEach((c, i) => {
    windows[c.window].labels[c.speaker] = labels[i];
    windows[c.window].fits[c.speaker] = fit[i];
  });
  // The counting rule hears every chunk of a cluster; the turns only those that fit its voice.
  const rebuild = (minFit: number) =>
    reconstructTurns(windows, a.geometry, a.sampleRateHz, a.totalSamples, numClusters, { ...cfg.reconstruction, minFit });
  const heard = rebuild(-1);
  const turns = cfg.reconstruction.minFit > -1 ? rebuild(cfg.reconstruction.minFit) : heard;
  const speech = speechSecBySpeaker(turns, numClusters);
  const heardSec = speechSecBySpeaker(heard, numClusters);

  // Speakers counted (see counting.ts), named SPK01.. by decreasing speech.
  const level = clusterMedians(a, labels, numClusters, (c) => c.levelDb, -Infinity);
  const spread = clusterMedians(a, labels, numClusters, (c) => c.levelSpreadDb, Number.NaN);
  const speechShares = clusterMeans(a, labels, numClusters, (c) => speechShare(c.musicProbs, cfg.speechMusic));
  const uniformity = clusterUniformity(a.embeddings, seconds, labels, numClusters, a.dim, cfg.uniformMinChunks);
  const verdicts = countingVerdicts(
    Array.from({ length: numClusters }, (_, k) => ({
      speechSec: heardSec[k],
      levelDb: level[k],
      levelSpreadDb: spread[k],
      uniformity: uniformity[k],
      speechShare: speechShares[k],
    })),
    heard,
    cfg,
  );
  const kept = Array.from({ length: numClusters }, (_, k) => k)
    .filter((k) => verdicts[k] === null)
    .sort((x, y) => speech[y] - speech[x] || x - y);
  const names = new Map<number, string>();
  const speakers: SpeakerSummary[] = kept.map((k, rank) => {
    const id = `SPK${String(rank + 1).padStart(2, '0')}`;
    names.set(k, id);
    const rows: Float32Array[] = [];
    const weights: number[] = [];
    a.chunks.forEach((c, i) => {
      if (labels[i] !== k) return;
      rows.push(a.sexRows[i]);
      weights.push(c.seconds);
    });
    const d = sex.decide(rows, weights);
    return { id, sex: d.sex, confidence: round(d.confidence, 4), speechSec: round(speech[k], 3) };
  });
  const keptTurns: Turn[] = turns
    .filter((t) => names.has(t.speaker))
    .map((t) => ({ startSec: round(t.startSec, 3), endSec: round(t.endSec, 3), speaker: names.get(t.speaker)! }));
  const counts: Counts = { M: 0, F: 0 };
  const speechSecBySex = { M: 0, F: 0 };
  for (const s of speakers) {
    counts[s.sex]++;
    speechSecBySex[s.sex] = round(speechSecBySex[s.sex] + s.speechSec, 3);
  }
  return {
    file,
    durationSec: round(a.durationSec, 3),
    speakers,
    turns: keptTurns,
    speechSecBySex,
    counts,
    ...measureFilm(speakers, keptTurns, cfg.measures),
    ...(a.warnings?.length ? { warnings: [...a.warnings] } : {}),
  };
}

/** Per cluster, the median of a chunk value over its chunks, weighted by their seconds (NaN values left out). */
function clusterMedians(
  a: FileAnalysis,
  labels: Int32Array,
  numClusters: number,
  value: (c: AnalysedChunk) => number,
  none: number,
): number[] {
  return Array.from({ length: numClusters }, (_, k) => {
    const items = a.chunks.filter((c, i) => labels[i] === k && !Number.isNaN(value(c))).sort((x, y) => value(x) - value(y));
    const total = items.reduce((t, c) => t + c.seconds, 0);
    let acc = 0;
    for (const c of items) {
      acc += c.seconds;
      if (acc >= total / 2) return value(c);
    }
    return none;
  });
}

/** Per cluster, the mean of a chunk value over its chunks, weighted by their seconds (NaN values left out; NaN when none). */
function clusterMeans(a: FileAnalysis, labels: Int32Array, numClusters: number, value: (c: AnalysedChunk) => number): number[] {
  const sum = new Float64Array(numClusters);
  const weight = new Float64Array(numClusters);
  a.chunks.forEach((c, i) => {
    const v = value(c);
    if (Number.isNaN(v)) return;
    sum[labels[i]] += v * c.seconds;
    weight[labels[i]] += c.seconds;
  });
  return Array.from(sum, (s, k) => (weight[k] > 0 ? s / weight[k] : Number.NaN));
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
