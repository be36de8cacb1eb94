/**
 * Steps 3-5 of the pipeline on the analysis of one file (speech regions + window embeddings):
 * clustering, reconstruction with minSpeechSec folding, and sex per speaker. Pure given its
 * inputs, so calibration can re-run it with other thresholds without re-embedding.
 */
import { clusterCentroids, clusterEmbeddings } from '../clustering/index.js';
import type { SexClassifier } from '../sex/index.js';
import type { PipelineConfig } from './config.js';
import type { DiarizationDetails } from './engine.js';
import { reconstructTurns, speechByTurns } from './reconstruction.js';
import type { Counts, Diarization, SpeakerSummary } from './types.js';

export function assembleDiarization(file: string, details: DiarizationDetails, cfg: PipelineConfig, sex: SexClassifier): Diarization {
  const { regions, windows, embeddings, valid, dim, durationSec } = details;
  // 3. Clustering of the valid windows.
  const validIdx: number[] = [];
  for (let i = 0; i < windows.length; i++) if (valid[i]) validIdx.push(i);
  const points = new Float32Array(validIdx.length * dim);
  validIdx.forEach((w, j) => points.set(embeddings.subarray(w * dim, (w + 1) * dim), j * dim));
  const { labels: validLabels, numClusters } = clusterEmbeddings(points, validIdx.length, dim, cfg.clustering);
  const labels = new Int32Array(windows.length).fill(-1);
  validIdx.forEach((w, j) => (labels[w] = validLabels[j]));

  // 4. Reconstruction; fold speakers below minSpeechSec into the nearest counted one.
  const names = Array.from({ length: numClusters }, (_, k) => String(k));
  let turns = reconstructTurns(regions, windows, labels, names, cfg);
  const speech = speechByTurns(turns);
  const kept = names.map((n) => (speech.get(n) ?? 0) >= cfg.minSpeechSec);
  const forced = cfg.clustering.numSpeakers > 0;
  if (!forced && kept.some(Boolean) && kept.some((k) => !k)) {
    const centroids = clusterCentroids(points, validLabels, numClusters, dim);
    const nearestKept = new Int32Array(numClusters);
    for (let c = 0; c < numClusters; c++) {
      if (kept[c]) {
        nearestKept[c] = c;
        continue;
      }
      let best = -1;
      let bestSim = -Infinity;
      for (let k = 0; k < numClusters; k++) {
        if (!kept[k]) continue;
        let s = 0;
        for (let d = 0; d < dim; d++) s += centroids[c * dim + d] * centroids[k * dim + d];
        if (s > bestSim) {
          bestSim = s;
          best = k;
        }
      }
      nearestKept[c] = best;
    }
    for (let i = 0; i < labels.length; i++) if (labels[i] >= 0) labels[i] = nearestKept[labels[i]];
    turns = reconstructTurns(regions, windows, labels, names, cfg);
  }

  // 5. Sex per counted speaker; labels SPK01.. by decreasing speech.
  const finalSpeech = speechByTurns(turns);
  const clusters = [...finalSpeech.entries()]
    .filter(([, secs]) => secs >= cfg.minSpeechSec)
    .sort((a, b) => b[1] - a[1] || Number(a[0]) - Number(b[0]));
  const rename = new Map<string, string>();
  const speakers: SpeakerSummary[] = clusters.map(([name, secs], rank) => {
    const id = `SPK${String(rank + 1).padStart(2, '0')}`;
    rename.set(name, id);
    const rows: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === Number(name)) rows.push(i);
    const decision = sex.classify(embeddings, rows);
    return { id, sex: decision.sex, confidence: round(decision.confidence, 4), speechSec: round(secs, 3) };
  });
  const keptTurns = turns.filter((t) => rename.has(t.speaker)).map((t) => ({ ...t, speaker: rename.get(t.speaker)! }));
  const counts: Counts = { M: 0, F: 0 };
  const speechSecBySex = { M: 0, F: 0 };
  for (const s of speakers) {
    counts[s.sex]++;
    speechSecBySex[s.sex] = round(speechSecBySex[s.sex] + s.speechSec, 3);
  }
return { file, durationSec: round(durationSec, 3), speakers, turns: keptTurns, speechSecBySex, counts };
}


function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
