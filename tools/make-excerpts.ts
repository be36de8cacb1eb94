/**
 * Short recordings for calibration: one excerpt of --sec seconds (default 30) from each
 * conversation of a generated set, at a seeded random offset, as 16 kHz mono float WAV with its
 * reference cut and shifted (rttm, uem, truth.json: speakers with at least 1 s / 2 s in the
 * excerpt). A 30 s excerpt of a film scene has the few seconds per voice of a short clip or of
 * the AMI excerpts, which the full-length sets never have.
 *
 *   npx tsx tools/make-excerpts.ts bench/results/film-calib2 bench/results/film-calib2-30s [--sec 30] [--seed 1]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resample } from '../src/audio/index.js';
import { conversationUris, readRefTurns, readTruth } from '../bench/lib/score-sim.js';
import { mulberry32 } from './lib/rng.js';
import { readWavMono, wavBytes } from './lib/wav.js';

const args = process.argv.slice(2);
const [inDir, outDir] = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
const opt = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
if (!inDir || !outDir) {
  process.stderr.write('usage: npx tsx tools/make-excerpts.ts <set dir> <out dir> [--sec 30] [--seed 1]\n');
  process.exit(2);
}
const sec = opt('--sec', 30);
const rand = mulberry32(opt('--seed', 1));
const SR = 16000;
mkdirSync(outDir, { recursive: true });
const truthIn = readTruth(inDir);
const truthOut: Record<string, unknown> = {};
for (const uri of conversationUris(inDir)) {
  const { samples, rateHz } = readWavMono(path.join(inDir, `${uri}.wav`));
  const x = rateHz === SR ? samples : resample(samples, rateHz, SR);
  const durSec = x.length / SR;
  if (durSec < sec) continue;
  const startSec = Math.round(rand() * (durSec - sec) * 1000) / 1000;
  const piece = x.slice(Math.round(startSec * SR), Math.round(startSec * SR) + sec * SR);
  const out = `${uri}-${sec}s`;
  writeFileSync(path.join(outDir, `${out}.wav`), wavBytes([piece], SR, 'f32'));
  const speech: Record<string, number> = {};
  const lines: string[] = [];
  for (const t of readRefTurns(inDir, uri)) {
    const s = Math.max(t.startSec, startSec) - startSec;
    const e = Math.min(t.endSec, startSec + sec) - startSec;
    if (e <= s) continue;
    lines.push(`SPEAKER ${out} 1 ${s.toFixed(3)} ${(e - s).toFixed(3)} <NA> <NA> ${t.speaker} <NA> <NA>`);
    speech[t.speaker] = (speech[t.speaker] ?? 0) + e - s;
  }
  writeFileSync(path.join(outDir, `${out}.rttm`), lines.length ? `${lines.join('\n')}\n` : '');
  writeFileSync(path.join(outDir, `${out}.uem`), `${out} 1 0.000 ${sec.toFixed(3)}\n`);
  const sexBy = truthIn[uri].sex_by_speaker;
  const counts = (min: number) => {
    const c = { M: 0, F: 0 };
    for (const [id, s] of Object.entries(speech)) if (s >= min) c[sexBy[id]]++;
    return c;
  };
  truthOut[out] = {
    speech_by_speaker: Object.fromEntries(Object.entries(speech).map(([k, v]) => [k, Number(v.toFixed(3))])),
    sex_by_speaker: Object.fromEntries(Object.keys(speech).map((k) => [k, sexBy[k]])),
    counts_min1s: counts(1),
    counts_min2s: counts(2),
  };
}
writeFileSync(path.join(outDir, 'truth.json'), `${JSON.stringify(truthOut, null, 1)}\n`);
process.stdout.write(`wrote ${Object.keys(truthOut).length} excerpts of ${sec} s to ${outDir}\n`);
