/**
 * Voices for scripted scenes: held-out test readers of ../shared/data (tools/lib/shared-data.ts:
 * readerSplit), or calibration readers, for choosing on scenes without looking at the test readers,
 * or training readers, for fine-tuning on quick exchanges.
 */
import { type ReaderSplit, readerSplit, readLibriSpeakers, readWav16k } from '../../tools/lib/shared-data.js';
import type { SceneVoice } from './scene.js';

/** One distinct reader per entry of `cast`, drawn with `rand`; ids are `<sex><rank>-<reader>`. */
export function pickSceneVoices(cast: ReadonlyArray<'M' | 'F'>, rand: () => number, set: ReaderSplit = 'test'): SceneVoice[] {
  // Utterances long enough to cut several different turns from.
  const pool = readLibriSpeakers().filter((r) => readerSplit(r.speaker) === set && r.seconds >= 8);
  return cast.map((sex, k) => {
    const candidates = pool.filter((r) => r.sex === sex);
    const r = candidates[Math.floor(rand() * candidates.length)];
    pool.splice(pool.indexOf(r), 1);
    return { id: `${sex}${k + 1}-${r.speaker}`, sex, samples: readWav16k(r.file) };
  });
}
