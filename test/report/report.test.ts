import { describe, expect, it } from 'vitest';
import {
  catalogueCsv,
  catalogueRow,
  mergeIntervals,
  overlapIntervals,
  renderCatalogueReport,
  renderFilmReport,
} from '../../src/report/index.js';
import { sceneRecord, twoHourFilm } from './fixtures.js';

const t = (startSec: number, endSec: number) => ({ startSec, endSec });

describe('timeline intervals', () => {
  it('merges intervals closer than the gap', () => {
    expect(mergeIntervals([t(5, 6), t(0, 1), t(1.2, 2), t(3, 4)], 0.5)).toEqual([t(0, 2), t(3, 4), t(5, 6)]);
  });

  it('finds where two or more speakers talk at once', () => {
    expect(overlapIntervals([t(0, 5), t(4, 6), t(5.5, 8), t(10, 11)])).toEqual([t(4, 5), t(5.5, 6)]);
    expect(overlapIntervals([t(0, 10), t(1, 2), t(3, 4)])).toEqual([t(1, 2), t(3, 4)]);
  });
});

/** No resource is fetched when the page is viewed: no src/href to a URL, no external stylesheet. */
function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/\s(src|href)\s*=\s*["']?(https?:)?\/\//i);
  expect(html).not.toMatch(/<link\b/i);
  expect(html).not.toMatch(/@import/);
}

describe('film report', () => {
  it('draws the timeline, speaking time and replies as inline SVG, and the measures', async () => {
    const rec = sceneRecord('films/scene.wav', ['F', 'F', 'M'], 300, 3);
    const html = await renderFilmReport(rec, { engineVersion: '9.9.9' });
    expectSelfContained(html);
    for (const id of ['timeline', 'speaking-time', 'exchanges']) expect(html).toMatch(new RegExp(`id="${id}"><svg`));
    expect(html).toContain('count-speakers 9.9.9');
    expect(html).toContain(`woman → woman ${rec.exchanges!.FF}`);
    expect(html).toMatch(/not answered from audio/);
    expect(html).toContain('scene.wav');
  });

  it('stays under 300 KB for a 2-hour film', async () => {
    const film = twoHourFilm();
    const html = await renderFilmReport(film, { engineVersion: '0' });
    const kb = Buffer.byteLength(html) / 1024;
    console.log(`[report] 2-hour film, ${film.turns.length} turns, ${film.speakers.length} speakers: ${kb.toFixed(0)} KB`);
    expect(film.turns.length).toBeGreaterThan(2500);
    expect(kb).toBeLessThan(300);
  });

  it('renders a film without speech', async () => {
    const html = await renderFilmReport({ file: 'silence.wav', durationSec: 30, speakers: [], turns: [] }, { engineVersion: '0' });
    expect(html).toContain('<svg');
    expect(html).toContain('–');
  });
});

describe('catalogue', () => {
  const first = { ...sceneRecord('a/one.wav', ['F', 'F', 'M'], 120, 1), elapsedSec: 3 };
  const records: Array<{ file: string; error?: { code: string; message: string }; [k: string]: unknown }> = [
    first,
    { ...sceneRecord('a/two, "quoted".wav', ['M', 'M'], 120, 2), elapsedSec: 3 },
    { file: 'a/bad.wav', error: { code: 'NOT_A_WAV', message: 'a/bad.wav: is not a WAV file' } },
  ];

  it('makes one row per film, errors included, and computes the measures of older records', () => {
    const rows = records.map(catalogueRow);
    expect(rows[0]).toMatchObject({ file: 'a/one.wav', F: 2, M: 1, speakers: 3, atLeastTwoWomen: true, womenTalkToEachOther: true });
    expect(rows[0].FF).toBeGreaterThan(0);
    expect(rows[2]).toEqual({ file: 'a/bad.wav', errorCode: 'NOT_A_WAV', errorMessage: 'a/bad.wav: is not a WAV file' });
    const { speechShareF: _s, exchanges: _e, bechdelVoice: _b, ...old } = first;
    expect(catalogueRow(old)).toEqual(rows[0]);
  });

  it('writes CSV with a header and quoted cells', () => {
    const csv = catalogueCsv(records.map(catalogueRow));
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(
      'file,durationSec,F,M,speakers,speechSecF,speechSecM,speechShareF,FF,FM,MF,MM,longestWomenRunTurns,atLeastTwoWomen,womenTalkToEachOther,errorCode,errorMessage',
    );
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^"a\/two, ""quoted"".wav",120,0,2,2,/);
    expect(lines[3]).toBe('a/bad.wav,,,,,,,,,,,,,,,NOT_A_WAV,a/bad.wav: is not a WAV file');
  });

  it('renders a sortable table and the three plots', async () => {
    const html = await renderCatalogueReport(records.map(catalogueRow), { engineVersion: '0', source: 'r.jsonl' });
    expectSelfContained(html);
    for (const id of ['share-histogram', 'women-per-film', 'share-vs-speakers']) expect(html).toMatch(new RegExp(`id="${id}"><svg`));
    expect(html).toMatch(/<table class="sortable" id="films">/);
    expect((html.match(/<tr/g) ?? []).length).toBe(4);
    expect(html).toContain('NOT_A_WAV');
    expect(html).toContain('two, &quot;quoted&quot;.wav');
  });
});
