/**
 * End-to-end benchmark on simulated conversations of held-out LibriSpeech readers:
 * M/F counts exact per file, DER (md-eval, collar 0.25 and 0, overlap scored), sex right per
 * reference speaker, and speed.
 *
 *   npx tsx tools/simulate-conversations.ts --set test --count 60
 *   npm run eval:sim -- [bench/results/sim-test] [--json out.json] [--rttm-dir dir] [--cache dir]
 * With --cache, each file's analysis (segmentation, embeddings, sex features) is kept in dir and
 * reused, so later runs only re-run clustering and reconstruction (speed figures then mean little).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatRttm } from '../src/io/index.js';
import { createEngine, validatePipelineConfig } from '../src/pipeline/index.js';
import { cachedAnalysis } from '../tools/lib/analysis-cache.js';
import { conversationUris, readRefTurns, readTruth, scoreFile, summarise, type FileScore } from './lib/score-sim.js';

const argv = process.argv.slice(2);
const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const positional = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1].startsWith('--')));
const dir = positional[0] ?? 'bench/results/sim-test';
const jsonOut = flag('--json');
const rttmDir = flag('--rttm-dir');
const cacheDir = flag('--cache');
const truth = readTruth(dir);
const uris = conversationUris(dir);
const engine = await createEngine({ threads: Number(process.env.THREADS ?? 2) });
const cfg = validatePipelineConfig();
const scores: FileScore[] = [];
let audioSec = 0;
const t0 = performance.now();
if (rttmDir) mkdirSync(rttmDir, { recursive: true });
for (const uri of uris) {
  const file = path.join(dir, `${uri}.wav`);
  const d = cacheDir ? engine.assemble(uri, await cachedAnalysis(engine, file, cfg, cacheDir), cfg) : await engine.diarize(file);
  audioSec += d.durationSec;
  if (rttmDir) writeFileSync(path.join(rttmDir, `${uri}.rttm`), formatRttm(uri, d.turns));
  const s = scoreFile(uri, readRefTurns(dir, uri), d, truth[uri], d.durationSec, 2);
  scores.push(s);
  process.stdout.write(
    `${uri}  truth F${s.countsTruth.F} M${s.countsTruth.M}  ours F${s.countsHyp.F} M${s.countsHyp.M}  ${s.countsExact ? 'ok ' : 'BAD'}  ` +
      `DER(c=0.25) ${s.derCollar025.der.toFixed(2)}%  sex ${s.sexRight}/${s.sexTotal}\n`,
  );
}
const elapsedSec = (performance.now() - t0) / 1000;
await engine.dispose();
const sum = summarise(scores);
const pct = ([lo, hi]: [number, number]) => `95 % CI ${(100 * lo).toFixed(1)}-${(100 * hi).toFixed(1)}`;
const wrongFiles = scores.filter((s) => !s.countsExact).length;
const top = sum.speakersInErrors.slice(0, 5);
const out = { dir, ...sum, audioSec, elapsedSec, realTimeFactor: elapsedSec / audioSec, peakRssMb: process.resourceUsage().maxRSS / 1024 };
process.stdout.write(
  `\nfiles ${sum.files}  M/F counts exact ${(100 * sum.countsExactRate).toFixed(1)}% (${pct(sum.countsExactInterval)}; target >= 90)  ` +
    `DER collar 0.25 ${sum.derCollar025.toFixed(2)}% (target <= 10)  DER collar 0 ${sum.derCollar0.toFixed(2)}%  ` +
    `sex right ${(100 * sum.sexAccuracy).toFixed(1)}% of ${sum.sexSpeakers} speakers (${pct(sum.sexAccuracyInterval)}; target >= 97)\n` +
    `speaker count exact ${(100 * sum.speakerCountExactRate).toFixed(1)}%, within one ${(100 * sum.speakerCountWithinOneRate).toFixed(1)}%  ` +
    `missed ${sum.missedSec.toFixed(1)} s  false alarm ${sum.falseAlarmSec.toFixed(1)} s  confusion ${sum.confusionSec.toFixed(1)} s\n` +
    (top.length > 0
      ? `reference speakers lost or given the other sex in the ${wrongFiles} wrong files, most first: ${top.map((t) => `${t.speaker} ${t.files}`).join(', ')}\n`
      : '') +
    `${audioSec.toFixed(0)} s of audio in ${elapsedSec.toFixed(1)} s (RTF ${(elapsedSec / audioSec).toFixed(4)}), peak RSS ${out.peakRssMb.toFixed(0)} MB\n`,
);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ ...out, perFile: scores }, null, 1) + '\n');
