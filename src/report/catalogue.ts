/**
 * The report of a catalogue: one row per film from the results of `count-speakers batch --out`
 * (JSON Lines), as CSV and as one self-contained HTML page with a sortable table and plots.
 */
import type { TopLevelSpec } from 'vega-lite';
import { measureFilm, type BechdelVoice, type Exchanges } from '../measures/index.js';
import type { Sex } from '../types.js';
import { COLOURS, renderSvg } from './charts.js';
import { esc, fmtDuration, fmtPercent, page } from './html.js';

export interface CatalogueRow {
  file: string;
  durationSec?: number;
  F?: number;
  M?: number;
  speakers?: number;
  speechSecF?: number;
  speechSecM?: number;
  speechShareF?: number | null;
  FF?: number;
  FM?: number;
  MF?: number;
  MM?: number;
  longestWomenRunTurns?: number;
  atLeastTwoWomen?: boolean;
  womenTalkToEachOther?: boolean;
  errorCode?: string;
  errorMessage?: string;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

interface SpeakerLike {
  id: string;
  sex: Sex;
}
const isSpeakers = (v: unknown): v is SpeakerLike[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'object' && s !== null && typeof s.id === 'string' && (s.sex === 'M' || s.sex === 'F'));
const isTurns = (v: unknown): v is Array<{ startSec: number; endSec: number; speaker: string }> =>
  Array.isArray(v) &&
  v.every(
    (t) =>
      typeof t === 'object' &&
      t !== null &&
      typeof t.startSec === 'number' &&
      typeof t.endSec === 'number' &&
      typeof t.speaker === 'string',
  );

/**
 * One row per record. A record written before the measures existed gets them computed from its
 * speakers and turns (default thresholds).
 */
export function catalogueRow(record: { file: string; error?: { code: string; message: string } }): CatalogueRow {
  if (record.error) return { file: record.file, errorCode: record.error.code, errorMessage: record.error.message };
  // A line of results: any fields may be missing or of another shape (older or hand-made files).
  const r = record as { file: string } & Record<string, unknown>;
  let exchanges = r.exchanges as Exchanges | undefined;
  let bechdel = r.bechdelVoice as BechdelVoice | undefined;
  let share = r.speechShareF as number | null | undefined;
  if ((exchanges === undefined || bechdel === undefined || share === undefined) && isSpeakers(r.speakers) && isTurns(r.turns)) {
    const m = measureFilm(r.speakers, r.turns);
    exchanges ??= m.exchanges;
    bechdel ??= m.bechdelVoice;
    if (share === undefined) share = m.speechShareF;
  }
  const speech = r.speechSecBySex as { M?: number; F?: number } | undefined;
  return {
    file: r.file,
    durationSec: num(r.durationSec),
    F: num(r.F),
    M: num(r.M),
    speakers: Array.isArray(r.speakers) ? r.speakers.length : undefined,
    speechSecF: num(speech?.F),
    speechSecM: num(speech?.M),
    speechShareF: share === null ? null : num(share),
    FF: num(exchanges?.FF),
    FM: num(exchanges?.FM),
    MF: num(exchanges?.MF),
    MM: num(exchanges?.MM),
    longestWomenRunTurns: exchanges ? (exchanges.longestWomenRun?.turns ?? 0) : undefined,
    atLeastTwoWomen: bechdel?.atLeastTwoWomen,
    womenTalkToEachOther: bechdel?.womenTalkToEachOther,
  };
}

export const CATALOGUE_COLUMNS: ReadonlyArray<keyof CatalogueRow> = [
  'file',
  'durationSec',
  'F',
  'M',
  'speakers',
  'speechSecF',
  'speechSecM',
  'speechShareF',
  'FF',
  'FM',
  'MF',
  'MM',
  'longestWomenRunTurns',
  'atLeastTwoWomen',
  'womenTalkToEachOther',
  'errorCode',
  'errorMessage',
];

function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function catalogueCsv(rows: readonly CatalogueRow[]): string {
  return [CATALOGUE_COLUMNS.join(','), ...rows.map((r) => CATALOGUE_COLUMNS.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
}

/** The Bechdel-voice answer in words (also the colour of the scatter plot). */
export function bechdelAnswer(r: CatalogueRow): string {
  if (r.atLeastTwoWomen === undefined) return '';
  if (!r.atLeastTwoWomen) return 'fewer than two women';
  return r.womenTalkToEachOther ? 'two women talk to each other' : 'two women, no exchange';
}
const ANSWERS = ['two women talk to each other', 'two women, no exchange', 'fewer than two women'];

/** Sorts a table by the clicked header, on each cell's data-v (numbers numerically). */
const SORT_SCRIPT = `
document.querySelectorAll('table.sortable').forEach(function (table) {
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    th.classList.add('sortable');
    th.tabIndex = 0;
    var sort = function () {
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var key = function (tr) { var v = tr.cells[col].getAttribute('data-v'); return v === null ? tr.cells[col].textContent : v; };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (x === '' && y !== '') return 1;
        if (y === '' && x !== '') return -1;
        var nx = Number(x), ny = Number(y);
        var c = x !== '' && y !== '' && !isNaN(nx) && !isNaN(ny) ? nx - ny : String(x).localeCompare(String(y));
        return asc ? c : -c;
      });
      rows.forEach(function (tr) { body.appendChild(tr); });
    };
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sort(); });
  });
});`;

export interface CatalogueReportOptions {
  engineVersion: string;
  /** Where the rows come from (shown under the title). */
  source?: string;
}

export async function renderCatalogueReport(rows: readonly CatalogueRow[], opts: CatalogueReportOptions): Promise<string> {
  const ok = rows.filter((r) => !r.errorCode);
  const failed = rows.length - ok.length;
  const withShare = ok.filter((r) => typeof r.speechShareF === 'number');
  const $schema = 'https://vega.github.io/schema/vega-lite/v6.json';
  const shareHist: TopLevelSpec = {
    $schema,
    width: 260,
    height: 200,
    data: { values: withShare.map((r) => ({ share: r.speechShareF })) },
    mark: { type: 'bar', color: COLOURS.F },
    encoding: {
      x: {
        field: 'share',
        type: 'quantitative',
        bin: { extent: [0, 1], step: 0.1 },
        title: "women's share of speech",
        axis: { format: '.0%' },
      },
      y: { aggregate: 'count', type: 'quantitative', title: 'films', axis: { tickMinStep: 1 } },
    },
  };
  const maxWomen = Math.max(0, ...ok.map((r) => r.F ?? 0));
  const womenCount: TopLevelSpec = {
    $schema,
    width: 220,
    height: 200,
    data: { values: ok.filter((r) => r.F !== undefined).map((r) => ({ women: r.F })) },
    mark: { type: 'bar', color: COLOURS.F },
    encoding: {
      x: {
        field: 'women',
        type: 'ordinal',
        title: 'women who speak',
        scale: { domain: Array.from({ length: maxWomen + 1 }, (_, k) => k) },
        axis: { labelAngle: 0 },
      },
      y: { aggregate: 'count', type: 'quantitative', title: 'films', axis: { tickMinStep: 1 } },
    },
  };
  const scatter: TopLevelSpec = {
    $schema,
    width: 260,
    height: 200,
    data: { values: withShare.map((r) => ({ speakers: r.speakers ?? 0, share: r.speechShareF, answer: bechdelAnswer(r), file: r.file })) },
    mark: { type: 'point', filled: true, size: 60, opacity: 0.8 },
    encoding: {
      x: { field: 'speakers', type: 'quantitative', title: 'speakers', axis: { tickMinStep: 1 }, scale: { zero: true } },
      y: { field: 'share', type: 'quantitative', title: "women's share of speech", scale: { domain: [0, 1] }, axis: { format: '.0%' } },
      color: {
        field: 'answer',
        type: 'nominal',
        title: null,
        legend: { orient: 'bottom', direction: 'vertical', labelLimit: 300 },
        scale: { domain: ANSWERS, range: ['#1a7f37', COLOURS.womenTalk, '#999999'] },
      },
      tooltip: [{ field: 'file' }, { field: 'share', format: '.1%' }],
    },
  };
  const [histSvg, womenSvg, scatterSvg] = ok.length
    ? await Promise.all([renderSvg(shareHist), renderSvg(womenCount), renderSvg(scatter)])
    : ['<p>No film was processed.</p>', '', ''];

  const total = (f: (r: CatalogueRow) => number | undefined) => ok.reduce((s, r) => s + (f(r) ?? 0), 0);
  const speechF = total((r) => r.speechSecF);
  const speechM = total((r) => r.speechSecM);
  const both = ok.filter((r) => r.womenTalkToEachOther).length;
  const cell = (v: unknown, text: string, cls = '') => `<td${cls ? ` class="${cls}"` : ''} data-v="${esc(v ?? '')}">${text}</td>`;
  const rowsHtml = rows
    .map((r) => {
      const name = r.file.split(/[\\/]/).pop() ?? r.file;
      const numCell = (v: number | undefined) => cell(v, v === undefined ? '' : String(v), 'n');
      return `<tr${r.errorCode ? ' class="err"' : ''}>${cell(name, `<span title="${esc(r.file)}">${esc(name)}</span>`)}${cell(r.durationSec, r.durationSec === undefined ? '' : fmtDuration(r.durationSec), 'n')}${numCell(r.F)}${numCell(r.M)}${numCell(r.speakers)}${cell(r.speechShareF ?? '', r.speechShareF === undefined ? '' : fmtPercent(r.speechShareF), 'n')}${numCell(r.FF)}${numCell(r.FM === undefined ? undefined : r.FM + (r.MF ?? 0))}${numCell(r.longestWomenRunTurns)}${cell(bechdelAnswer(r), esc(bechdelAnswer(r)))}${cell(r.errorCode ?? '', r.errorCode ? `<span title="${esc(r.errorMessage ?? '')}">${esc(r.errorCode)}</span>` : '')}</tr>`;
    })
    .join('\n');
  const body = `
<h1>Who speaks: ${rows.length} ${rows.length === 1 ? 'film' : 'films'}</h1>
<div class="meta">${opts.source ? `${esc(opts.source)} · ` : ''}count-speakers ${esc(opts.engineVersion)}</div>
<div class="cards">
  <div class="card">films<b>${ok.length}</b>${failed ? `${failed} failed` : ''}</div>
  <div class="card">audio<b>${fmtDuration(total((r) => r.durationSec))}</b></div>
  <div class="card">women's share of all speech<b>${fmtPercent(speechF + speechM > 0 ? speechF / (speechF + speechM) : null)}</b></div>
  <div class="card">films where two women talk to each other<b>${both} of ${ok.length}</b></div>
</div>
<div class="charts">
<div><h2>Women's share of speech</h2><div class="chart" id="share-histogram">${histSvg}</div></div>
<div><h2>Women per film</h2><div class="chart" id="women-per-film">${womenSvg}</div></div>
<div><h2>Share and number of speakers</h2><div class="chart" id="share-vs-speakers">${scatterSvg}</div></div>
</div>
<h2>Films</h2>
<p class="note">Click a column to sort. Replies: a turn starting at most the exchange gap after another speaker's turn, or during it. F–F run: the longest run of alternating turns between two women.</p>
<div class="chart"><table class="sortable" id="films">
<thead><tr><th>film</th><th class="n">duration</th><th class="n">women</th><th class="n">men</th><th class="n">speakers</th><th class="n" title="women's share of speech time">women's share</th><th class="n" title="replies of a woman to a woman">F→F replies</th><th class="n" title="replies of a man to a woman or of a woman to a man">F↔M replies</th><th class="n" title="longest run of alternating turns between two women">F–F run</th><th>Bechdel (voice)</th><th>error</th></tr></thead>
<tbody>
${rowsHtml}
</tbody>
</table></div>
<p class="note">"Bechdel (voice)" answers the test's first two questions as far as sound can tell: do at least two women speak, and do they talk to each other. Whether they talk about something other than a man is not answered from audio. Speakers and sexes are estimated by the engine and can be wrong.</p>`;
  return page(`Who speaks: ${rows.length} films`, body, SORT_SCRIPT);
}
