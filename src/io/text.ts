/** Shared helpers for the line-oriented annotation formats (RTTM, UEM). */
import { readFile, stat } from 'node:fs/promises';
import { AnnotationError, CountSpeakersError } from '../errors/index.js';

/** A time span in seconds, start inclusive, end exclusive. */
export interface Interval {
  startSec: number;
  endSec: number;
}

/**
 * Read an annotation file as UTF-8 text (AMI speaker ids such as `MÉO069` are not ASCII).
 * Missing or unreadable files become CountSpeakersErrors naming the path and the fix.
 */
export async function readAnnotationText(file: string, what: 'RTTM' | 'UEM'): Promise<string> {
  let bytes: Buffer;
  try {
    const st = await stat(file);
    if (st.isDirectory()) {
      throw new CountSpeakersError(
        'IS_A_DIRECTORY',
        `${file}: expected a ${what} file, received a directory. Pass the path of a .${what.toLowerCase()} file.`,
        { file },
      );
    }
    bytes = await readFile(file);
  } catch (e) {
    if (e instanceof CountSpeakersError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new CountSpeakersError(
        'FILE_NOT_FOUND',
        `${file}: ${what} file not found. Check the path (relative paths start from ${process.cwd()}).`,
        { file, cause: e },
      );
    }
    throw new CountSpeakersError(
      'FILE_UNREADABLE',
      `${file}: cannot read the ${what} file (${code ?? String(e)}). Check its permissions.`,
      { file, cause: e },
    );
  }
  return decodeUtf8(bytes);
}

/** Decode UTF-8, dropping a BOM. Invalid bytes become U+FFFD and are caught by the line parser. */
export function decodeUtf8(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Split text into lines (LF or CRLF); returns [lineNumber (1-based), content] for non-blank, non-comment lines. */
export function contentLines(text: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    // md-eval skips blank lines and lines starting with '#' or ';'.
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    out.push([i + 1, line]);
  }
  return out;
}

/** A decimal number as written in RTTM/UEM (e.g. `12.340`, `1e-3`); no NaN, Infinity, hex or empty strings. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseDecimal(token: string): number | undefined {
  if (!DECIMAL.test(token)) return undefined;
  const v = Number(token);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * A seconds field of an annotation line: a decimal >= `min` (or > `min` when `exclusive`), or an
 * AnnotationError naming the field, its position and what was received.
 */
export function secondsField(
  token: string,
  where: { code: 'RTTM_PARSE' | 'UEM_PARSE'; file: string; line: number; field: string },
  min: { value: number; exclusive?: boolean; label?: string } = { value: 0 },
): number {
  const v = parseDecimal(token);
  if (v === undefined || (min.exclusive ? v <= min.value : v < min.value)) {
    const bound = `${min.exclusive ? '>' : '>='} ${min.label ?? min.value}`;
    throw new AnnotationError(
      where.code,
      where.file,
      where.line,
      `expected ${where.field} to be a number of seconds ${bound}, received ${JSON.stringify(token)}.`,
    );
  }
  return v;
}
