/** `batch --report-dir`: a film report per processed file, from its line in the results. */
import { existsSync } from 'node:fs';
import type { BatchInput, JournalRecord } from '../batch/index.js';
import { renderFilmReport, type FilmRecord } from '../report/index.js';
import { rttmPathOf } from './batch.js';
import { writeOutputFile } from './report.js';
import { packageVersion } from './version.js';

/** Where the report of an input goes: mirrors its folder under reportDir, like --rttm-dir. */
export function reportPathOf(reportDir: string, input: BatchInput): string {
  return rttmPathOf(reportDir, input).replace(/\.rttm$/, '.html');
}

function isFilmRecord(r: JournalRecord): r is JournalRecord & FilmRecord {
  return !r.error && typeof r.durationSec === 'number' && Array.isArray(r.speakers) && Array.isArray(r.turns);
}

/**
 * Write the missing reports of the inputs that have a result (so resumed and retried runs end
 * complete); returns how many were written.
 */
export async function writeMissingReports(
  reportDir: string,
  inputs: readonly BatchInput[],
  resultOf: (file: string) => JournalRecord | undefined,
): Promise<number> {
  let n = 0;
  const version = packageVersion();
  for (const input of inputs) {
    const r = resultOf(input.file);
    const file = reportPathOf(reportDir, input);
    if (!r || !isFilmRecord(r) || existsSync(file)) continue;
    writeOutputFile(file, await renderFilmReport(r, { engineVersion: version }));
    n++;
  }
  return n;
}
