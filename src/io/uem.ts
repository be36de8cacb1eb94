/**
 * UEM (un-partitioned evaluation map): `<uri> <chan> <start> <end>` lines giving the regions to
 * score. Exactly 4 fields; regions of one URI must not overlap (md-eval aborts on that too).
 * Blank lines and lines starting with `#` or `;` are skipped.
 */
import { AnnotationError } from '../errors/index.js';
import { contentLines, readAnnotationText, secondsField, type Interval } from './text.js';

export interface Uem {
  file: string;
  /** Scoring regions per URI, sorted by start, non-overlapping. */
  regionsByUri: Map<string, Interval[]>;
}

const UEM_FORM = '`<uri> <chan> <start> <end>`';

export function parseUem(text: string, file = '<uem>'): Uem {
  const byUri = new Map<string, Array<Interval & { line: number }>>();
  for (const [lineNo, line] of contentLines(text)) {
    if (line.includes('\uFFFD')) {
      throw new AnnotationError('UEM_PARSE', file, lineNo, 'expected UTF-8 text, received invalid bytes. Re-save the file as UTF-8.');
    }
    const fields = line.split(/\s+/);
    if (fields.length !== 4) {
      throw new AnnotationError('UEM_PARSE', file, lineNo, `expected 4 fields ${UEM_FORM}, received ${fields.length}.`);
    }
    const where = { code: 'UEM_PARSE', file, line: lineNo } as const;
    const start = secondsField(fields[2], { ...where, field: '<start> (field 3)' });
    const end = secondsField(
      fields[3],
      { ...where, field: '<end> (field 4)' },
      { value: start, exclusive: true, label: `start (${start})` },
    );
    let list = byUri.get(fields[0]);
    if (list === undefined) {
      list = [];
      byUri.set(fields[0], list);
    }
    list.push({ startSec: start, endSec: end, line: lineNo });
  }
  const regionsByUri = new Map<string, Interval[]>();
  for (const [uri, list] of byUri) {
    list.sort((a, b) => a.startSec - b.startSec);
    for (let i = 1; i < list.length; i++) {
      if (list[i].startSec < list[i - 1].endSec) {
        throw new AnnotationError(
          'UEM_PARSE',
          file,
          list[i].line,
          `expected regions of ${JSON.stringify(uri)} not to overlap, received ${list[i].startSec}-${list[i].endSec} overlapping ${list[i - 1].startSec}-${list[i - 1].endSec} (line ${list[i - 1].line}). Merge them.`,
        );
      }
    }
    regionsByUri.set(
      uri,
      list.map(({ startSec, endSec }) => ({ startSec, endSec })),
    );
  }
  return { file, regionsByUri };
}

export async function readUem(file: string): Promise<Uem> {
  return parseUem(await readAnnotationText(file, 'UEM'), file);
}

export function formatUem(uri: string, regions: readonly Interval[]): string {
  return regions.map((r) => `${uri} 1 ${r.startSec.toFixed(3)} ${r.endSec.toFixed(3)}\n`).join('');
}
