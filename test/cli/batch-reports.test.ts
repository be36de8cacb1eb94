import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBatchArgs } from '../../src/cli/batch.js';
import { reportPathOf, writeMissingReports } from '../../src/cli/batch-reports.js';
import type { JournalRecord } from '../../src/batch/index.js';
import { sceneRecord } from '../report/fixtures.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'cs-batch-reports-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('batch --report-dir', () => {
  it('is parsed', () => {
    const a = parseBatchArgs(['corpus', '--out', 'r.jsonl', '--report-dir', 'reports', '--exchange-gap', '1']);
    expect(a !== 'help' && [a.reportDir, a.options.exchangeGapSec]).toEqual(['reports', 1]);
  });

  it('mirrors the corpus folders like --rttm-dir', () => {
    expect(reportPathOf('out', { file: '/c/s1/ep01.mkv', key: 's1/ep01.mkv', sizeBytes: 1 })).toBe(path.join('out', 's1', 'ep01.html'));
  });

  it('writes the missing reports of the files with a result, none for failures', async () => {
    const inputs = ['s1/a.wav', 's1/b.wav', 'c.wav'].map((key) => ({ file: path.join('/corpus', key), key, sizeBytes: 1 }));
    const results = new Map<string, JournalRecord>([
      [inputs[0].file, { ...sceneRecord(inputs[0].file, ['F', 'M'], 60, 1) }],
      [inputs[1].file, { file: inputs[1].file, error: { code: 'NOT_A_WAV', message: 'no' } }],
      [inputs[2].file, { ...sceneRecord(inputs[2].file, ['F', 'F'], 60, 2) }],
    ]);
    const dir = path.join(tmp, 'reports');
    expect(await writeMissingReports(dir, inputs, (f) => results.get(f))).toBe(2);
    expect(readFileSync(path.join(dir, 's1', 'a.html'), 'utf8')).toMatch(/id="timeline"><svg/);
    expect(existsSync(path.join(dir, 's1', 'b.html'))).toBe(false);
    expect(existsSync(path.join(dir, 'c.html'))).toBe(true);
    // A resumed run writes only what is missing.
    expect(await writeMissingReports(dir, inputs, (f) => results.get(f))).toBe(0);
  });
});
