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
 * lowest DER) is what DEFAULT_CLUSTERING_CONFIG should hold.
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
const THRESHOLDS = [0.55, 0.6, 0.65];
const MIN_CLUSTER_SEC = [10, 15];
const FOLD_THRESHOLDS = [1.0];
const BACKGROUND_DB = [0, 10, 12, 15, 18, 21, 25];

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
  console.log('threshold minClusterSec foldThreshold | M/F exact | total within 1 | DER c0.25 | sex right');
  for (const threshold of THRESHOLDS) {
    for (const minClusterSec of MIN_CLUSTER_SEC) {
      for (const foldThreshold of minClusterSec === 0 ? [0] : FOLD_THRESHOLDS) {
        for (const backgroundLevelDb of BACKGROUND_DB) {
          const cfg = validatePipelineConfig({ backgroundLevelDb, clustering: { threshold, minClusterSec, foldThreshold } });
          const scores = files.map((f) => {
            const d = engine.assemble(f.uri, f.analysis, cfg);
            return scoreFile(f.uri, readRefTurns(f.dir, f.uri), d, truths.get(f.dir)![f.uri], f.analysis.durationSec, cfg.minSpeechSec);
          });
          const s = summarise(scores);
          const within1 = s.speakerCountWithinOneRate;
          rows.push({
            threshold,
            minClusterSec,
            foldThreshold,
            backgroundLevelDb,
            exact: s.countsExactRate,
            within1,
            der: s.derCollar025,
            sex: s.sexAccuracy,
          });
          console.log(
            `${threshold.toFixed(2)} ${String(minClusterSec).padStart(4)} ${foldThreshold.toFixed(2)} ${String(backgroundLevelDb).padStart(3)} dB | ${(100 * s.countsExactRate).toFixed(1)} % | ${(100 * within1).toFixed(1)} % | ${s.derCollar025.toFixed(2)} % (miss ${pct(scores, 'missedSec')}, fa ${pct(scores, 'falseAlarmSec')}, conf ${pct(scores, 'confusionSec')}) | ${(100 * s.sexAccuracy).toFixed(1)} %`,
          );
        }
      }
    }
  }
  const best = [...rows].sort((a, b) => b.exact - a.exact || a.der - b.der)[0];
  console.log(
    `best: threshold ${best.threshold}, minClusterSec ${best.minClusterSec}, foldThreshold ${best.foldThreshold}, backgroundLevelDb ${best.backgroundLevelDb} (${files.length} files from ${dirs.join(', ')})`,
  );
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ dirs, files: files.length, grid: rows, best }, null, 2));
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
