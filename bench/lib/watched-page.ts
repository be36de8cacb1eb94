/**
 * A page of a self-contained HTML report opened in headless Chromium (puppeteer-core), with
 * what a reader should never meet collected: console errors and warnings, page errors, and any
 * request that leaves the file system (a report must not fetch anything).
 */
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';

export async function openWatched(
  browser: Browser,
  file: string,
  widthPx: number,
  heightPx: number,
): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  await page.setViewport({ width: widthPx, height: heightPx });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    if (req.url().startsWith('file:')) void req.continue();
    else {
      problems.push(`network request: ${req.url()}`);
      void req.abort();
    }
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, problems };
}
