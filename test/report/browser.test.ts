/**
 * Both reports opened in a real browser (the system's headless Chromium, driven by
 * puppeteer-core): the SVG charts are drawn, nothing is fetched from the network, no console
 * error, the catalogue table sorts on a click. Screenshots go to bench/results/.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { catalogueRow, renderCatalogueReport, renderFilmReport } from '../../src/report/index.js';
import { openWatched } from '../../bench/lib/watched-page.js';
import { sceneRecord } from './fixtures.js';

// Page functions run in the browser; the project compiles without the DOM library, so the few
// DOM members they use are declared here.
interface PageElement {
  textContent: string | null;
  cells: PageElement[];
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
}
declare const document: { querySelectorAll(selector: string): PageElement[]; querySelector(selector: string): PageElement | null };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[report browser] skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = path.join(repoRoot, 'bench', 'results', 'browser');

interface Opened {
  page: Page;
  problems: string[];
}

describe.skipIf(!hasChromium)('reports in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    const { default: puppeteer } = await import('puppeteer-core');
    mkdirSync(outDir, { recursive: true });
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Root in CI containers: no sandbox; no GPU here.
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(html: string, name: string, widthPx: number): Promise<Opened> {
    const file = path.join(outDir, `${name}.html`);
    writeFileSync(file, html);
    return openWatched(browser, file, widthPx, 800);
  }

  it('film report: the timeline and charts are drawn', async () => {
    const rec = sceneRecord('films/two-women-and-a-man.wav', ['F', 'F', 'M'], 600, 5);
    const { page, problems } = await open(await renderFilmReport(rec, { engineVersion: 'test' }), 'report-film', 1100);
    const counts = await page.evaluate(() => {
      const n = (sel: string) => document.querySelectorAll(sel).length;
      const box = document.querySelector('#timeline svg')!.getBoundingClientRect();
      return {
        svgs: n('svg'),
        timelineMarks: n('#timeline svg path'),
        speakerLabels: [...document.querySelectorAll('#timeline svg text')].map((t) => t.textContent),
        w: box.width,
        h: box.height,
      };
    });
    expect(counts.svgs).toBe(3);
    expect(counts.timelineMarks).toBeGreaterThan(50);
    expect(counts.speakerLabels).toEqual(expect.arrayContaining(['SPK01 (woman)', 'SPK03 (man)', 'overlapped speech']));
    expect(counts.w).toBeGreaterThan(500);
    expect(counts.h).toBeGreaterThan(80);
    await page.screenshot({ path: path.join(outDir, 'report-film.png'), fullPage: true });
    await page.close();
    expect(problems).toEqual([]);
  });

  it('catalogue report: plots drawn, table sorts on a click', async () => {
    const casts: Array<Array<'M' | 'F'>> = [['F', 'F', 'M'], ['M', 'M'], ['F'], ['F', 'M', 'M', 'M'], ['F', 'F'], ['M']];
    const records = Array.from({ length: 20 }, (_, k) =>
      sceneRecord(`films/film-${String(k + 1).padStart(2, '0')}.wav`, casts[k % casts.length], 120, k + 1),
    );
    const rows = [
      ...records.map(catalogueRow),
      catalogueRow({ file: 'films/broken.wav', error: { code: 'NOT_A_WAV', message: 'films/broken.wav: not a WAV' } }),
    ];
    const { page, problems } = await open(
      await renderCatalogueReport(rows, { engineVersion: 'test', source: 'results.jsonl' }),
      'report-catalogue',
      1200,
    );
    const svgs = await page.evaluate(() =>
      ['share-histogram', 'women-per-film', 'share-vs-speakers'].map((id) => document.querySelectorAll(`#${id} svg path`).length),
    );
    for (const n of svgs) expect(n).toBeGreaterThan(5);
    expect(await page.$$eval('#films tbody tr', (trs) => trs.length)).toBe(21);
    const shareColumn = () =>
      page.$$eval('#films tbody tr', (trs) => trs.map((tr) => (tr as unknown as PageElement).cells[5].getAttribute('data-v') ?? ''));
    await page.click('#films thead th:nth-child(6)');
    const asc = (await shareColumn()).filter((v) => v !== '').map(Number);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    await page.click('#films thead th:nth-child(6)');
    const desc = (await shareColumn()).filter((v) => v !== '').map(Number);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    expect(await page.$eval('#films thead th:nth-child(6)', (th) => th.getAttribute('aria-sort'))).toBe('descending');
    // Back to the order by file name for the screenshot.
    await page.click('#films thead th:nth-child(1)');
    await page.screenshot({ path: path.join(outDir, 'report-catalogue.png'), fullPage: true });
    await page.close();
    expect(problems).toEqual([]);
  });
});
