import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { maxWeightAssignment, scoreDer, scoreDerFiles } from '../../src/metrics/index.js';
import { spansCoveredAtLeast, subtractSpans, unionSpans } from '../../src/metrics/intervals.js';

const T = (startSec: number, endSec: number, speaker: string) => ({ startSec, endSec, speaker });

function expectDer(
  r: { der: number; missedSec: number; falseAlarmSec: number; confusionSec: number; scoredSec: number },
  e: { der: number; missed: number; fa: number; conf: number; scored: number },
): void {
  expect(r.missedSec).toBeCloseTo(e.missed, 9);
  expect(r.falseAlarmSec).toBeCloseTo(e.fa, 9);
  expect(r.confusionSec).toBeCloseTo(e.conf, 9);
  expect(r.scoredSec).toBeCloseTo(e.scored, 9);
  expect(r.der).toBeCloseTo(e.der, 6);
}

// Hand-computed cases (a fresh clone without ../shared/data still tests the scorer).
describe('scoreDer, hand-computed', () => {
  it('perfect hypothesis with other labels', () => {
    const r = scoreDer([T(0, 10, 'A'), T(10, 15, 'B')], [T(0, 10, 'x'), T(10, 15, 'y')]);
    expectDer(r, { der: 0, missed: 0, fa: 0, conf: 0, scored: 15 });
    expect(r.mapping).toEqual([
      { ref: 'A', hyp: 'x', overlapSec: 10 },
      { ref: 'B', hyp: 'y', overlapSec: 5 },
    ]);
  });

  it('missed and false alarm; default regions span reference AND hypothesis (dscore)', () => {
    // regions 0-12: missed 0-2, false alarm 10-12.
    expectDer(scoreDer([T(0, 10, 'A')], [T(2, 12, 'x')]), { der: 40, missed: 2, fa: 2, conf: 0, scored: 10 });
    // hypothesis before the first reference turn is still scored as false alarm.
    expectDer(scoreDer([T(1, 2, 'A')], [T(0, 2, 'x')]), { der: 100, missed: 0, fa: 1, conf: 0, scored: 1 });
  });

  it('confusion with the optimal mapping', () => {
    // x overlaps B 12 s and A 10 s: B->x, A unmapped so 0-10 is confusion.
    expectDer(scoreDer([T(0, 10, 'A'), T(10, 22, 'B')], [T(0, 22, 'x')]), { der: (10 / 22) * 100, missed: 0, fa: 0, conf: 10, scored: 22 });
  });

  it('overlapped speech counts once per speaker; ignoreOverlaps drops it', () => {
    const ref = [T(0, 10, 'A'), T(5, 10, 'B')];
    const hyp = [T(0, 10, 'x')];
    expectDer(scoreDer(ref, hyp), { der: (5 / 15) * 100, missed: 5, fa: 0, conf: 0, scored: 15 });
    expectDer(scoreDer(ref, hyp, { ignoreOverlaps: true }), { der: 0, missed: 0, fa: 0, conf: 0, scored: 5 });
  });

  it('collar removes both sides of every reference boundary', () => {
    // regions 0-10.5; no-score 0-0.25 and 9.75-10.25; false alarm 10.25-10.5.
    expectDer(scoreDer([T(0, 10, 'A')], [T(0, 10.5, 'x')], { collarSec: 0.25 }), {
      der: (0.25 / 9.5) * 100,
      missed: 0,
      fa: 0.25,
      conf: 0,
      scored: 9.5,
    });
  });

  it('maps speakers over the whole region BEFORE removing collars (md-eval)', () => {
    // A 0-2. x covers 0-0.25 and 1.75-2 (0.5 s, all inside collars), y covers 0.25-0.6.
    // Whole-region mapping: A->x (0.5 > 0.35), so y's 0.35 s in the scored 0.25-1.75 is confusion.
    // A per-region optimal mapping (A->y) would give 76.67 %, not md-eval's 100 %.
    const r = scoreDer([T(0, 2, 'A')], [T(0, 0.25, 'x'), T(1.75, 2, 'x'), T(0.25, 0.6, 'y')], { collarSec: 0.25 });
    expectDer(r, { der: 100, missed: 1.15, fa: 0, conf: 0.35, scored: 1.5 });
    expect(r.mapping.map((m) => m.hyp)).toEqual(['x']);
  });

  it('UEM limits scoring and trims turns', () => {
    expectDer(scoreDer([T(0, 4, 'A')], [T(0, 10, 'x')], { uem: [{ startSec: 2, endSec: 5 }] }), {
      der: 50,
      missed: 0,
      fa: 1,
      conf: 0,
      scored: 2,
    });
    // A turn crossing the UEM edge gets a boundary (and a collar) there, as dscore trims before md-eval.
    expectDer(scoreDer([T(0, 10, 'A')], [T(0, 10, 'x')], { uem: [{ startSec: 2, endSec: 5 }], collarSec: 0.5 }), {
      der: 0,
      missed: 0,
      fa: 0,
      conf: 0,
      scored: 2,
    });
  });

  it("merges one speaker's overlapping turns and rounds times to milliseconds", () => {
    expectDer(scoreDer([T(0, 5, 'A'), T(3, 8, 'A')], [T(0, 8, 'x')]), { der: 0, missed: 0, fa: 0, conf: 0, scored: 8 });
    expectDer(scoreDer([T(0, 1.0004, 'A')], [T(0, 1, 'x')]), { der: 0, missed: 0, fa: 0, conf: 0, scored: 1 });
  });

  it('empty hypothesis: everything missed; nothing at all: zero', () => {
    expectDer(scoreDer([T(1, 3, 'A')], []), { der: 100, missed: 2, fa: 0, conf: 0, scored: 2 });
    expectDer(scoreDer([], []), { der: 0, missed: 0, fa: 0, conf: 0, scored: 0 });
    expect(scoreDer([], [T(0, 1, 'x')]).der).toBe(Infinity);
  });

  it('rejects bad options and turns with ConfigError', () => {
    expect(() => scoreDer([], [], { collarSec: -1 })).toThrow(ConfigError);
    expect(() => scoreDer([T(2, 1, 'A')], [])).toThrow(/ref\[0\]/);
    expect(() =>
      scoreDer([], [], {
        uem: [
          { startSec: 0, endSec: 5 },
          { startSec: 4, endSec: 6 },
        ],
      }),
    ).toThrow(ConfigError);
  });

  it('scores an hour with thousands of turns in well under a second', () => {
    const ref: ReturnType<typeof T>[] = [];
    const hyp: ReturnType<typeof T>[] = [];
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let t = 0; t < 3600; ) {
      const d = 0.3 + rnd() * 3;
      const s = `S${Math.floor(rnd() * 12)}`;
      ref.push(T(t, t + d, s));
      hyp.push(T(t + rnd() * 0.3, t + d + rnd() * 0.3, `h${s}`));
      t += d * (0.7 + rnd() * 0.6);
    }
    const t0 = performance.now();
    const r = scoreDer(ref, hyp, { collarSec: 0.25 });
    const ms = performance.now() - t0;
    expect(ref.length).toBeGreaterThan(1500);
    expect(r.der).toBeGreaterThan(0);
    expect(r.der).toBeLessThan(50);
    expect(ms).toBeLessThan(1000);
  });
});

