/** Report inputs without the engine: diarization-like records built from scripted scenes and synthetic films. */
import { buildScene, type SceneVoice } from '../../bench/lib/scene.js';
import { measureFilm } from '../../src/measures/index.js';
import type { FilmRecord } from '../../src/report/index.js';
import { mulberry32 } from '../../tools/lib/rng.js';

function noiseVoice(id: string, sex: 'M' | 'F', seed: number): SceneVoice {
  const r = mulberry32(seed);
  const samples = new Float32Array(6 * 16000);
  for (let i = 0; i < samples.length; i++) samples[i] = (r() - 0.5) * 0.2;
  return { id, sex, samples };
}

function recordOf(
  file: string,
  durationSec: number,
  speakers: Array<{ id: string; sex: 'M' | 'F' }>,
  turns: FilmRecord['turns'],
): FilmRecord & { M: number; F: number } {
  const speechSec = new Map<string, number>();
  for (const t of turns) speechSec.set(t.speaker, (speechSec.get(t.speaker) ?? 0) + t.endSec - t.startSec);
  const spk = speakers
    .map((s) => ({ ...s, confidence: 0.9, speechSec: Math.round((speechSec.get(s.id) ?? 0) * 1000) / 1000 }))
    .sort((a, b) => b.speechSec - a.speechSec);
  const F = spk.filter((s) => s.sex === 'F').length;
  return { file, durationSec, speakers: spk, turns, M: spk.length - F, F, ...measureFilm(spk, turns) };
}

/** A record of a scripted scene of the given cast (truth turns, with overlaps). */
export function sceneRecord(
  file: string,
  cast: ReadonlyArray<'M' | 'F'>,
  seconds: number,
  seed: number,
): FilmRecord & { M: number; F: number } {
  const scene = buildScene(
    cast.map((sex, k) => noiseVoice(`SPK${String(k + 1).padStart(2, '0')}`, sex, seed * 10 + k)),
    { seconds, seed },
  );
  return recordOf(file, seconds, scene.speakers, scene.turns);
}

/**
 * A 2-hour film's turns without audio: 14 speakers, turns of 0.3-3 s in short conversations,
 * 10 % of them overlapping (more turns than a diarization of a real film gives).
 */
export function twoHourFilm(): FilmRecord {
  const r = mulberry32(42);
  const speakers = Array.from({ length: 14 }, (_, k) => ({
    id: `SPK${String(k + 1).padStart(2, '0')}`,
    sex: (k % 3 === 1 ? 'F' : 'M') as 'M' | 'F',
  }));
  const turns: Array<{ startSec: number; endSec: number; speaker: string }> = [];
  let t = 2;
  while (t < 7190) {
    const cast = [speakers[Math.floor(r() * 14)], speakers[Math.floor(r() * 14)], speakers[Math.floor(r() * 14)]];
    const n = 2 + Math.floor(r() * 12);
    let last = '';
    for (let k = 0; k < n && t < 7190; k++) {
      let s = cast[Math.floor(r() * 3)];
      if (s.id === last) s = cast.find((c) => c.id !== last) ?? s;
      last = s.id;
      const len = 0.3 + r() * 2.7;
      const start = r() < 0.1 && turns.length ? Math.max(turns[turns.length - 1].startSec + 0.1, t - 0.5) : t + 0.2 + r() * 0.8;
      turns.push({ startSec: round3(start), endSec: round3(Math.min(7200, start + len)), speaker: s.id });
      t = start + len;
    }
    t += 2.5 + r() * 3;
  }
  return recordOf('two-hour-film.wav', 7200, speakers, turns);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
