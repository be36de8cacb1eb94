import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { DEFAULT_PIPELINE_CONFIG, validatePipelineConfig } from '../../src/pipeline/config.js';
import { countingVerdicts, isolatedShare, type ClusterFacts, type CountingRule } from '../../src/pipeline/counting.js';
import type { SpeakerTurn } from '../../src/types.js';

const STEADY = 1;

const rule: CountingRule = {
  minSpeechSec: 2,
  backgroundLevelDb: 15,
  isolatedLevelDb: 6,
  isolatedGapSec: 10,
  isolatedShare: 0.6,
  uniformCosine: 0.93,
  uniformMinChunks: 4,
  steadySpreadDb: STEADY,
  musicSpeechShare: 0.05,
};

const voice = (levelDb: number, over: Partial<ClusterFacts> = {}): ClusterFacts => ({
  speechSec: 20,
  levelDb,
  levelSpreadDb: 9,
  uniformity: 0.6,
  speechShare: 0.6,
  ...over,
});

const turn = (speaker: number, startSec: number, endSec: number): SpeakerTurn => ({ speaker, startSec, endSec });

describe('isolatedShare', () => {
  it('is the share of the speech farther than the gap from the other voices', () => {
    const turns = [turn(0, 0, 10), turn(1, 12, 20), turn(0, 30, 40)];
    // Speaker 1's turn, widened by 5 s, covers 7-10 s of speaker 0's 20 s.
    expect(isolatedShare(turns, 0, new Set([0, 1]), 5)).toBeCloseTo(17 / 20, 12);
    // Speaker 0's turns, widened by 5 s, cover 12-15 s of speaker 1's 8 s.
    expect(isolatedShare(turns, 1, new Set([0, 1]), 5)).toBeCloseTo(5 / 8, 12);
    // A speaker that is not among the voices is not a neighbour.
    expect(isolatedShare(turns, 0, new Set([0]), 5)).toBe(1);
    expect(isolatedShare(turns, 2, new Set([0, 1, 2]), 5)).toBe(0);
  });
});

describe('countingVerdicts', () => {
  // Two speakers talk in 0-60 s; then a quieter sound plays alone from 80 s.
  const turns = [turn(0, 0, 10), turn(1, 10, 20), turn(0, 20, 40), turn(1, 40, 60), turn(2, 80, 110)];

  it('counts the voices and turns away a quieter sound heard only where nobody speaks', () => {
    const facts = [voice(-20), voice(-29), voice(-32)];
    expect(countingVerdicts(facts, turns, rule)).toEqual([null, null, 'isolated']);
    // As loud as the voices, or near them, it is a speaker.
    expect(countingVerdicts([voice(-20), voice(-29), voice(-25)], turns, rule)).toEqual([null, null, null]);
    const near = [...turns.slice(0, 4), turn(2, 65, 75)];
    expect(isolatedShare(near, 2, new Set([0, 1, 2]), 10)).toBeCloseTo(0.5, 12);
    expect(countingVerdicts(facts, near, rule)).toEqual([null, null, null]);
    expect(countingVerdicts(facts, turns, { ...rule, isolatedLevelDb: 0 })).toEqual([null, null, null]);
  });

  it('a quiet speaker who talks with the others stays, and a loud one alone', () => {
    expect(countingVerdicts([voice(-20), voice(-30), voice(-20)], turns, rule)).toEqual([null, null, null]);
  });

  it('one voice alone is counted', () => {
    expect(countingVerdicts([voice(-30)], [turn(0, 0, 60)], rule)).toEqual([null]);
  });

  it('a cluster too small to judge its uniformity (NaN) is counted', () => {
    expect(countingVerdicts([voice(-20, { uniformity: Number.NaN })], [turn(0, 0, 5)], rule)).toEqual([null]);
  });

  it('turns away too little speech, a background voice, and a uniform sound', () => {
    const facts = [voice(-20), voice(-21, { speechSec: 1.5 }), voice(-36), voice(-22, { uniformity: 0.99 })];
    const all = [0, 1, 2, 3].map((k) => turn(k, 2 * k, 2 * k + 1.5));
    expect(countingVerdicts(facts, all, rule)).toEqual([null, 'short', 'background', 'uniform']);
    expect(countingVerdicts(facts, all, { ...rule, backgroundLevelDb: 0, uniformCosine: 0 })).toEqual([null, 'short', null, null]);
  });

  it('turns away a sound whose level hardly moves (whale song), even alone and loud', () => {
    const alone = [turn(0, 0, 60)];
    expect(countingVerdicts([voice(-20, { levelSpreadDb: 0.2 })], alone, rule)).toEqual(['steady']);
    expect(countingVerdicts([voice(-20, { levelSpreadDb: 0.2 })], alone, { ...rule, steadySpreadDb: 0 })).toEqual([null]);
    // A spread that cannot be judged (NaN) is not held against a voice.
    expect(countingVerdicts([voice(-20, { levelSpreadDb: Number.NaN })], alone, rule)).toEqual([null]);
  });

  it('turns away a sound the speech/music model hears as music nearly throughout (a singer), even alone and loud', () => {
    const alone = [turn(0, 0, 60)];
    expect(countingVerdicts([voice(-20, { speechShare: 0.01 })], alone, rule)).toEqual(['music']);
    expect(countingVerdicts([voice(-20, { speechShare: 0.05 })], alone, rule)).toEqual([null]);
    expect(countingVerdicts([voice(-20, { speechShare: 0.01 })], alone, { ...rule, musicSpeechShare: 0 })).toEqual([null]);
    // A share that cannot be judged (NaN: every chunk too short) is not held against a voice.
    expect(countingVerdicts([voice(-20, { speechShare: Number.NaN })], alone, rule)).toEqual([null]);
    // A voice over music is judged on its own share, not the song's.
    const both = [turn(0, 0, 30), turn(1, 10, 20)];
    expect(countingVerdicts([voice(-20, { speechShare: 0 }), voice(-18, { speechShare: 0.4 })], both, rule)).toEqual(['music', null]);
  });

  it('the loudest is taken among speakers with enough speech', () => {
    const facts = [voice(0, { speechSec: 1 }), voice(-20)];
    expect(countingVerdicts(facts, [turn(0, 0, 1), turn(1, 2, 22)], rule)).toEqual(['short', null]);
  });
});

describe('pipeline config of the counting rule', () => {
  it('holds the thresholds chosen on the calibration sets, the background rule off', () => {
    expect(DEFAULT_PIPELINE_CONFIG).toMatchObject({ ...rule, backgroundLevelDb: 0 });
  });

  it('names a field out of range', () => {
    expect(() => validatePipelineConfig({ isolatedShare: 1.5 })).toThrow(ConfigError);
    expect(() => validatePipelineConfig({ uniformCosine: -0.1 })).toThrow(/uniformCosine/);
    expect(() => validatePipelineConfig({ uniformMinChunks: 1.5 })).toThrow(/uniformMinChunks/);
    expect(() => validatePipelineConfig({ isolatedGapSec: Number.NaN })).toThrow(/isolatedGapSec/);
  });
});
