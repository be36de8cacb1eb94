/**
 * Scripted scenes (bench/lib/scene.ts) from the held-out test readers of ../shared/data, for the
 * per-film measures and the reports: WAV, reference RTTM and truth (speakers, turns, the
 * measures computed on the truth turns) per scene.
 *
 *   npx tsx tools/make-scenes.ts --count 20 --seconds 90 --out bench/results/scenes
 *   npx tsx tools/make-scenes.ts --count 1 --seconds 600 --cast F,F,M --out bench/results/scene-ffm
 *
 * Without --cast each scene gets 0-3 women and 0-3 men (at least one speaker). --set calib takes the
 * calibration readers instead of the held-out test readers, for choices made on scenes:
 *   npx tsx tools/make-scenes.ts --set calib --count 20 --seconds 90 --out bench/results/scenes-calib
 * and --set train the training readers, quick exchanges to fine-tune the segmentation model on
 * (tools/train_segmentation.py):
 *   npx tsx tools/make-scenes.ts --set train --count 150 --seconds 120 --seed 101 --out TRAIN_SCENES
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildScene } from '../bench/lib/scene.js';
import { pickSceneVoices } from '../bench/lib/scene-voices.js';
import { formatRttm } from '../src/io/index.js';
import { measureFilm } from '../src/measures/index.js';
import { mulberry32 } from './lib/rng.js';
import { type ReaderSplit, wavFloat32Bytes } from './lib/shared-data.js';

interface Args {
  count: number;
  seconds: number;
  out: string;
  seed: number;
  set: ReaderSplit;
  cast?: Array<'M' | 'F'>;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { count: 20, seconds: 90, out: 'bench/results/scenes', seed: 1, set: 'test' };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--count') a.count = Number(v);
    else if (k === '--seconds') a.seconds = Number(v);
    else if (k === '--out') a.out = v;
    else if (k === '--seed') a.seed = Number(v);
    else if (k === '--set') a.set = v as ReaderSplit;
    else if (k === '--cast') a.cast = v.split(',').map((s) => s.trim().toUpperCase() as 'M' | 'F');
    else throw new Error(`unknown argument ${k} (expected --count, --seconds, --out, --seed, --set, --cast)`);
  }
  if (!(['test', 'calib', 'train'] as const).includes(a.set)) throw new Error(`--set must be test, calib or train, received ${a.set}`);
  if (!(a.count >= 1 && a.seconds >= 20)) throw new Error('--count must be >= 1 and --seconds >= 20');
  if (a.cast && !a.cast.every((s) => s === 'M' || s === 'F')) throw new Error(`--cast expects a list of M and F, e.g. F,F,M`);
  return a;
}

const args = parseArgs(process.argv.slice(2));
const rand = mulberry32(args.seed * 104729 + 11);
mkdirSync(args.out, { recursive: true });
const truth: Record<string, unknown> = {};
for (let c = 0; c < args.count; c++) {
  const uri = `scene-${String(c + 1).padStart(3, '0')}`;
  let cast = args.cast;
  if (!cast) {
    const f = Math.floor(rand() * 4);
    const m = Math.max(f === 0 ? 1 : 0, Math.floor(rand() * 4));
    cast = [...Array<'F'>(f).fill('F'), ...Array<'M'>(m).fill('M')];
  }
  const voices = pickSceneVoices(cast, rand, args.set);
  const scene = buildScene(voices, { seconds: args.seconds, seed: args.seed * 1000 + c });
  writeFileSync(path.join(args.out, `${uri}.wav`), wavFloat32Bytes(scene.samples));
  writeFileSync(path.join(args.out, `${uri}.rttm`), formatRttm(uri, scene.turns));
  truth[uri] = {
    durationSec: scene.durationSec,
    speakers: scene.speakers,
    ...measureFilm(scene.speakers, scene.turns),
    turns: scene.turns,
  };
}
writeFileSync(path.join(args.out, 'truth.json'), JSON.stringify(truth, null, 1) + '\n');
process.stdout.write(`wrote ${args.count} scenes of ${args.seconds} s to ${args.out}\n`);
