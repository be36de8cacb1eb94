/**
 * Steps 3-5 of the pipeline on the analysis of one file (speech regions + window embeddings):
 * clustering, reconstruction with minSpeechSec folding, and sex per speaker. Pure given its
 * inputs, so calibration can re-run it with other thresholds without re-embedding.
 */
import { clusterCentroids, clusterEmbeddings, pldaClusterStats, pldaLlr, toPldaSpace, type PldaFeatures } from '../clustering/index.js';
import type { SpeakerProjection } from '../clustering/projection.js';
import { measureFilm } from '../measures/index.js';
import type { SexClassifier } from '../sex/index.js';
import type { PipelineConfig } from './config.js';
import type { DiarizationDetails } from './engine.js';
import { foldSmallClusters } from './fold.js';
import { reconstructTurns, speechByTurns } from './reconstruction.js';
import type { Counts, Diarization, SpeakerSummary } from './types.js';

export function assembleDiarization(
  file: string,
  details: DiarizationDetails,
  cfg: PipelineConfig,
  sex: SexClassifier,
  projection?: SpeakerProjection,
): Diarization {
  const { regions, windows, embeddings, valid, dim, durationSec } = details;
  // 3. Clustering of the valid windows.
  const validIdx: number[] = [];
  for (let i = 0; i < windows.length; i++) if (valid[i]) validIdx.push(i);
  const raw = new Float32Array(validIdx.length * dim);
  validIdx.forEach((w, j) => raw.set(embeddings.subarray(w * dim, (w + 1) * dim), j * dim));
  // Speakers are told apart in the LDA space (cosine for AHC, PLDA for merging); sex is read
  // from the raw embeddings.
  let points: Float32Array = raw;
  let cdim = dim;
  let plda: PldaFeatures | undefined;
  if (projection) {
    cdim = projection.outputDim;
    points = projection.project(raw, validIdx.length);
    plda = { x: toPldaSpace(projection.plda, points, validIdx.length), phi: projection.plda.phi };
  }
  const { labels: validLabels, numClusters, criterion } = clusterEmbeddings(points, validIdx.length, cdim, cfg.clustering, plda);
  const labels = new Int32Array(windows.length).fill(-1);
  validIdx.forEach((w, j) => (labels[w] = validLabels[j]));

  // 4. Reconstruction; fold speakers below minSpeechSec into the nearest counted one.
  const names = Array.from({ length: numClusters }, (_, k) => String(k));
  let turns = reconstructTurns(regions, windows, labels, names, cfg);
  const speech = speechByTurns(turns);
  // Clusters with little speech are unreliable (a split-off piece of a speaker, or windows that
  // straddle two voices): below minSpeechSec they always go to the most alike stable cluster;
  // below minClusterSec they go there when alike enough, by the criterion that formed them: the
  // PLDA same-speaker ratio (it weighs how much speech each side has) where PLDA merging
  // clustered the whole input, centroid cosine where blocks were joined by average linkage (over
  // a long film a voice's clusters differ more than the PLDA expects: clusterByBlocks).
  if (cfg.clustering.numSpeakers === 0) {
    const speechSec = names.map((n) => speech.get(n) ?? 0);
    const stableSec = Math.max(cfg.minSpeechSec, cfg.minClusterSec);
    let target: Int32Array;
    if (plda && criterion === 'plda') {
      const stats = pldaClusterStats(plda.x, validIdx.length, plda.phi, validLabels, numClusters, cfg.clustering.statScale);
      const phi = plda.phi;
      target = foldSmallClusters(speechSec, stableSec, cfg.minSpeechSec, (c, k) => pldaLlr(stats, phi, c, k), (llr) => llr > cfg.foldLlrThreshold);
    } else {
      const centroids = clusterCentroids(points, validLabels, numClusters, cdim);
      const cosine = (c: number, k: number) => {
        let s = 0;
        for (let d = 0; d < cdim; d++) s += centroids[c * cdim + d] * centroids[k * cdim + d];
        return s;
      };
      target = foldSmallClusters(speechSec, stableSec, cfg.minSpeechSec, cosine, (sim) => 1 - sim < cfg.foldThreshold);
    }
    if (target.some((t, c) => t !== c)) {
      for (let i = 0; i < labels.length; i++) if (labels[i] >= 0) labels[i] = target[labels[i]];
      turns = reconstructTurns(regions, windows, labels, names, cfg);
    }
  }

  // 5. Sex per counted speaker; labels SPK01.. by decreasing speech.
  const sexRows = sexInput(details, sex);
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
    const decision = sex.classify(sexRows, rows);
    return { id, sex: decision.sex, confidence: round(decision.confidence, 4), speechSec: round(secs, 3) };
  });
  const keptTurns = turns.filter((t) => rename.has(t.speaker)).map((t) => ({ ...t, speaker: rename.get(t.speaker)! }));
  const counts: Counts = { M: 0, F: 0 };
  const speechSecBySex = { M: 0, F: 0 };
  for (const s of speakers) {
    counts[s.sex]++;
    speechSecBySex[s.sex] = round(speechSecBySex[s.sex] + s.speechSec, 3);
  }
  return { file, durationSec: round(durationSec, 3), speakers, turns: keptTurns, speechSecBySex, counts, ...measureFilm(speakers, keptTurns, cfg.measures) };
}


/** The encoder output the sex classifier was trained on (details from tools may lack it). */
function sexInput(details: DiarizationDetails, sex: SexClassifier): Float32Array {
  sex.requireInput({ dim: details.dim, hiddenMeanDim: details.hiddenMean ? details.hiddenMeanDim : 0 });
  return sex.input === 'hidden_mean' ? details.hiddenMean! : details.embeddings;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
