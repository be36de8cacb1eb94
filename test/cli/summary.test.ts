import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runReport } from '../../src/cli/report.js';
import { runSummary } from '../../src/cli/summary.js';
import { SHARED_DATA_DIR } from '../../tools/lib/shared-data.js';
import { sceneRecord } from '../report/fixtures.js';
import { capture } from './capture.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'cs-summary-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('count-speakers summary', () => {
  const shard0 = path.join(tmp, 'shard-0.jsonl');
  const shard1 = path.join(tmp, 'shard-1.jsonl');
  writeFileSync(
    shard0,
    [
      JSON.stringify({ ...sceneRecord('c/one.wav', ['F', 'F', 'M'], 120, 1), elapsedSec: 2 }),
      JSON.stringify({ file: 'c/two.wav', error: { code: 'NOT_A_WAV', message: 'c/two.wav: not a WAV' } }),
      'not json',
    ].join('\n') + '\n',
  );
  // A later line about the same file wins (a retried failure).
  writeFileSync(shard1, JSON.stringify({ ...sceneRecord('c/two.wav', ['M'], 60, 2), elapsedSec: 1 }) + '\n');

  it('joins shards into a CSV and an HTML page', async () => {
    const io = capture();
    const csv = path.join(tmp, 'out', 'films.csv');
    const html = path.join(tmp, 'out', 'catalogue.html');
    expect(await runSummary([shard0, shard1, '--csv', csv, '--html', html], io)).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^c\/one\.wav,120,2,1,3,/);
    expect(lines[2]).toMatch(/^c\/two\.wav,60,0,1,1,/);
    expect(readFileSync(html, 'utf8')).toMatch(/<table class="sortable"/);
    expect(io.err).toMatch(/ignored 1 line/);
    expect(io.err).toMatch(/2 films \(0 failed\), two women talk to each other in 1; wrote .*films\.csv and .*catalogue\.html \(\d+ KB\)/);
  });

  it('prints the CSV without --csv or --html', async () => {
    const io = capture();
    expect(await runSummary([shard1], io)).toBe(0);
    expect(io.out).toMatch(/^file,durationSec,/);
  });

  it('names an unreadable input and exits 1; usage errors exit 2', async () => {
    const io = capture();
    expect(await runSummary([path.join(tmp, 'missing.jsonl')], io)).toBe(1);
    expect(io.err).toMatch(/missing\.jsonl: cannot be read \(ENOENT\)/);
    expect(await runSummary([], capture())).toBe(2);
    expect(await runSummary([shard0, '--bogus'], capture())).toBe(2);
  });
});

const lamartine = path.join(SHARED_DATA_DIR, 'ina', 'lamartine.wav');
if (!existsSync(lamartine)) console.warn(`[cli report] skipped: ${lamartine} not found (set COUNT_SPEAKERS_DATA)`);

describe('count-speakers report', () => {
  it('needs --html and one file', async () => {
    for (const argv of [['a.wav'], ['--html', 'x.html'], ['a.wav', 'b.wav', '--html', 'x.html'], ['a.wav', '--html']]) {
      const io = capture();
      expect(await runReport(argv, io)).toBe(2);
      expect(io.err).toMatch(/count-speakers report: .*\n.*--help/s);
    }
  });

  it.skipIf(!existsSync(lamartine))('writes the report of lamartine.wav', async () => {
    const io = capture();
    const html = path.join(tmp, 'lamartine.html');
    expect(await runReport([lamartine, '--html', html, '--json', '--threads', '1'], io)).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/id="timeline"><svg/);
    expect(page).toMatch(/SPK01 \(woman\)/);
    expect(JSON.parse(io.out)).toMatchObject({ F: 1, M: 1, exchanges: { FM: 1 } });
    expect(io.err).toMatch(/1 woman, 1 man; report written to .*lamartine\.html \(\d+ KB\)/);
  });

  it('names the input file when it cannot be processed', async () => {
    const io = capture();
    expect(await runReport([path.join(tmp, 'nope.wav'), '--html', path.join(tmp, 'nope.html'), '--threads', '1'], io)).toBe(1);
    expect(io.err).toMatch(/nope\.wav.*\[FILE_NOT_FOUND\]/);
    expect(existsSync(path.join(tmp, 'nope.html'))).toBe(false);
  });
});
