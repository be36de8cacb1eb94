import { describe, expect, it } from 'vitest';
import { scoreFile, summarise, wilsonInterval, type TruthEntry } from '../../bench/lib/score-sim.js';
import type { Diarization, Turn } from '../../src/types.js';
import { measureFilm } from '../../src/measures/index.js';

describe('wilsonInterval', () => {
  it('matches the 95 % Wilson score interval (golden values from the closed form)', () => {
    const cases: Array<[number, number, number, number]> = [
      [55, 60, 0.8193106, 0.9638795],
      [269, 300, 0.8570598, 0.9262434],
      [0, 10, 0, 0.2775328],
      [10, 10, 0.7224672, 1],
    ];
    for (const [k, n, lo, hi] of cases) {
      const [l, h] = wilsonInterval(k, n);
      expect(l).toBeCloseTo(lo, 6);
      expect(h).toBeCloseTo(hi, 6);
    }
  });

  it('is the whole range for no observations', () => {
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });
});

describe('scoreFile and summarise', () => {
  // A (F) and C (F) are one hypothesis speaker, so C is lost; B (M) is found but called F.
  const ref: Turn[] = [
    { startSec: 0, endSec: 5, speaker: 'A' },
    { startSec: 5, endSec: 10, speaker: 'B' },
    { startSec: 10, endSec: 13, speaker: 'C' },
  ];
  const truth: TruthEntry = {
    speech_by_speaker: { A: 5, B: 5, C: 3 },
    sex_by_speaker: { A: 'F', B: 'M', C: 'F' },
    counts_min1s: { M: 1, F: 2 },
    counts_min2s: { M: 1, F: 2 },
  };
  const hyp: Diarization = {
    file: 'x.wav',
    durationSec: 13,
    speakers: [
      { id: 'SPK01', sex: 'F', confidence: 0.9, speechSec: 8 },
      { id: 'SPK02', sex: 'F', confidence: 0.6, speechSec: 5 },
    ],
    turns: [
      { startSec: 0, endSec: 5, speaker: 'SPK01' },
      { startSec: 5, endSec: 10, speaker: 'SPK02' },
      { startSec: 10, endSec: 13, speaker: 'SPK01' },
    ],
    speechSecBySex: { M: 0, F: 13 },
    ...measureFilm(
      [
        { id: 'SPK01', sex: 'F' },
        { id: 'SPK02', sex: 'F' },
      ],
      [
        { startSec: 0, endSec: 5, speaker: 'SPK01' },
        { startSec: 5, endSec: 10, speaker: 'SPK02' },
        { startSec: 10, endSec: 13, speaker: 'SPK01' },
      ],
    ),
    counts: { M: 0, F: 2 },
  };

  it('names the lost speaker and the one given the other sex', () => {
    const s = scoreFile('x', ref, hyp, truth, 13, 2);
    expect(s.countsExact).toBe(false);
    expect(s.lostSpeakers).toEqual(['C']);
    expect(s.wrongSexSpeakers).toEqual(['B']);
    expect(s.sexRight).toBe(1);
    expect(s.sexTotal).toBe(3);
  });

  it('ranks speakers by the wrong files they appear in, and leaves right files out', () => {
    const wrong = scoreFile('x', ref, hyp, truth, 13, 2);
    const right = scoreFile(
      'y',
      ref,
      { ...hyp, speakers: [hyp.speakers[0], { ...hyp.speakers[1], sex: 'M' }], counts: { M: 1, F: 1 } },
      { ...truth, counts_min2s: { M: 1, F: 1 } },
      13,
      2,
    );
    expect(right.countsExact).toBe(true);
    expect(right.lostSpeakers).toEqual(['C']);
    const sum = summarise([wrong, wrong, right]);
    expect(sum.speakersInErrors).toEqual([
      { speaker: 'B', files: 2 },
      { speaker: 'C', files: 2 },
    ]);
    expect(sum.countsExactRate).toBeCloseTo(1 / 3, 12);
    expect(sum.countsExactInterval).toEqual(wilsonInterval(1, 3));
  });
});
