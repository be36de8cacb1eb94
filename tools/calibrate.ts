/**
 * Calibrate the clustering threshold on simulated conversations of the calibration readers.
 *
 *   npx tsx tools/simulate-conversations.ts --set calib --count 60
 *   npx tsx tools/calibrate.ts bench/results/sim-calib [--json bench/results/calibration.json]
 *
 * Each file is analysed once (VAD + embeddings); the clustering, reconstruction and sex steps
 * are re-run for each candidate threshold. Prints, per threshold, M/F count accuracy, DER
 * (collar 0.25 and 0) and sex accuracy; the best threshold (most exact counts, then lowest DER)
 * is the one to put in DEFAULT_CLUSTERING_CONFIG.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine, validatePipelineConfig, assembleDiarization, type DiarizationDetails } from '../src/pipeline/index.js';
import { SexClassifier } from '../src/sex/index.js';
import { readRefTurns, readTruth, scoreFile, summarise } from '../bench/lib/score-sim.js';

const args = process.argv.slice(2);
const dir = args[0];
if (!dir) {
  process.stderr.write('usage: npx tsx tools/calibrate.ts <dir with wav, rttm and truth.json> [--json out.json]\n');
  process.exit(2);
}
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
const truth = readTruth(dir);
const uris = readdirSync(dir).filter((f) => f.endsWith('.wav')).map((f) => f.replace(/\.wav$/, '')).sort();
const engine = await createEngine();
const analyses: Array<{ uri: string; details: DiarizationDetails }> = [];
for (const [i, uri] of uris.entries()) {
  const { details } = await engine.diarizeWithDetails(path.join(dir, `${uri}.wav`));
  analyses.push({ uri, details });
  process.stderr.write(`\ranalysed ${i + 1}/${uris.length}`);
}
process.stderr.write('\n');
await engine.dispose();
const sex = SexClassifier.load();

const rows: Array<Record<string, number>> = [];
for (let threshold = 0.3; threshold <= 0.801; threshold += 0.025) {
  const cfg = validatePipelineConfig({ clustering: { threshold: Number(threshold.toFixed(3)) } });
  const scores = analyses.map(({ uri, details }) =>
    scoreFile(uri, readRefTurns(dir, uri), assembleDiarization(uri, details, cfg, sex), truth[uri], details.durationSec, cfg.minSpeechSec),
  );
  const s = summarise(scores);
  rows.push({ threshold: Number(threshold.toFixed(3)), ...s });
  process.stdout.write(
    `threshold ${threshold.toFixed(3)}  counts exact ${(100 * s.countsExactRate).toFixed(1)}%  speakers exact ${(100 * s.speakerCountExactRate).toFixed(1)}%  ` +
      `DER(c=0.25) ${s.derCollar025.toFixed(2)}%  DER(c=0) ${s.derCollar0.toFixed(2)}%  sex ${(100 * s.sexAccuracy).toFixed(1)}%\n`,
  );
}
const best = [...rows].sort((a, b) => b.countsExactRate - a.countsExactRate || a.derCollar025 - b.derCollar025)[0];
process.stdout.write(`best threshold: ${best.threshold}\n`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ dir, files: uris.length, rows, best }, null, 1) + '\n');