describe('scoreDerFiles', () => {
  it('sums errors over files and reports unmatched URIs', () => {
    const ref = new Map([
      ['b', [T(0, 10, 'A')]],
      ['a', [T(0, 10, 'A')]],
    ]);
    const hyp = new Map([
      ['a', [T(0, 5, 'x')]],
      ['zz', [T(0, 5, 'x')]],
    ]);
    const rep = scoreDerFiles(ref, hyp);
    expect(rep.files.map((f) => f.uri)).toEqual(['a', 'b']);
    expect(rep.missingHyp).toEqual(['b']);
    expect(rep.extraHyp).toEqual(['zz']);
    expect(rep.total.missedSec).toBeCloseTo(15, 9);
    expect(rep.total.scoredSec).toBeCloseTo(20, 9);
    expect(rep.total.der).toBeCloseTo(75, 9);
    const withUem = scoreDerFiles(ref, hyp, { uemByUri: new Map([['a', [{ startSec: 0, endSec: 5 }]]]) });
    expect(withUem.notInUem).toEqual(['b']);
    expect(withUem.total.der).toBe(0);
  });
});

describe('maxWeightAssignment', () => {
  function brute(w: number[][]): number {
    const n = w.length;
    const m = n ? w[0].length : 0;
    let best = 0;
    const used = new Array<boolean>(m).fill(false);
    const rec = (i: number, acc: number): void => {
      if (i === n) {
        best = Math.max(best, acc);
        return;
      }
      rec(i + 1, acc);
      for (let j = 0; j < m; j++) {
        if (used[j]) continue;
        used[j] = true;
        rec(i + 1, acc + w[i][j]);
        used[j] = false;
      }
    };
    rec(0, 0);
    return best;
  }

  it('finds the maximum total weight, one-to-one (vs brute force)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) =>
          fc.integer({ min: 1, max: 5 }).chain((m) =>
            fc.array(fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100 })), { minLength: m, maxLength: m }), {
              minLength: n,
              maxLength: n,
            }),
          ),
        ),
        (w) => {
          const a = maxWeightAssignment(w);
          const cols = a.filter((j) => j >= 0);
          expect(new Set(cols).size).toBe(cols.length);
          const total = a.reduce((s, j, i) => s + (j >= 0 ? w[i][j] : 0), 0);
          expect(total).toBe(brute(w));
          a.forEach((j, i) => {
            if (j >= 0) expect(w[i][j]).toBeGreaterThan(0);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('interval arithmetic', () => {
  const cells = (spans: { start: number; end: number }[]): Set<number> => {
    const s = new Set<number>();
    for (const x of spans) for (let i = x.start; i < x.end; i++) s.add(i);
    return s;
  };
  const spanArb = fc.array(
    fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 10 })).map(([a, d]) => ({ start: a, end: a + d })),
    { maxLength: 8 },
  );
  it('union, subtraction and overlap zones agree with integer-cell sets', () => {
    fc.assert(
      fc.property(spanArb, spanArb, (a, b) => {
        const ua = unionSpans(a);
        const ub = unionSpans(b);
        expect(cells(ua)).toEqual(cells(a));
        const diff = cells(subtractSpans(ua, ub));
        const want = new Set([...cells(a)].filter((i) => !cells(b).has(i)));
        expect(diff).toEqual(want);
        const over = cells(spansCoveredAtLeast(a, 2));
        const counts = new Map<number, number>();
        for (const x of a) for (let i = x.start; i < x.end; i++) counts.set(i, (counts.get(i) ?? 0) + 1);
        expect(over).toEqual(new Set([...counts].filter(([, c]) => c >= 2).map(([i]) => i)));
      }),
      { numRuns: 300 },
    );
  });
});
