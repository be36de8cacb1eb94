/**
 * RTTM (NIST Rich Transcription Time Marked) reading and writing.
 *
 * Accepted: `SPEAKER <uri> <chan> <onset> <dur> <NA> <NA> <speaker> <NA> <NA>` records, exactly
 * 10 whitespace-separated fields (the form written by pyannote, dscore and VoxConverse; `<NA>`
 * columns may hold any token, e.g. a confidence). Blank lines and lines starting with `#` or `;`
 * are skipped, as md-eval does. Other standard RTTM record types (SPKR-INFO, LEXEME, SEGMENT,
 * NOSCORE, ...) carry no diarization and are skipped, each reported in `ignored` so a caller
 * can say so. Anything else is an AnnotationError naming the file, line and what was expected,
 * because a silently half-read reference would give a wrong DER.
 */
import path from 'node:path';
import { AnnotationError, ConfigError } from '../errors/index.js';
import type { Turn } from '../types.js';
import { contentLines, readAnnotationText, secondsField } from './text.js';

/** RTTM record types defined by NIST (md-eval-22) other than SPEAKER: skipped, not errors. */
const OTHER_RTTM_TYPES: ReadonlySet<string> = new Set([
  'SPKR-INFO',
  'SEGMENT',
  'NOSCORE',
  'NO_RT_METADATA',
  'LEXEME',
  'NON-LEX',
  'NON-SPEECH',
  'FILLER',
  'EDIT',
  'IP',
  'SU',
  'CB',
  'A/P',
]);

const SPEAKER_FORM = '`SPEAKER <uri> <chan> <onset> <dur> <NA> <NA> <speaker> <NA> <NA>`';

export interface IgnoredRecord {
  line: number;
  type: string;
}

export interface Rttm {
  /** File name used in messages. */
  file: string;
  /** Turns per recording id (URI), in file order; URIs in order of first appearance. */
  turnsByUri: Map<string, Turn[]>;
  /** Non-SPEAKER records that were skipped. */
  ignored: IgnoredRecord[];
}

/** Parse RTTM text. `file` names the source in error messages. */
export function parseRttm(text: string, file = '<rttm>'): Rttm {
  const turnsByUri = new Map<string, Turn[]>();
  const ignored: IgnoredRecord[] = [];
  for (const [lineNo, line] of contentLines(text)) {
    if (line.includes('\uFFFD')) {
      throw new AnnotationError('RTTM_PARSE', file, lineNo, 'expected UTF-8 text, received invalid bytes. Re-save the file as UTF-8.');
    }
    const fields = line.split(/\s+/);
    const type = fields[0].toUpperCase();
    if (type !== 'SPEAKER') {
      if (OTHER_RTTM_TYPES.has(type)) {
        ignored.push({ line: lineNo, type });
        continue;
      }
      throw new AnnotationError(
        'RTTM_PARSE',
        file,
        lineNo,
        `expected an RTTM record ${SPEAKER_FORM}, received type ${JSON.stringify(fields[0])}. Is this an RTTM file?`,
      );
    }
    if (fields.length !== 10) {
      throw new AnnotationError(
        'RTTM_PARSE',
        file,
        lineNo,
        `expected 10 fields ${SPEAKER_FORM}, received ${fields.length}. Fill empty columns with <NA>.`,
      );
    }
    const uri = fields[1];
    const where = { code: 'RTTM_PARSE', file, line: lineNo } as const;
    const onset = secondsField(fields[3], { ...where, field: '<onset> (field 4)' });
    const dur = secondsField(fields[4], { ...where, field: '<dur> (field 5)' });
    const speaker = fields[7];
    let list = turnsByUri.get(uri);
    if (list === undefined) {
      list = [];
      turnsByUri.set(uri, list);
    }
    list.push({ startSec: onset, endSec: onset + dur, speaker });
  }
  return { file, turnsByUri, ignored };
}

/** Read and parse an RTTM file. */
export async function readRttm(file: string): Promise<Rttm> {
  return parseRttm(await readAnnotationText(file, 'RTTM'), file);
}

/**
 * RTTM text for one recording: one SPEAKER line per turn, sorted by start, 3-decimal times.
 * The duration is the difference of the rounded ends, so back-to-back turns stay back to back;
 * turns that round to zero length are left out.
 */
export function formatRttm(uri: string, turns: readonly Turn[]): string {
  checkToken('uri', uri);
  const sorted = [...turns].sort((a, b) => a.startSec - b.startSec || a.endSec - b.endSec);
  let out = '';
  for (const t of sorted) {
    checkToken('speaker', t.speaker);
    if (!Number.isFinite(t.startSec) || !Number.isFinite(t.endSec) || t.startSec < 0 || t.endSec < t.startSec) {
      throw new ConfigError('turn', 'finite times with 0 <= startSec <= endSec', t);
    }
    const startMs = Math.round(t.startSec * 1000);
    const durMs = Math.round(t.endSec * 1000) - startMs;
    // A turn shorter than the 1 ms resolution carries no time; dscore rejects `<dur>` 0.000.
    if (durMs <= 0) continue;
    out += `SPEAKER ${uri} 1 ${(startMs / 1000).toFixed(3)} ${(durMs / 1000).toFixed(3)} <NA> <NA> ${t.speaker} <NA> <NA>\n`;
  }
  return out;
}

/** True when the start of a text reads as RTTM: its first record line is a known RTTM record type (or there is none yet). */
export function looksLikeRttm(head: string): boolean {
  for (const [, line] of contentLines(head)) {
    const type = line.split(/\s+/)[0].toUpperCase();
    return type === 'SPEAKER' || OTHER_RTTM_TYPES.has(type);
  }
  return true;
}

/**
 * The RTTM URI of a recording: its file name without the extension, with each whitespace
 * character replaced by `_`, since RTTM fields are separated by whitespace. `changed` says that
 * the URI differs from the name (a caller tells the user which URI to look for).
 */
export function rttmUriOf(file: string): { uri: string; changed: boolean } {
  const base = path.basename(file);
  const stem = base.replace(/\.[^.]+$/, '') || base;
  const uri = stem.replace(/\s/g, '_');
  return { uri, changed: uri !== stem };
}

function checkToken(field: string, value: string): void {
  if (typeof value !== 'string' || value === '' || /\s/.test(value)) {
    throw new ConfigError(field, 'a non-empty label without whitespace (RTTM fields are space-separated)', value);
  }
}
