import { describe, expect, it } from 'vitest';
import { AnnotationError } from '../../src/errors/index.js';
import { formatUem, parseUem } from '../../src/io/index.js';

describe('parseUem', () => {
  it('reads regions per URI, sorted', () => {
    const u = parseUem('f 1 10 20\nf 1 0.000 5.5\ng 1 0 30\n');
    expect(u.regionsByUri.get('f')).toEqual([
      { startSec: 0, endSec: 5.5 },
      { startSec: 10, endSec: 20 },
    ]);
    expect(u.regionsByUri.get('g')).toEqual([{ startSec: 0, endSec: 30 }]);
  });

  it('names file and line for bad lines', () => {
    const bad = (text: string): AnnotationError => {
      try {
        parseUem(text, 'a.uem');
      } catch (e) {
        if (e instanceof AnnotationError) return e;
      }
      throw new Error('expected an AnnotationError');
    };
    expect(bad('f 1 0').message).toMatch(/a\.uem:1: expected 4 fields/);
    expect(bad('f 1 0 30\nf 1 5 x').message).toMatch(/a\.uem:2: .*<end>/);
    expect(bad('f 1 10 5').message).toMatch(/<end>/);
    const overlap = bad('f 1 0 10\nf 1 5 20');
    expect(overlap.code).toBe('UEM_PARSE');
    expect(overlap.message).toMatch(/not to overlap/);
  });

  it('round-trips through formatUem', () => {
    const text = formatUem('f', [{ startSec: 0, endSec: 30 }]);
    expect(text).toBe('f 1 0.000 30.000\n');
    expect(parseUem(text).regionsByUri.get('f')).toEqual([{ startSec: 0, endSec: 30 }]);
  });
});
