/**
 * The results file of a batch (JSON Lines), which is also its resume journal.
 * Each result is written with ONE write(2) of the full line on an O_APPEND descriptor, so a
 * kill -9 at any moment leaves whole lines only (the kernel finishes a write to a regular
 * file once started). A line torn by a crash of the machine or a full disk is repaired on
 * open: the bytes after the last newline are truncated away and the file is processed again.
 */
import {
  closeSync,
  createReadStream,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { CountSpeakersError } from '../errors/index.js';
import { checkOutput, lockOutput, type OutputSpec } from '../io/output.js';

/**
 * The results file as an output: a regular file only (it is read back to resume), and ours when
 * it starts with a record (JSON.stringify puts "file" first in every line this tool writes).
 */
export const RESULTS_OUTPUT: OutputSpec = Object.freeze({
  what: 'results file',
  option: '--out',
  isOurs: (head: string) => head.trim() === '' || head.startsWith('{"file":'),
  allowStream: false,
});

/** One line of the results: a diarization record, or a failure. */
export interface JournalRecord {
  file: string;
  error?: { code: string; message: string };
  [key: string]: unknown;
}

export interface JournalOpenReport {
  /** Bytes of a torn last line that were truncated away (0 when the file ended cleanly). */
  repairedBytes: number;
  /** Complete lines that are not a JSON object with a "file" (ignored: those files run again). */
  badLines: number;
  /** Lines dropped because a later line is about the same file. */
  duplicateLines: number;
}

/** Identity of a file across runs: its absolute path (the same command from the same folder finds it again). */
export function fileId(file: string): string {
  return path.resolve(file);
}

export class Journal {
  private fd: number | undefined;
  private unlock: (() => void) | undefined;
  private readonly entries = new Map<string, JournalRecord>();

  private constructor(
    readonly file: string,
    readonly report: JournalOpenReport,
  ) {}

  /**
   * Open (creating it if missing), repair a torn tail, and index the files already done.
   * Refused, untouched: a path that is not a regular file or holds something else than results
   * (OUTPUT_REFUSED), and a results file another run holds (OUTPUT_IN_USE).
   */
  static async open(file: string): Promise<Journal> {
    checkOutput(file, RESULTS_OUTPUT);
    const unlock = lockOutput(file, RESULTS_OUTPUT);
    let fd: number;
    try {
      fd = openSync(file, 'a+');
    } catch (e) {
      unlock();
      throw new CountSpeakersError(
        'OUTPUT_UNWRITABLE',
        `${file}: the results file cannot be opened for appending (${(e as Error).message}). Check that its folder exists and is writable.`,
        { file, cause: e },
      );
    }
    const j = new Journal(file, { repairedBytes: 0, badLines: 0, duplicateLines: 0 });
    j.fd = fd;
    j.unlock = unlock;
    try {
      j.report.repairedBytes = repairTornTail(fd);
      await j.load();
    } catch (e) {
      j.close();
      throw e;
    }
    return j;
  }

  private async load(): Promise<void> {
    const rl = createInterface({ input: createReadStream(this.file, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of rl) {
      if (line.trim() === '') continue;
      const rec = parseRecord(line);
      if (!rec) {
        this.report.badLines++;
        continue;
      }
      const id = fileId(rec.file);
      if (this.entries.has(id)) this.report.duplicateLines++;
      this.entries.set(id, rec);
    }
  }

  has(file: string): boolean {
    return this.entries.has(fileId(file));
  }

  get(file: string): JournalRecord | undefined {
    return this.entries.get(fileId(file));
  }

  /** The latest record of every file, in no particular order. */
  records(): IterableIterator<JournalRecord> {
    return this.entries.values();
  }

  /** Append one record as one line in a single write, then flush it to disk. */
  append(record: JournalRecord): void {
    if (this.fd === undefined) throw new CountSpeakersError('INTERNAL', `${this.file}: the results journal is closed.`);
    const buf = Buffer.from(JSON.stringify(record) + '\n', 'utf8');
    // writeSync on a regular file writes it all in one call; loop only for exotic filesystems.
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
      // A power cut should not lose results already reported as done.
      fdatasyncSync(this.fd);
    } catch (e) {
      throw new CountSpeakersError(
        'OUTPUT_UNWRITABLE',
        `${this.file}: writing the result of ${record.file} failed (${(e as Error).message}). Free disk space or fix permissions, then run the same command again: finished files are kept.`,
        { file: this.file, cause: e },
      );
    }
    this.entries.set(fileId(record.file), record);
  }

  /**
   * Drop the failure lines of some files so that they run again, keeping one line per file:
   * the journal is rewritten to a temporary file and renamed over the old one (atomic).
   */
  forget(files: Iterable<string>): number {
    const ids = new Set<string>();
    for (const f of files) if (this.entries.has(fileId(f))) ids.add(fileId(f));
    if (ids.size === 0) return 0;
    for (const id of ids) this.entries.delete(id);
    const lines: string[] = [];
    for (const rec of this.entries.values()) lines.push(JSON.stringify(rec) + '\n');
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, lines.join(''));
    this.closeFd();
    renameSync(tmp, this.file);
    this.fd = openSync(this.file, 'a');
    return ids.size;
  }

  /** Close the file and release the lock (forget() keeps the lock across its reopen). */
  close(): void {
    this.closeFd();
    this.unlock?.();
    this.unlock = undefined;
  }

  private closeFd(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export function parseRecord(line: string): JournalRecord | undefined {
  try {
    const v: unknown = JSON.parse(line);
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { file?: unknown }).file === 'string') {
      return v as JournalRecord;
    }
  } catch {
    // Not JSON: reported as a bad line by the caller.
  }
  return undefined;
}

/** Truncate the bytes after the last newline; returns how many were removed. */
export function repairTornTail(fd: number): number {
  const size = fstatSync(fd).size;
  if (size === 0) return 0;
  const CHUNK = 64 * 1024;
  const buf = Buffer.alloc(CHUNK);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const n = readSync(fd, buf, 0, end - start, start);
    const nl = buf.subarray(0, n).lastIndexOf(0x0a);
    if (nl >= 0) {
      const keep = start + nl + 1;
      if (keep < size) ftruncateSync(fd, keep);
      return size - keep;
    }
    end = start;
  }
  ftruncateSync(fd, 0);
  return size;
}
