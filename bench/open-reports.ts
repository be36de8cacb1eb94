/**
 * Open report pages in the system's headless Chromium and say what a reader would see: SVG
 * charts drawn, console errors, network requests (none should happen), plus a screenshot
 * beside each page (<page>.png).
 *
 *   npx tsx bench/open-reports.ts bench/results/catalogue.html bench/results/scene-reports/*.html
 */
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { openWatched } from './lib/watched-page.js';

const pages = process.argv.slice(2);
if (pages.length === 0) throw new Error('usage: tsx bench/open-reports.ts <page.html> [...]');
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
let bad = 0;
try {
  for (const file of pages) {
    const { page, problems } = await openWatched(browser, path.resolve(file), 1200, 900);
    const svgs = await page.$$eval('svg', (els) => els.map((e) => e.querySelectorAll('path').length));
    const shot = file.replace(/\.html$/, '') + '.png';
    await page.screenshot({ path: shot, fullPage: true });
    await page.close();
    if (problems.length > 0 || svgs.length === 0 || svgs.some((n) => n === 0)) bad++;
    process.stdout.write(
      `${file}: ${svgs.length} charts (${svgs.join(', ')} paths), ${problems.length ? problems.join('; ') : 'no console error, no network request'}; screenshot ${shot}\n`,
    );
  }
} finally {
  await browser.close();
}
process.stdout.write(`${pages.length} pages, ${bad} with a problem\n`);
process.exitCode = bad > 0 ? 1 : 0;
