import { describe, expect, it } from 'vitest';
import { decodePowerset } from '../../src/segmentation/powerset.js';

const POWERSET = [[], [0], [1], [2], [0, 1], [0, 2], [1, 2]];

function logProbs(classes: number[]): Float32Array {
  const out = new Float32Array(classes.length * 7).fill(-10);
  classes.forEach((c, f) => {
    out[f * 7 + c] = -0.01;
  });
  return out;
}

describe('decodePowerset', () => {
  it('maps the most likely class of each frame to its local speakers', () => {
    const active = decodePowerset(logProbs([0, 1, 2, 3, 4, 5, 6]), 7, POWERSET, 3);
    expect(Array.from(active)).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1, 1]);
  });
});
