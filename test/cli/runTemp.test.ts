/** Temp folders of runs that were killed (SIGKILL) are removed by the next run; live ones and others' are kept. */
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { sweepStaleTemp } from '../../src/cli/runTemp.js';

it('sweepStaleTemp removes only our entries whose process is gone and that are untouched for 15 min', () => {
  const d = mkdtempSync(path.join(tmpdir(), 'cs-sweep-'));
  for (const n of [
    'count-speakers-999999999-aB3dE9',
    'count-speakers-run-999999998-x1y2z3',
    `count-speakers-run-${process.pid}-live`,
    'count-speakers-notapid',
    'someone-else',
  ]) {
    mkdirSync(path.join(d, n));
    writeFileSync(path.join(d, n, 'audio16k.f32'), 'x');
  }
  // Just written: could be a live run in another pid namespace sharing this folder.
  expect(sweepStaleTemp(d)).toBe(0);
  const hourAgo = new Date(Date.now() - 3600_000);
  for (const n of readdirSync(d)) {
    utimesSync(path.join(d, n, 'audio16k.f32'), hourAgo, hourAgo);
    utimesSync(path.join(d, n), hourAgo, hourAgo);
  }
  expect(sweepStaleTemp(d)).toBe(2);
  expect(readdirSync(d).sort()).toEqual([`count-speakers-run-${process.pid}-live`, 'count-speakers-notapid', 'someone-else'].sort());
});
