/**
 * The report of one film as one self-contained HTML page: a timeline with a lane per speaker
 * (coloured by sex, overlapped speech and the women's exchanges marked), speaking time per
 * speaker, and the measures of src/measures.
 */
import type { TopLevelSpec } from 'vega-lite';
import { measureFilm, replies, unionSec, type BechdelVoice, type Exchanges } from '../measures/index.js';
import type { Sex } from '../types.js';
import { COLOURS, renderSvg, SEX_SCALE } from './charts.js';
import { esc, fmtDuration, fmtPercent, page, yesNo } from './html.js';

/** What a film report needs: a Diarization, or a line of `count-speakers --json` / `batch --out`. */
export interface FilmRecord {
  file: string;
  durationSec: number;
  speakers: ReadonlyArray<{ id: string; sex: Sex; confidence?: number; speechSec: number }>;
  turns: ReadonlyArray<{ startSec: number; endSec: number; speaker: string }>;
  speechShareF?: number | null;
  exchanges?: Exchanges;
  bechdelVoice?: BechdelVoice;
}

export interface FilmReportOptions {
  /** Shown in the footer (the package version of the engine that made the record). */
  engineVersion: string;
  /** Width of the timeline in CSS pixels. */
  timelineWidthPx?: number;
}

interface Interval {
  startSec: number;
  endSec: number;
}

/** Join intervals closer than `gapSec` (a timeline cannot show what is under a pixel anyway). */
export function mergeIntervals<T extends Interval>(xs: readonly T[], gapSec: number): Interval[] {
  const s = [...xs].sort((a, b) => a.startSec - b.startSec);
  const out: Interval[] = [];
  for (const x of s) {
    const last = out[out.length - 1];
    if (last && x.startSec <= last.endSec + gapSec) last.endSec = Math.max(last.endSec, x.endSec);
    else out.push({ startSec: x.startSec, endSec: x.endSec });
  }
  return out;
}

