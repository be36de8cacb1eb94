/**
 * Calibrate clustering.linkThreshold, the average-linkage cut that joins the block clusters of
 * long recordings (src/clustering/index.ts: clusterByBlocks), on 10-minute films of
 * calibration readers. The simulated conversations of tools/calibrate.ts are too short to have
 * blocks, so they cannot choose it.
 *
 *   npx tsx tools/calibrate-films.ts [--films 15] [--minutes 10] [--dir bench/results/calib-films]
 *
 * Each film: 2-6 readers of the calib split (readers with >= 8 s of speech, taken in turn, as
 * many women as men or one more of either), their utterances looped in turns of 2-8 s with 0.2-1.5 s pauses
 * (bench/lib/conversation.ts, as bench:scale's films), 16 kHz mono. Each film is analysed once;
 * clustering, reconstruction and sex are re-run for each threshold. Prints the found counts
 * per film and how many films have exactly the right numbers of women and men.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { readAudio } from '../src/audio/index.js';
import { SpeakerProjection } from '../src/clustering/projection.js';
import { assembleDiarization, createEngine, validatePipelineConfig, type DiarizationDetails } from '../src/pipeline/index.js';
import { SexClassifier } from '../src/sex/index.js';
import { writeConversation, type Voice } from '../bench/lib/conversation.js';
import { readerSplit, readLibriSpeakers, REPO_ROOT } from './lib/shared-data.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const FILMS = Number(opt('--films', '15'));
const MINUTES = Number(opt('--minutes', '10'));
const DIR = opt('--dir', path.join(REPO_ROOT, 'bench/results/calib-films'));
const LINK_THRESHOLDS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8];

const calib = readLibriSpeakers().filter((r) => readerSplit(r.speaker) === 'calib' && r.seconds >= 8);
const women = calib.filter((r) => r.sex === 'F');
const men = calib.filter((r) => r.sex === 'M');
mkdirSync(DIR, { recursive: true });
const films: Array<{ file: string; truth: { F: number; M: number } }> = [];
let nextWoman = 0;
let nextMan = 0;
for (let f = 0; f < FILMS; f++) {
  // 2-6 voices (films 0, 5, 10... have 2), as many women as men or one more of either.
  const voicesInFilm = 2 + (f % 5);
  const nWomen = Math.floor(voicesInFilm / 2) + (voicesInFilm % 2 === 1 && f % 2 === 0 ? 1 : 0);
  const truth = { F: nWomen, M: voicesInFilm - nWomen };
  const pick = [
    ...Array.from({ length: truth.F }, () => women[nextWoman++ % women.length]),
    ...Array.from({ length: truth.M }, () => men[nextMan++ % men.length]),
  ];
  const file = path.join(DIR, `calib-film-${f}-${truth.F}F${truth.M}M.wav`);
  films.push({ file, truth });
  if (existsSync(file)) continue;
  const voices: Voice[] = [];
  for (const r of pick) voices.push({ id: r.speaker, sex: r.sex, samples: (await readAudio(r.file)).samples });
  writeConversation(file, voices, MINUTES * 60, 16000, 1, 500 + f);
  process.stderr.write(`wrote ${file}: ${pick.map((r) => `${r.speaker}${r.sex}`).join(' ')}\n`);
}

const engine = await createEngine({});
const analyses: Array<{ file: string; details: DiarizationDetails }> = [];
try {
  for (const { file } of films) analyses.push({ file, details: (await engine.diarizeWithDetails(file)).details });
} finally {
  await engine.dispose();
}
const sex = SexClassifier.load();
const projection = SpeakerProjection.load();
for (const linkThreshold of LINK_THRESHOLDS) {
  const cfg = validatePipelineConfig({ clustering: { linkThreshold } });
  const found = analyses.map(({ file, details }) => assembleDiarization(path.basename(file), details, cfg, sex, projection).counts);
  const exact = found.filter((c, i) => c.F === films[i].truth.F && c.M === films[i].truth.M).length;
  const off = found.reduce((a, c, i) => a + Math.abs(c.F - films[i].truth.F) + Math.abs(c.M - films[i].truth.M), 0);
  process.stdout.write(
    `linkThreshold ${linkThreshold.toFixed(2)} | M/F exact: ${exact}/${found.length} | total miscount ${off} | ${found.map((c) => `${c.F}F${c.M}M`).join(' ')}\n`,
  );
}
