import { describe, expect, it } from 'vitest';
import { slideChunks } from '../../tools/lib/sex-chunks.js';

const SR = 16000;
const ramp = (sec: number) => Float32Array.from({ length: Math.round(sec * SR) }, (_, i) => i);
const spans = (x: Float32Array, c: { chunkSec: number; hopSec: number }) =>
  slideChunks('s', x, c).map((p) => [p.samples[0] / SR, (p.samples[p.samples.length - 1] + 1) / SR]);

describe('slideChunks', () => {
  it('2 s every 1 s over 5 s: starts 0..3', () => {
    expect(spans(ramp(5), { chunkSec: 2, hopSec: 1 })).toEqual([
      [0, 2],
      [1, 3],
      [2, 4],
      [3, 5],
    ]);
  });

  it('a tail the grid misses by more than 0.25 s gets a chunk ending at the end', () => {
    expect(spans(ramp(5), { chunkSec: 2, hopSec: 2 })).toEqual([
      [0, 2],
      [2, 4],
      [3, 5],
    ]);
    expect(spans(ramp(4.2), { chunkSec: 2, hopSec: 2 })).toEqual([
      [0, 2],
      [2, 4],
    ]);
  });

  it('a stretch shorter than a chunk is one chunk; ids name stretch, start and length', () => {
    const p = slideChunks('ami-X@u+10', ramp(1.5), { chunkSec: 2, hopSec: 1 });
    expect(p.map((c) => [c.id, c.samples.length])).toEqual([['ami-X@u+10@0.000+1.500', 1.5 * SR]]);
    expect(slideChunks('r', ramp(3), { chunkSec: 2, hopSec: 1 }).map((c) => c.id)).toEqual(['r@0.000+2.000', 'r@1.000+2.000']);
  });
});
