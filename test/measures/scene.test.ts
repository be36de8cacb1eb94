/**
 * The measures against scripted scenes whose replies are known by construction
 * (bench/lib/scene.ts): exactly on the truth turns, and end to end on the audio with tolerance.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScene, type SceneVoice } from '../../bench/lib/scene.js';
import { mulberry32 } from '../../tools/lib/rng.js';
import { pickSceneVoices } from '../../bench/lib/scene-voices.js';
import { SHARED_DATA_DIR, wavFloat32Bytes } from '../../tools/lib/shared-data.js';
import { measureFilm } from '../../src/measures/index.js';
import { createEngine, type Engine } from '../../src/pipeline/index.js';

/** Voices for the exact tests: bursts of noise stand in for speech (only the timing matters there). */
function noiseVoice(id: string, sex: 'M' | 'F', seed: number): SceneVoice {
  const r = mulberry32(seed);
  const samples = new Float32Array(8 * 16000);
  for (let i = 0; i < samples.length; i++) samples[i] = (r() - 0.5) * 0.2;
  return { id, sex, samples };
}

describe('measures on scripted scenes (truth turns)', () => {
  const casts: Array<Array<[string, 'M' | 'F']>> = [
    [
      ['F1', 'F'],
      ['F2', 'F'],
      ['M1', 'M'],
    ],
    [
      ['F1', 'F'],
      ['F2', 'F'],
      ['F3', 'F'],
      ['M1', 'M'],
      ['M2', 'M'],
    ],
    [
      ['F1', 'F'],
      ['M1', 'M'],
      ['M2', 'M'],
    ],
    [
      ['M1', 'M'],
      ['M2', 'M'],
    ],
    [['F1', 'F']],
  ];
  for (const [c, cast] of casts.entries()) {
    for (const seed of [1, 2, 3]) {
      it(`cast ${cast.map((x) => x[0]).join('+')}, seed ${seed}: replies, women's run and share as scripted`, () => {
        const scene = buildScene(
          cast.map(([id, sex], k) => noiseVoice(id, sex, 100 * c + k)),
          { seconds: 300, seed },
        );
        const m = measureFilm(scene.speakers, scene.turns);
        const e = scene.expected;
        expect({ FF: m.exchanges.FF, FM: m.exchanges.FM, MF: m.exchanges.MF, MM: m.exchanges.MM }).toEqual({
          FF: e.FF,
          FM: e.FM,
          MF: e.MF,
          MM: e.MM,
        });
        if (e.longestWomenRun === null) expect(m.exchanges.longestWomenRun).toBeNull();
        else {
          expect(m.exchanges.longestWomenRun).toMatchObject({ speakers: e.longestWomenRun.speakers, turns: e.longestWomenRun.turns });
          expect(m.exchanges.longestWomenRun!.startSec).toBeCloseTo(e.longestWomenRun.startSec, 3);
          expect(m.exchanges.longestWomenRun!.endSec).toBeCloseTo(e.longestWomenRun.endSec, 3);
        }
        const { M, F } = e.speechSecBySex;
        expect(m.speechShareF).toBeCloseTo(F / (M + F), 4);
        const women = cast.filter((x) => x[1] === 'F').length;
        expect(m.bechdelVoice.atLeastTwoWomen).toBe(women >= 2);
        // Every third conversation is two women only, with at least 3 turns.
        expect(m.bechdelVoice.womenTalkToEachOther).toBe(women >= 2);
        if (women >= 2) expect(e.FF).toBeGreaterThan(0);
      });
    }
  }
});

const hasData =
  existsSync(path.join(SHARED_DATA_DIR, 'librispeech', 'speakers.csv')) && existsSync(path.join(SHARED_DATA_DIR, 'ina', 'lamartine.wav'));
if (!hasData)
  console.warn(`[measures] end-to-end cases skipped: ${SHARED_DATA_DIR} (librispeech, ina) not found (set COUNT_SPEAKERS_DATA)`);

describe.skipIf(!hasData)('measures end to end', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'cs-scene-'));
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ threads: 1 });
  });
  afterAll(async () => {
    await engine?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("lamartine.wav: a woman reads, then a man: one reply, no women's exchange", async () => {
    const d = await engine.diarize(path.join(SHARED_DATA_DIR, 'ina', 'lamartine.wav'));
    // About 8 s of her, then 7 s of him (ina/truth.json).
    expect(d.speechShareF).toBeGreaterThan(0.45);
    expect(d.speechShareF).toBeLessThan(0.65);
    expect(d.exchanges).toMatchObject({ FF: 0, FM: 1, MF: 0, MM: 0, longestWomenRun: null });
    expect(d.bechdelVoice).toMatchObject({ atLeastTwoWomen: false, womenTalkToEachOther: false });
  });

  it('a 10-minute scene of two women who talk to each other and a man: counts, share and exchanges', async () => {
    // The scene of `npx tsx tools/make-scenes.ts --count 1 --seconds 600 --cast F,F,M` (seed 1).
    const voices = pickSceneVoices(['F', 'F', 'M'], mulberry32(1 * 104729 + 11));
    const scene = buildScene(voices, { seconds: 600, seed: 1000 });
    const file = path.join(tmp, 'scene.wav');
    writeFileSync(file, wavFloat32Bytes(scene.samples));
    const truth = measureFilm(scene.speakers, scene.turns);

    const d = await engine.diarize(file);
    console.log(
      `[measures] scene 600 s: truth F/M 2/1, share ${truth.speechShareF}, FF ${truth.exchanges.FF} FM ${truth.exchanges.FM} MF ${truth.exchanges.MF} run ${truth.exchanges.longestWomenRun?.turns}; ` +
        `engine F/M ${d.counts.F}/${d.counts.M}, share ${d.speechShareF}, FF ${d.exchanges.FF} FM ${d.exchanges.FM} MF ${d.exchanges.MF} run ${d.exchanges.longestWomenRun?.turns}`,
    );
    expect(d.counts).toEqual({ F: 2, M: 1 });
    expect(Math.abs(d.speechShareF! - truth.speechShareF!)).toBeLessThan(0.05);
    expect(Math.abs(d.exchanges.FF - truth.exchanges.FF)).toBeLessThanOrEqual(Math.max(3, 0.2 * truth.exchanges.FF));
    const mixed = truth.exchanges.FM + truth.exchanges.MF;
    expect(Math.abs(d.exchanges.FM + d.exchanges.MF - mixed)).toBeLessThanOrEqual(Math.max(3, 0.2 * mixed));
    expect(d.exchanges.longestWomenRun!.turns).toBeGreaterThanOrEqual(Math.min(truth.exchanges.longestWomenRun!.turns, 3));
    expect(d.bechdelVoice).toMatchObject({ atLeastTwoWomen: true, womenTalkToEachOther: true });
  }, 600_000);
});
