/**
 * Calibrate the pipeline's thresholds on simulated conversations of the calibration readers.
 *
 *   npx tsx tools/simulate-conversations.ts --set calib --count 150
 *   npx tsx tools/calibrate.ts bench/results/sim-calib [--json bench/results/calibration.json]
 *
 * For each VAD variant, every file is analysed once (VAD + window embeddings); clustering,
 * reconstruction and sex are then re-run for each point of the grid (clustering threshold,
 * minClusterSec, foldThreshold). Prints M/F count accuracy, DER (collar 0.25 and 0) and sex
 * accuracy per point; the best (most exact M/F counts, then lowest DER at collar 0.25) is what
 * DEFAULT_PIPELINE_CONFIG holds. The held-out readers are never used here: bench/eval-sim.ts
 * measures the chosen setting on them.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assembleDiarization, createEngine, validatePipelineConfig, type DiarizationDetails } from '../src/pipeline/index.js';
import type { VadConfig } from '../src/vad/index.js';
import { SexClassifier } from '../src/sex/index.js';
import { SpeakerProjection } from '../src/clustering/projection.js';
import { readRefTurns, readTruth, scoreFile, summarise } from '../bench/lib/score-sim.js';

const args = process.argv.slice(2);
const dir = args[0];
if (!dir) {
  process.stderr.write('usage: npx tsx tools/calibrate.ts <dir with wav, rttm and truth.json> [--json out.json]\n');
  process.exit(2);
}
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;

const VAD_GRID: Array<Partial<VadConfig>> = [
  { onsetThreshold: 0.5, offsetThreshold: 0.35, minSilenceSec: 0.1, speechPadSec: 0.03 },
  { onsetThreshold: 0.5, offsetThreshold: 0.35, minSilenceSec: 0.3, speechPadSec: 0.1 },
  { onsetThreshold: 0.4, offsetThreshold: 0.25, minSilenceSec: 0.3, speechPadSec: 0.1 },
];
// Distances in the LDA space are larger than in the raw space: each has its own grid.
const THRESHOLDS = args.includes('--no-lda') ? [0.3, 0.325, 0.35, 0.375, 0.4] : [0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8];
const MIN_CLUSTER_SEC = [0, 3, 4, 5];
const FOLD_THRESHOLDS = [0.3, 0.4, 2];

const truth = readTruth(dir);
const uris = readdirSync(dir).filter((f) => f.endsWith('.wav')).map((f) => f.replace(/\.wav$/, '')).sort();
const refs = new Map(uris.map((u) => [u, readRefTurns(dir, u)]));
const sex = SexClassifier.load();
// --no-lda measures the raw voice-encoder space, for comparison.
const projection = args.includes('--no-lda') ? undefined : SpeakerProjection.load();
const rows: Array<Record<string, unknown>> = [];

for (const vad of VAD_GRID) {
  const engine = await createEngine({ config: { vad } });
  const analyses: Array<{ uri: string; details: DiarizationDetails }> = [];
  try {
    for (const [i, uri] of uris.entries()) {
      const { details } = await engine.diarizeWithDetails(path.join(dir, `${uri}.wav`));
      analyses.push({ uri, details });
      process.stderr.write(`\rvad ${JSON.stringify(vad)}: analysed ${i + 1}/${uris.length}`);
    }
  } finally {
    await engine.dispose();
  }
  process.stderr.write('\n');
  for (const threshold of THRESHOLDS) {
    for (const minClusterSec of MIN_CLUSTER_SEC) {
      for (const foldThreshold of minClusterSec === 0 ? [0] : FOLD_THRESHOLDS) {
        const cfg = validatePipelineConfig({ vad, minClusterSec, foldThreshold, clustering: { threshold } });
        const scores = analyses.map(({ uri, details }) =>
          scoreFile(uri, refs.get(uri)!, assembleDiarization(uri, details, cfg, sex, projection), truth[uri], details.durationSec, cfg.minSpeechSec),
        );
        const s = summarise(scores);
        rows.push({ vad, threshold, minClusterSec, foldThreshold, ...s });
        process.stdout.write(
          `onset ${vad.onsetThreshold} minSilence ${vad.minSilenceSec} | threshold ${threshold.toFixed(3)} minCluster ${minClusterSec} fold ${foldThreshold} | ` +
            `counts exact ${(100 * s.countsExactRate).toFixed(1)}%  speakers exact ${(100 * s.speakerCountExactRate).toFixed(1)}%  ` +
            `DER(c=0.25) ${s.derCollar025.toFixed(2)}%  DER(c=0) ${s.derCollar0.toFixed(2)}%  sex ${(100 * s.sexAccuracy).toFixed(1)}%\n`,
        );
      }
    }
  }
}
const num = (r: Record<string, unknown>, k: string) => r[k] as number;
const best = [...rows].sort((a, b) => num(b, 'countsExactRate') - num(a, 'countsExactRate') || num(a, 'derCollar025') - num(b, 'derCollar025'))[0];
process.stdout.write(`best: ${JSON.stringify(best)}\n`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ dir, files: uris.length, rows, best }, null, 1) + '\n');