/** Where two or more speakers talk at once. */
export function overlapIntervals(turns: readonly Interval[]): Interval[] {
  const events: Array<[number, number]> = [];
  for (const t of turns) if (t.endSec > t.startSec) events.push([t.startSec, 1], [t.endSec, -1]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Interval[] = [];
  let active = 0;
  let start = 0;
  for (const [at, d] of events) {
    if (d > 0 && ++active === 2) start = at;
    if (d < 0 && active-- === 2 && at > start) out.push({ startSec: start, endSec: at });
  }
  return out;
}

export async function renderFilmReport(rec: FilmRecord, opts: FilmReportOptions): Promise<string> {
  const widthPx = opts.timelineWidthPx ?? 1000;
  const measured = measureFilm(rec.speakers, rec.turns, rec.exchanges ? { exchangeGapSec: rec.exchanges.gapSec } : {});
  const exchanges = rec.exchanges ?? measured.exchanges;
  const bechdel = rec.bechdelVoice ?? measured.bechdelVoice;
  const share = rec.speechShareF !== undefined ? rec.speechShareF : measured.speechShareF;
  const sexOf = new Map(rec.speakers.map((s) => [s.id, s.sex]));
  const known = rec.turns.filter((t) => sexOf.has(t.speaker));
  const duration = Math.max(rec.durationSec, ...known.map((t) => t.endSec), 1);
  const minutes = duration > 300;
  const unit = minutes ? 60 : 1;
  const unitName = minutes ? 'min' : 's';
  // One pixel of the timeline: turns and bands closer than that are drawn as one.
  const pixelSec = duration / widthPx;
  const r3 = (x: number) => Math.round((x / unit) * 1000) / 1000;

  const laneOf = (id: string) => `${id} (${sexOf.get(id) === 'F' ? 'woman' : 'man'})`;
  const lanes = rec.speakers.map((s) => laneOf(s.id));
  const bars: Array<{ lane: string; sex: Sex; a: number; b: number }> = [];
  for (const s of rec.speakers) {
    for (const iv of mergeIntervals(
      known.filter((t) => t.speaker === s.id),
      pixelSec,
    )) {
      bars.push({ lane: laneOf(s.id), sex: s.sex, a: r3(iv.startSec), b: r3(Math.max(iv.endSec, iv.startSec + pixelSec)) });
    }
  }
  const overlapLane = 'overlapped speech';
  const overlaps = mergeIntervals(overlapIntervals(known), pixelSec).map((iv) => ({
    lane: overlapLane,
    a: r3(iv.startSec),
    b: r3(Math.max(iv.endSec, iv.startSec + pixelSec)),
  }));
  const gap = exchanges.gapSec;
  const womenTalk = mergeIntervals(
    replies(known, gap)
      .filter((x) => sexOf.get(x.from.speaker) === 'F' && sexOf.get(x.to.speaker) === 'F')
      .map((x) => ({ startSec: x.from.startSec, endSec: x.to.endSec })),
    pixelSec,
  ).map((iv) => ({ a: r3(iv.startSec), b: r3(iv.endSec), kind: 'women reply to each other' }));
  const run = exchanges.longestWomenRun;

  const xScale = { domain: [0, r3(duration)], nice: false, zero: true };
  const timeline: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: widthPx,
    height: 26 * (lanes.length + 1),
    layer: [
      {
        data: { values: womenTalk.length ? womenTalk : [{ a: 0, b: 0, kind: 'women reply to each other' }] },
        mark: { type: 'rect', color: COLOURS.womenTalk, opacity: womenTalk.length ? 0.45 : 0 },
        encoding: {
          x: { field: 'a', type: 'quantitative', scale: xScale, title: `time (${unitName})` },
          x2: { field: 'b' },
        },
      },
      ...(run
        ? [
            {
              data: { values: [{ a: r3(run.startSec), b: r3(run.endSec) }] },
              mark: { type: 'rect' as const, fill: null, stroke: '#b35806', strokeWidth: 1.5, strokeDash: [4, 2] },
              encoding: { x: { field: 'a', type: 'quantitative' as const, scale: xScale }, x2: { field: 'b' } },
            },
          ]
        : []),
      {
        data: { values: [...bars, ...overlaps.map((o) => ({ ...o, sex: 'overlap' }))] },
        mark: { type: 'bar', height: 16 },
        encoding: {
          x: { field: 'a', type: 'quantitative', scale: xScale },
          x2: { field: 'b' },
          y: { field: 'lane', type: 'nominal', sort: [...lanes, overlapLane], scale: { domain: [...lanes, overlapLane] }, title: null },
          color: {
            field: 'sex',
            type: 'nominal',
            scale: { domain: ['F', 'M', 'overlap'], range: [COLOURS.F, COLOURS.M, COLOURS.overlap] },
            legend: {
              title: null,
              labelLimit: 300,
              labelExpr: "datum.label == 'F' ? 'woman' : datum.label == 'M' ? 'man' : 'two or more at once'",
            },
          },
        },
      },
    ],
  };

  const speech = rec.speakers.map((s) => ({
    lane: laneOf(s.id),
    sex: s.sex,
    min: Math.round((s.speechSec / 60) * 100) / 100,
  }));
  const speakingTime = horizontalBars(420, speech, {
    y: { field: 'lane', type: 'nominal', sort: lanes, title: null },
    x: { field: 'min', type: 'quantitative', title: 'speech (min)' },
    color: { field: 'sex', type: 'nominal', scale: SEX_SCALE, legend: null },
    tooltip: { field: 'min' },
  });
  const pairs = (['FF', 'FM', 'MF', 'MM'] as const).map((p) => ({ pair: p, n: exchanges[p], first: p[0] }));
  const exchangeChart = horizontalBars(300, pairs, {
    y: {
      field: 'pair',
      type: 'nominal',
      sort: ['FF', 'FM', 'MF', 'MM'],
      title: 'speaker → reply',
      axis: { labelExpr: "{FF: 'woman → woman', FM: 'woman → man', MF: 'man → woman', MM: 'man → man'}[datum.label]" },
    },
    x: { field: 'n', type: 'quantitative', title: 'replies', axis: { tickMinStep: 1 } },
    color: { field: 'first', type: 'nominal', scale: SEX_SCALE, legend: null },
  });
  const [timelineSvg, speechSvg, exchangeSvg] = await Promise.all([renderSvg(timeline), renderSvg(speakingTime), renderSvg(exchangeChart)]);

  const women = rec.speakers.filter((s) => s.sex === 'F').length;
  const men = rec.speakers.length - women;
  const speechF = unionSecOf(known, sexOf, 'F');
  const speechM = unionSecOf(known, sexOf, 'M');
  const runText = run
    ? `${esc(run.speakers[0])} and ${esc(run.speakers[1])}, ${run.turns} turns from ${fmtClock(run.startSec)} to ${fmtClock(run.endSec)}`
    : 'none';
  const name = rec.file.split(/[\\/]/).pop() ?? rec.file;
  const body = `
<h1>${esc(name)}</h1>
<div class="meta">${esc(rec.file)} · ${fmtDuration(rec.durationSec)} · count-speakers ${esc(opts.engineVersion)}</div>
<div class="cards">
  <div class="card">women<b>${women}</b></div>
  <div class="card">men<b>${men}</b></div>
  <div class="card">women's share of speech<b>${fmtPercent(share)}</b></div>
  <div class="card">women's replies to women<b>${exchanges.FF}</b></div>
  <div class="card">at least two women speak<b>${yesNo(bechdel.atLeastTwoWomen)}</b></div>
  <div class="card">two women talk to each other<b>${yesNo(bechdel.womenTalkToEachOther)}</b></div>
</div>
<h2>Who speaks when</h2>
<div class="chart" id="timeline">${timelineSvg}</div>
<p class="note">One lane per speaker. Shaded: stretches where a woman replies to a woman (a turn starting at most ${gap} s after hers, or during it); dashed: their longest run. Turns closer than ${pixelSec.toFixed(1)} s are drawn as one.</p>
<div class="charts">
<div><h2>Speaking time</h2><div class="chart" id="speaking-time">${speechSvg}</div></div>
<div><h2>Replies by sex</h2><div class="chart" id="exchanges">${exchangeSvg}</div></div>
</div>
<h2>Measures</h2>
<table>
<tr><th>duration</th><td>${fmtDuration(rec.durationSec)}</td></tr>
<tr><th>speakers</th><td>${women} ${women === 1 ? 'woman' : 'women'}, ${men} ${men === 1 ? 'man' : 'men'}</td></tr>
<tr><th>speech time</th><td>women ${fmtDuration(speechF)}, men ${fmtDuration(speechM)} (each speaker's time counted once; two speakers at once both count)</td></tr>
<tr><th>women's share of speech</th><td>${fmtPercent(share)}</td></tr>
<tr><th>replies within ${gap} s</th><td>woman → woman ${exchanges.FF}, woman → man ${exchanges.FM}, man → woman ${exchanges.MF}, man → man ${exchanges.MM}</td></tr>
<tr><th>longest run between two women</th><td>${runText}</td></tr>
<tr><th>at least ${bechdel.thresholds.minWomen} women speak</th><td>${yesNo(bechdel.atLeastTwoWomen)}</td></tr>
<tr><th>two women talk to each other</th><td>${yesNo(bechdel.womenTalkToEachOther)} (a run of at least ${bechdel.thresholds.minWomenRunTurns} alternating turns)</td></tr>
</table>
<p class="note">These are the Bechdel test's first two questions as far as sound can tell; whether the women talk about something other than a man is not answered from audio. Speakers and sexes are estimated by the engine and can be wrong.</p>
<div class="meta">count-speakers ${esc(opts.engineVersion)}</div>`;
  return page(`${name}: who speaks`, body);
}

function unionSecOf(turns: ReadonlyArray<Interval & { speaker: string }>, sexOf: ReadonlyMap<string, Sex>, sex: Sex): number {
  const bySpeaker = new Map<string, Interval[]>();
  for (const t of turns) {
    if (sexOf.get(t.speaker) !== sex) continue;
    const list = bySpeaker.get(t.speaker) ?? [];
    list.push(t);
    bySpeaker.set(t.speaker, list);
  }
  let s = 0;
  for (const list of bySpeaker.values()) s += unionSec(list);
  return s;
}

function fmtClock(sec: number): string {
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** A bar chart with one 22-pixel row per category. */
function horizontalBars(widthPx: number, values: object[], encoding: Record<string, unknown>): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: widthPx,
    height: { step: 22 },
    data: { values },
    mark: 'bar',
    encoding,
  } as TopLevelSpec;
}
