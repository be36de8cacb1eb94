/** Interval-set arithmetic on sorted [start, end) spans (any unit; the scorer uses milliseconds). */

export interface Span {
  start: number;
  end: number;
}

/** Union of spans: sorted, disjoint, touching spans joined. Empty spans dropped. */
export function unionSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s.start <= last.end) {
      if (s.end > last.end) last.end = s.end;
    } else {
      out.push({ start: s.start, end: s.end });
    }
  }
  return out;
}

/** `a` minus `b`; both sorted and disjoint (as returned by unionSpans). */
export function subtractSpans(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  let j = 0;
  for (const s of a) {
    let cur = s.start;
    while (j < b.length && b[j].end <= cur) j++;
    let k = j;
    while (k < b.length && b[k].start < s.end) {
      if (b[k].start > cur) out.push({ start: cur, end: b[k].start });
      if (b[k].end > cur) cur = b[k].end;
      if (cur >= s.end) break;
      k++;
    }
    if (cur < s.end) out.push({ start: cur, end: s.end });
  }
  return out;
}

/** Spans where at least `minCount` of the given spans are active at once. */
export function spansCoveredAtLeast(spans: readonly Span[], minCount: number): Span[] {
  const events: Array<[number, number]> = [];
  for (const s of spans) {
    if (s.end <= s.start) continue;
    events.push([s.start, 1], [s.end, -1]);
  }
  // At equal times apply ends first: back-to-back turns are not an overlap.
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: Span[] = [];
  let count = 0;
  let openedAt = 0;
  for (const [t, d] of events) {
    const before = count;
    count += d;
    if (before < minCount && count >= minCount) openedAt = t;
    else if (before >= minCount && count < minCount && t > openedAt) out.push({ start: openedAt, end: t });
  }
  return unionSpans(out);
}
