/**
 * Choose the clustering thresholds on a calibration set (folders of wav + rttm + truth.json),
 * never on the sets the figures are reported on:
 *
 *   npx tsx tools/simulate-conversations.ts --style film --set calib ... --out bench/results/film-calib
 *   npx tsx tools/calibrate.ts bench/results/film-calib [more dirs] [--json out.json]
 *
 * Every file is analysed once (segmentation, embeddings, sex features; cached under
 * bench/results/analysis-cache); clustering, reconstruction and sex are then re-run for each
 * point of the grid. Prints, per point, M/F counts exact, total count within one, DER (collar
 * 0.25, overlap scored) and sex right per speaker; the best point (most exact M/F counts, then
 * lowest DER) is what the stages' defaults should hold (clustering threshold, minClusterSec,
 * minClusterShare and foldThreshold; the pipeline's backgroundLevelDb and not-a-voice thresholds; reconstruction minGapSec and minFit).
 * The grid's values can be narrowed or widened by CAL_THRESHOLDS, CAL_MIN_CLUSTER_SEC, CAL_MIN_CLUSTER_SHARE, CAL_MIN_TRAIN_SEC,
 * CAL_BACKGROUND_DB, CAL_MIN_GAP_SEC, CAL_OWNER_WEIGHT, CAL_MIN_FIT, and the not-a-voice rule's CAL_ISOLATED_LEVEL_DB,
 * CAL_ISOLATED_GAP_SEC, CAL_ISOLATED_SHARE, CAL_UNIFORM_COSINE, CAL_STEADY_SPREAD_DB, CAL_MUSIC_SPEECH_SHARE, CAL_MUSIC_PROBABILITY, CAL_MUSIC_MIN_PATCHES (comma-separated; 0 = off). The default grid holds the shipped point and its neighbours.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine, validatePipelineConfig, type FileAnalysis } from '../src/pipeline/index.js';
import { conversationUris, readRefTurns, readTruth, scoreFile, summarise } from '../bench/lib/score-sim.js';
import { cachedAnalysis } from './lib/analysis-cache.js';

const args = process.argv.slice(2);
const dirs = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1] === '--json'));
if (dirs.length === 0) {
  process.stderr.write('usage: npx tsx tools/calibrate.ts <dir with wav, rttm and truth.json> [more dirs] [--json out.json]\n');
  process.exit(2);
}
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
/** The grid's values for one setting: $name (comma-separated) or the fallback. */
const values = (name: string, fallback: string): number[] => (process.env[name] ?? fallback).split(',').map(Number);
const THRESHOLDS = values('CAL_THRESHOLDS', '0.65,0.675,0.7');
const MIN_CLUSTER_SEC = values('CAL_MIN_CLUSTER_SEC', '6,8');
const MIN_CLUSTER_SHARE = values('CAL_MIN_CLUSTER_SHARE', '0.075,1');
const MIN_TRAIN_SEC = values('CAL_MIN_TRAIN_SEC', '1');
const FOLD_THRESHOLDS = values('CAL_FOLD_THRESHOLDS', '0.9,1');
const BACKGROUND_DB = values('CAL_BACKGROUND_DB', '0,15');
const MIN_GAP_SEC = values('CAL_MIN_GAP_SEC', '0.5,0.8');
const OWNER_WEIGHT = values('CAL_OWNER_WEIGHT', '1');
const MIN_FIT = values('CAL_MIN_FIT', '-1,0.4');
const ISOLATED_LEVEL_DB = values('CAL_ISOLATED_LEVEL_DB', '0,6');
const ISOLATED_GAP_SEC = values('CAL_ISOLATED_GAP_SEC', '10');
const ISOLATED_SHARE = values('CAL_ISOLATED_SHARE', '0.6');
const UNIFORM_COSINE = values('CAL_UNIFORM_COSINE', '0.93');
const STEADY_SPREAD_DB = values('CAL_STEADY_SPREAD_DB', '0,1');
const MUSIC_SPEECH_SHARE = values('CAL_MUSIC_SPEECH_SHARE', '0,0.05');
const MUSIC_PROBABILITY = values('CAL_MUSIC_PROBABILITY', '0.99,0.995');
const MUSIC_MIN_PATCHES = values('CAL_MUSIC_MIN_PATCHES', '1,2');

const cfg0 = validatePipelineConfig();
const engine = await createEngine({ threads: Number(process.env.THREADS ?? 2) });
const files: Array<{ uri: string; dir: string; analysis: FileAnalysis }> = [];
try {
  for (const dir of dirs) {
    for (const uri of conversationUris(dir)) {
      const analysis = await cachedAnalysis(engine, path.join(dir, `${uri}.wav`), cfg0, 'bench/results/analysis-cache');
      files.push({ uri, dir, analysis });
      process.stderr.write(`\ranalysed ${files.length} files`);
    }
  }
  process.stderr.write('\n');
  grid();
} finally {
  await engine.dispose();
}

