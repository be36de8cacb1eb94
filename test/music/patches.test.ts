import { describe, expect, it } from 'vitest';
import type { MelSpectrogram } from '../../src/features/types.js';
import { standardisedPatches } from '../../src/music/index.js';
import { speechShare, validateSpeechMusicConfig } from '../../src/music/index.js';
import { ConfigError } from '../../src/errors/index.js';

/** frames x bands with value f(t, b). */
function mel(frames: number, bands: number, f: (t: number, b: number) => number): MelSpectrogram {
  const data = new Float32Array(frames * bands);
  for (let t = 0; t < frames; t++) for (let b = 0; b < bands; b++) data[t * bands + b] = f(t, b);
  return { data, frames, melBands: bands };
}

describe('standardisedPatches', () => {
  it('cuts patches every step of the first bands and standardises each over the whole patch', () => {
    // 3 bands given, 2 used; patch of 2 frames: values t + 10 b.
    const m = mel(5, 3, (t, b) => t + 10 * b);
    const p = standardisedPatches(m, 2, 2, 2, -100);
    expect(p.count).toBe(2); // starts 0 and 2 (4 would need frame 5)
    // Patch at 0: [0, 10, 1, 11], mean 5.5, deviation sqrt(((5.5^2 + 4.5^2) * 2) / 4) = 5.0249...
    const sd = Math.sqrt((5.5 ** 2 + 4.5 ** 2) / 2);
    const want = [0, 10, 1, 11].map((v) => (v - 5.5) / sd);
    expect(Array.from(p.data.subarray(0, 4))).toEqual(want.map((v) => Math.fround(v)));
    // The patch at 2 is the same shape shifted by 2: the same numbers.
    expect(Array.from(p.data.subarray(4, 8))).toEqual(Array.from(p.data.subarray(0, 4)));
  });

  it('does not depend on the level (a gain is an offset in log bands)', () => {
    const a = standardisedPatches(
      mel(6, 2, (t, b) => Math.sin(t + 3 * b)),
      3,
      2,
      1,
      -100,
    );
    const b = standardisedPatches(
      mel(6, 2, (t, b) => Math.sin(t + 3 * b) + 7),
      3,
      2,
      1,
      -100,
    );
    expect(a.count).toBe(4);
    for (let i = 0; i < a.data.length; i++) expect(b.data[i]).toBeCloseTo(a.data[i], 5);
  });

  it('leaves out patches touching the floor (digital silence) and flat patches', () => {
    const floor = -20;
    const m = mel(6, 2, (t, b) => (t === 1 ? floor : t >= 4 ? 5 : t + b));
    // Patches of 2 frames at 0..4: [0,1] and [1,2] touch the floor, [2,3] is kept, [3,4] kept, [4,5] is flat.
    const p = standardisedPatches(m, 2, 2, 1, floor);
    expect(p.count).toBe(2);
    expect(p.data.length).toBe(8);
  });

  it('gives nothing for fewer frames than a patch', () => {
    expect(
      standardisedPatches(
        mel(3, 2, (t) => t),
        4,
        2,
        1,
        -100,
      ).count,
    ).toBe(0);
  });
});

describe('speechShare', () => {
  it('counts the patches under the music probability', () => {
    expect(speechShare([0.1, 0.995, 0.98, 1], { musicProbability: 0.99, minPatches: 1 })).toBe(0.5);
    expect(speechShare([0.1, 0.995, 0.98, 1], { musicProbability: 0.5, minPatches: 1 })).toBe(0.25);
    expect(speechShare([0.99], { musicProbability: 0.99, minPatches: 1 })).toBe(0);
    expect(speechShare([], { musicProbability: 0.99, minPatches: 1 })).toBeNaN();
  });

  it('does not judge a chunk of fewer than minPatches patches', () => {
    expect(speechShare([0.1, 0.2], { musicProbability: 0.99, minPatches: 3 })).toBeNaN();
    expect(speechShare([0.1, 0.2, 1], { musicProbability: 0.99, minPatches: 3 })).toBeCloseTo(2 / 3, 12);
  });
});

describe('validateSpeechMusicConfig', () => {
  it('names the field and value', () => {
    expect(() => validateSpeechMusicConfig({ patchStepFrames: 0 })).toThrow(ConfigError);
    expect(() => validateSpeechMusicConfig({ musicProbability: 2 })).toThrow(/musicProbability/);
  });
});
