import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_VAD_CONFIG, regionsFromProbabilities, speechSeconds, validateVadConfig } from '../../src/vad/index.js';
import { ConfigError } from '../../src/errors/index.js';

// Synthetic layout: 100 chunks per second (hop 160 at 16 kHz) keeps the arithmetic readable.
const HOP = 160;
const SR = 16000;
const rules = { ...DEFAULT_VAD_CONFIG, minSpeechSec: 0.05, minSilenceSec: 0.1, speechPadSec: 0 };

function probsFrom(spec: Array<[number, number]>): Float32Array {
  // spec: [value, chunk count] runs
  const out: number[] = [];
  for (const [v, n] of spec) for (let i = 0; i < n; i++) out.push(v);
  return Float32Array.from(out);
}
function run(probs: Float32Array, r: Partial<typeof rules> = {}, totalSamples = probs.length * HOP) {
  return regionsFromProbabilities({ probs, hopSamples: HOP, sampleRateHz: SR, totalSamples }, { ...rules, ...r });
}

describe('regionsFromProbabilities (golden)', () => {
  it('one speech run becomes one region at chunk boundaries', () => {
    expect(run(probsFrom([[0, 50], [0.9, 100], [0, 50]]))).toEqual([{ startSec: 0.5, endSec: 1.5 }]);
  });

  it('hysteresis: values between offset and onset neither start nor end speech', () => {
    // 0.4 is between offset 0.35 and onset 0.5: it does not start speech...
    expect(run(probsFrom([[0.4, 100]]))).toEqual([]);
    // ...and does not end it either.
    expect(run(probsFrom([[0, 10], [0.9, 20], [0.4, 40], [0.9, 20], [0, 30]]))).toEqual([{ startSec: 0.1, endSec: 0.9 }]);
  });

  it('a silence shorter than minSilenceSec does not split; a longer one does', () => {
    const short = probsFrom([[0.9, 50], [0.1, 9], [0.9, 50], [0, 20]]);
    expect(run(short)).toEqual([{ startSec: 0, endSec: 1.09 }]);
    const long = probsFrom([[0.9, 50], [0.1, 11], [0.9, 50], [0, 20]]);
    expect(run(long)).toEqual([
      { startSec: 0, endSec: 0.5 },
      { startSec: 0.61, endSec: 1.11 },
    ]);
  });

  it('drops regions not longer than minSpeechSec', () => {
    const p = probsFrom([[0, 20], [0.9, 5], [0, 30], [0.9, 6], [0, 30]]);
    expect(run(p, { minSpeechSec: 0.05 })).toEqual([{ startSec: 0.55, endSec: 0.61 }]);
  });

  it('pads regions, clips to the signal and merges those that then overlap', () => {
    const p = probsFrom([[0.9, 30], [0, 15], [0.9, 30], [0, 40], [0.9, 30]]);
    expect(run(p, { speechPadSec: 0.1 })).toEqual([
      { startSec: 0, endSec: 0.85 },
      { startSec: 1.05, endSec: 1.45 },
    ]);
  });

  it('speech running to the end ends at the signal end (partial last chunk), or where silence began', () => {
    expect(run(probsFrom([[0, 10], [0.9, 10]]), {}, 19 * HOP + 7)).toEqual([{ startSec: 0.1, endSec: (19 * HOP + 7) / SR }]);
    expect(run(probsFrom([[0, 10], [0.9, 10], [0.1, 5]]))).toEqual([{ startSec: 0.1, endSec: 0.2 }]);
  });

  it('empty input and NaN probabilities give no region and no NaN', () => {
    expect(run(new Float32Array(0))).toEqual([]);
    expect(run(Float32Array.from([NaN, NaN, NaN]))).toEqual([]);
    const withNaN = probsFrom([[0.9, 20], [NaN, 20], [0.9, 20]]);
    const r = run(withNaN);
    expect(r).toEqual([
      { startSec: 0, endSec: 0.2 },
      { startSec: 0.4, endSec: 0.6 },
    ]);
  });

  it('property: output is sorted, disjoint, inside the signal and finite', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.float({ min: 0, max: 1, noNaN: true }), fc.constant(Number.NaN)), { maxLength: 400 }),
        fc.float({ min: 0, max: Math.fround(0.5), noNaN: true }),
        fc.float({ min: 0, max: Math.fround(0.3), noNaN: true }),
        (values, pad, minSilence) => {
          const probs = Float32Array.from(values);
          const total = probs.length * HOP;
          const regions = run(probs, { speechPadSec: pad, minSilenceSec: minSilence }, total);
          let prevEnd = -1;
          for (const r of regions) {
            expect(Number.isFinite(r.startSec) && Number.isFinite(r.endSec)).toBe(true);
            expect(r.startSec).toBeGreaterThan(prevEnd);
            expect(r.endSec).toBeGreaterThan(r.startSec);
            expect(r.startSec).toBeGreaterThanOrEqual(0);
            expect(r.endSec).toBeLessThanOrEqual(total / SR + 1e-9);
            prevEnd = r.endSec;
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('speechSeconds sums durations', () => {
    expect(speechSeconds([{ startSec: 1, endSec: 2.5 }, { startSec: 3, endSec: 3.25 }])).toBeCloseTo(1.75, 12);
  });
});

describe('validateVadConfig', () => {
  it('returns the frozen defaults when unset', () => {
    expect(validateVadConfig()).toEqual(DEFAULT_VAD_CONFIG);
    expect(Object.isFrozen(DEFAULT_VAD_CONFIG)).toBe(true);
  });

  it.each([
    ['onsetThreshold', 1.5],
    ['offsetThreshold', -0.1],
    ['minSpeechSec', Number.NaN],
    ['maxBatch', 2.5],
    ['maxBatch', 0],
    ['blockSec', 1],
  ] as const)('rejects %s = %s naming the field and value', (field, value) => {
    const call = () => validateVadConfig({ [field]: value });
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(`vad.${field}`);
    expect(call).toThrow(String(value));
  });

  it('rejects offset above onset and unknown keys', () => {
    expect(() => validateVadConfig({ onsetThreshold: 0.4, offsetThreshold: 0.45 })).toThrow(/vad\.offsetThreshold.*0\.45/);
    expect(() => validateVadConfig({ minSpeechSecs: 1 } as never)).toThrow(/vad\.minSpeechSecs/);
  });
});