function grid(): void {
  const truths = new Map(dirs.map((d) => [d, readTruth(d)]));
  const rows: Array<Record<string, number>> = [];
  console.log(
    'threshold minClusterSec minClusterShare minTrainSec foldThreshold background minGapSec ownerWeight minFit isolated(dB gapSec share) uniformCosine steadySpreadDb musicSpeechShare musicProbability musicMinPatches | M/F exact | total within 1 | DER c0.25 | sex right',
  );
  const points = product({
    threshold: THRESHOLDS,
    minClusterSec: MIN_CLUSTER_SEC,
    minClusterShare: MIN_CLUSTER_SHARE,
    minTrainSec: MIN_TRAIN_SEC,
    foldThreshold: FOLD_THRESHOLDS,
    backgroundLevelDb: BACKGROUND_DB,
    minGapSec: MIN_GAP_SEC,
    ownerWeight: OWNER_WEIGHT,
    minFit: MIN_FIT,
    isolatedLevelDb: ISOLATED_LEVEL_DB,
    isolatedGapSec: ISOLATED_GAP_SEC,
    isolatedShare: ISOLATED_SHARE,
    uniformCosine: UNIFORM_COSINE,
    steadySpreadDb: STEADY_SPREAD_DB,
    musicSpeechShare: MUSIC_SPEECH_SHARE,
    musicProbability: MUSIC_PROBABILITY,
    musicMinPatches: MUSIC_MIN_PATCHES,
  });
  for (const p of points) {
    const cfg = validatePipelineConfig({
      backgroundLevelDb: p.backgroundLevelDb,
      isolatedLevelDb: p.isolatedLevelDb,
      isolatedGapSec: p.isolatedGapSec,
      isolatedShare: p.isolatedShare,
      uniformCosine: p.uniformCosine,
      steadySpreadDb: p.steadySpreadDb,
      musicSpeechShare: p.musicSpeechShare,
      speechMusic: { musicProbability: p.musicProbability, minPatches: p.musicMinPatches },
      clustering: {
        threshold: p.threshold,
        minClusterSec: p.minClusterSec,
        minClusterShare: p.minClusterShare,
        minTrainSec: p.minTrainSec,
        foldThreshold: p.foldThreshold,
      },
      reconstruction: { minGapSec: p.minGapSec, ownerWeight: p.ownerWeight, minFit: p.minFit },
    });
    const scores = files.map((f) => {
      const d = engine.assemble(f.uri, f.analysis, cfg);
      return scoreFile(f.uri, readRefTurns(f.dir, f.uri), d, truths.get(f.dir)![f.uri], f.analysis.durationSec, cfg.minSpeechSec);
    });
    const s = summarise(scores);
    rows.push({
      ...p,
      exact: s.countsExactRate,
      within1: s.speakerCountWithinOneRate,
      der: s.derCollar025,
      sex: s.sexAccuracy,
    });
    console.log(
      `${p.threshold.toFixed(2)} ${String(p.minClusterSec).padStart(4)}  ${p.minClusterShare} ${p.minTrainSec} ${p.foldThreshold.toFixed(2)} ${String(p.backgroundLevelDb).padStart(3)} dB ${p.minGapSec.toFixed(1)} ${p.ownerWeight} ${p.minFit} ` +
        `${p.isolatedLevelDb} dB ${p.isolatedGapSec} ${p.isolatedShare} ${p.uniformCosine} ${p.steadySpreadDb} ${p.musicSpeechShare} ${p.musicProbability} ${p.musicMinPatches} | ` +
        `${(100 * s.countsExactRate).toFixed(1)} % | ${(100 * s.speakerCountWithinOneRate).toFixed(1)} % | ${s.derCollar025.toFixed(2)} % ` +
        `(miss ${pct(scores, 'missedSec')}, fa ${pct(scores, 'falseAlarmSec')}, conf ${pct(scores, 'confusionSec')}) | ${(100 * s.sexAccuracy).toFixed(1)} %`,
    );
  }
  const best = [...rows].sort((a, b) => b.exact - a.exact || a.der - b.der)[0];
  console.log(
    `best: threshold ${best.threshold}, minClusterSec ${best.minClusterSec}, minClusterShare ${best.minClusterShare}, minTrainSec ${best.minTrainSec}, foldThreshold ${best.foldThreshold}, backgroundLevelDb ${best.backgroundLevelDb}, minGapSec ${best.minGapSec}, ownerWeight ${best.ownerWeight}, minFit ${best.minFit}, ` +
      `isolatedLevelDb ${best.isolatedLevelDb}, isolatedGapSec ${best.isolatedGapSec}, isolatedShare ${best.isolatedShare}, uniformCosine ${best.uniformCosine}, steadySpreadDb ${best.steadySpreadDb}, musicSpeechShare ${best.musicSpeechShare}, musicProbability ${best.musicProbability}, musicMinPatches ${best.musicMinPatches} (${files.length} files from ${dirs.join(', ')})`,
  );
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ dirs, files: files.length, grid: rows, best }, null, 2));
}

/** Every combination of the values listed per key. */
function product<K extends string>(values: Record<K, number[]>): Array<Record<K, number>> {
  let out: Array<Record<K, number>> = [{} as Record<K, number>];
  for (const key of Object.keys(values) as K[]) out = out.flatMap((p) => values[key].map((v) => ({ ...p, [key]: v })));
  return out;
}

/** A DER component over all files, in percent of scored speech (collar 0.25). */
function pct(scores: ReturnType<typeof scoreFile>[], key: 'missedSec' | 'falseAlarmSec' | 'confusionSec'): string {
  let x = 0;
  let total = 0;
  for (const s of scores) {
    x += s.derCollar025[key];
    total += s.derCollar025.scoredSec;
  }
  return `${((100 * x) / total).toFixed(1)}`;
}
