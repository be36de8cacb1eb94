import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { measureFilm, previousTurns, speechSecBySex, unionSec, type MeasuredSpeaker } from '../../src/measures/index.js';
import { overridesFromOptions } from '../../src/pipeline/config.js';

const t = (speaker: string, startSec: number, endSec: number) => ({ speaker, startSec, endSec });
const cast: MeasuredSpeaker[] = [
  { id: 'F1', sex: 'F' },
  { id: 'F2', sex: 'F' },
  { id: 'M1', sex: 'M' },
];

describe('exchanges', () => {
  it('counts two women answering each other, and their run', () => {
    const m = measureFilm(cast, [t('F1', 0, 3), t('F2', 3.5, 6), t('F1', 6.2, 9), t('F2', 10, 12)]);
    expect(m.exchanges).toEqual({
      gapSec: 2,
      FF: 3,
      FM: 0,
      MF: 0,
      MM: 0,
      longestWomenRun: { startSec: 0, endSec: 12, speakers: ['F1', 'F2'], turns: 4 },
    });
    expect(m.bechdelVoice).toEqual({
      atLeastTwoWomen: true,
      womenTalkToEachOther: true,
      thresholds: { minWomen: 2, minWomenRunTurns: 3, exchangeGapSec: 2 },
    });
  });

  it('does not count a reply after a longer silence than the gap', () => {
    const turns = [t('F1', 0, 3), t('F2', 5.5, 8)];
    expect(measureFilm(cast, turns).exchanges.FF).toBe(0);
    expect(measureFilm(cast, turns, { exchangeGapSec: 3 }).exchanges.FF).toBe(1);
    // The gap is inclusive.
    expect(measureFilm(cast, [t('F1', 0, 3), t('F2', 5, 8)]).exchanges.FF).toBe(1);
  });

  it("takes a turn that starts inside another speaker's turn as a reply to it", () => {
    // M1 talks over F1's end; F1 answers after M1 stops, though her own turn ended later than his start.
    const m = measureFilm(cast, [t('F1', 0, 5), t('M1', 4, 6), t('F1', 6.5, 8)]);
    expect([m.exchanges.FM, m.exchanges.MF, m.exchanges.FF, m.exchanges.MM]).toEqual([1, 1, 0, 0]);
    // Overlapped speech given for both speakers: F2 inside F1's turn replies to F1; F1's next turn to F2.
    const o = measureFilm(cast, [t('F1', 0, 6), t('F2', 5, 9), t('F1', 8.5, 11)]);
    expect(o.exchanges.FF).toBe(2);
    expect(o.exchanges.longestWomenRun).toEqual({ startSec: 0, endSec: 11, speakers: ['F1', 'F2'], turns: 3 });
  });

  it("continues a speaker's turn split by a short pause instead of counting a reply", () => {
    const m = measureFilm(cast, [t('F1', 0, 3), t('F1', 3.5, 5), t('F2', 5.5, 8), t('F2', 8.3, 9), t('F1', 9.5, 11)]);
    expect(m.exchanges.FF).toBe(2);
    expect(m.exchanges.longestWomenRun).toEqual({ startSec: 0, endSec: 11, speakers: ['F1', 'F2'], turns: 3 });
  });

  it("breaks the women's run when a man speaks in between", () => {
    const m = measureFilm(cast, [t('F1', 0, 2), t('F2', 2.5, 4), t('M1', 4.5, 6), t('F1', 6.5, 8), t('F2', 8.5, 10)]);
    expect([m.exchanges.FF, m.exchanges.FM, m.exchanges.MF, m.exchanges.MM]).toEqual([2, 1, 1, 0]);
    expect(m.exchanges.longestWomenRun?.turns).toBe(2);
    expect(m.bechdelVoice.womenTalkToEachOther).toBe(false);
    expect(
      measureFilm(cast, [t('F1', 0, 2), t('F2', 2.5, 4), t('M1', 4.5, 6)], { minWomenRunTurns: 2 }).bechdelVoice.womenTalkToEachOther,
    ).toBe(true);
  });

  it('accepts turns in any order and ignores turns of unknown speakers', () => {
    const turns = [t('F2', 3.5, 6), t('X', 2, 3.4), t('F1', 0, 3)];
    expect(measureFilm(cast, turns).exchanges.FF).toBe(1);
  });

  it('gives each turn at most one previous turn: the one that held the floor last', () => {
    // Three at once: the latest to start before turn 3 wins the tie of "still speaking".
    expect([...previousTurns([t('A', 0, 10), t('B', 2, 10), t('C', 4, 10), t('C', 12, 13)], 2)]).toEqual([-1, 0, 1, 2]);
    expect([...previousTurns([t('A', 0, 1), t('B', 10, 11)], 2)]).toEqual([-1, -1]);
  });

  it('answers no to both questions with fewer than two women', () => {
    const m = measureFilm(
      [
        { id: 'F1', sex: 'F' },
        { id: 'M1', sex: 'M' },
      ],
      [t('F1', 0, 3), t('M1', 3.5, 6)],
    );
    expect(m.bechdelVoice.atLeastTwoWomen).toBe(false);
    expect(m.bechdelVoice.womenTalkToEachOther).toBe(false);
    expect(m.exchanges.longestWomenRun).toBeNull();
  });
});

describe('speech share', () => {
  it("counts a speaker's overlapping turns once and two speakers at once both", () => {
    const turns = [t('F1', 0, 4), t('F1', 2, 6), t('M1', 0, 4)];
    expect(unionSec(turns.slice(0, 2))).toBe(6);
    expect(
      speechSecBySex(
        turns,
        new Map([
          ['F1', 'F'],
          ['M1', 'M'],
        ]),
      ),
    ).toEqual({ F: 6, M: 4 });
    expect(measureFilm(cast, turns).speechShareF).toBe(0.6);
  });

  it('is null without speech (silence is not a 0 % film)', () => {
    const m = measureFilm([], []);
    expect(m.speechShareF).toBeNull();
    expect(m.exchanges).toMatchObject({ FF: 0, FM: 0, MF: 0, MM: 0, longestWomenRun: null });
  });
});

describe('exchangeGapSec option', () => {
  it('reaches the measures config and rejects a bad value naming it', () => {
    expect(overridesFromOptions({ exchangeGapSec: 1.5 }).measures).toEqual({ exchangeGapSec: 1.5 });
    expect(() => overridesFromOptions({ exchangeGapSec: -1 })).toThrow(ConfigError);
    expect(() => overridesFromOptions({ exchangeGapSec: -1 })).toThrow(/exchangeGapSec/);
    expect(() => measureFilm(cast, [], { exchangeGapSec: Number.NaN })).toThrow(/exchangeGapSec/);
  });
});
