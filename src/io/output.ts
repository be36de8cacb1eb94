/**
 * The one owner of the files the tool writes (results JSONL, RTTM, CSV): what may be written
 * over, how it is written, and who may write it.
 * - An existing path is written over only when it is a regular file this tool wrote (the caller
 *   recognizes its own format from the first bytes) or empty: a WAV given by mistake as --out is
 *   refused and left untouched.
 * - Whole files are written to a temporary sibling and renamed over the target (a reader never
 *   sees half a file); a pipe or device the user names (--rttm /dev/stdout) is written in place
 *   when the caller allows it.
 * - A lock file next to an appended file keeps two runs from writing it at once.
 * Temporary siblings and locks are removed when the process exits, also on SIGINT/SIGTERM
 * (the CLI runs the cleanup before the signal ends the process).
 */
import { closeSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { CountSpeakersError } from '../errors/index.js';
import { removeAtExit } from '../runtime/exitCleanup.js';
import { processAlive } from '../runtime/processAlive.js';

export interface OutputSpec {
  /** What the file is, for messages: "results file", "RTTM file", "CSV table". */
  what: string;
  /** The option that named it, for messages: "--out". */
  option: string;
  /** True when the first bytes (up to HEAD_BYTES, as UTF-8) are this tool's format. */
  isOurs: (head: string) => boolean;
  /** A pipe, terminal or device may be written in place (whole-file outputs); appended results may not. */
  allowStream: boolean;
}

export interface OutputTarget {
  file: string;
  spec: OutputSpec;
  /** false: a pipe or device, written in place. */
  regular: boolean;
}

const HEAD_BYTES = 64 * 1024;

function refused(file: string, spec: OutputSpec, what: string, fix: string): CountSpeakersError {
  return new CountSpeakersError('OUTPUT_REFUSED', `${file}: ${what} (${spec.option} ${JSON.stringify(file)}). ${fix}`, { file });
}

function unwritable(file: string, spec: OutputSpec, e: unknown): CountSpeakersError {
  const msg = e instanceof Error ? e.message : String(e);
  return new CountSpeakersError(
    'OUTPUT_UNWRITABLE',
    `${file}: the ${spec.what} cannot be written (${msg}). Check that its folder exists and is writable and that the disk has space, then run the same command again.`,
    { file, cause: e },
  );
}

function readHead(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Check an output path before any input is processed: missing, empty, or a regular file of our
 * own format is fine; a folder, a file of another kind, or (unless allowed) a pipe or device is
 * refused with OUTPUT_REFUSED and left untouched.
 */
export function checkOutput(file: string, spec: OutputSpec): OutputTarget {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { file, spec, regular: true };
    throw unwritable(file, spec, e);
  }
  if (st.isDirectory()) {
    throw refused(
      file,
      spec,
      `is a folder, expected a ${spec.what}`,
      `Name a file, e.g. ${path.join(file, spec.option === '--out' ? 'results.jsonl' : 'out')}.`,
    );
  }
  if (!st.isFile()) {
    if (spec.allowStream) return { file, spec, regular: false };
    throw refused(
      file,
      spec,
      `is not a regular file (a pipe, terminal or device), and the ${spec.what} must be one: it is read again to resume an interrupted run`,
      'Name a file on disk, e.g. results.jsonl; to watch results as they come, run `tail -f results.jsonl` beside it.',
    );
  }
  if (st.size === 0) return { file, spec, regular: true };
  let head: Buffer;
  try {
    head = readHead(file);
  } catch (e) {
    throw unwritable(file, spec, e);
  }
  if (head.includes(0) || !spec.isOurs(head.toString('utf8'))) {
    throw refused(
      file,
      spec,
      `exists and is not a ${spec.what} written by count-speakers, so it is not written over`,
      `Check the ${spec.option} path; to replace that file, delete or move it first.`,
    );
  }
  return { file, spec, regular: true };
}

/** Write a whole output: atomically (temporary sibling + rename) for a regular file, in place for a pipe or device. */
export function writeOutput(target: OutputTarget, text: string): void {
  const { file, spec } = target;
  if (!target.regular) {
    try {
      writeFileSync(file, text);
    } catch (e) {
      throw unwritable(file, spec, e);
    }
    return;
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  const forget = removeAtExit(tmp);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw unwritable(file, spec, e);
  } finally {
    forget();
  }
}

/** Check then write: for outputs named per input (RTTM per file), checked when they are written. */
export function checkAndWriteOutput(file: string, spec: OutputSpec, text: string): void {
  writeOutput(checkOutput(file, spec), text);
}

/**
 * Take `<file>.lock` for this process (pid and host inside), so that a second run on the same
 * output is refused with OUTPUT_IN_USE instead of doing every file twice. A lock left by a process
 * that no longer runs on this host is taken over. Returns the release function (also run at exit).
 */
export function lockOutput(file: string, spec: OutputSpec): () => void {
  const lock = `${file}.lock`;
  const me = `${process.pid} ${hostname()}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(lock, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw unwritable(lock, spec, e);
      let holder = '';
      try {
        holder = readFileSync(lock, 'utf8');
      } catch {
        continue; // released meanwhile
      }
      const [pidText, host] = holder.trim().split(/\s+/);
      const pid = Number(pidText);
      if (Number.isInteger(pid) && pid > 0 && (host !== hostname() || processAlive(pid))) {
        throw new CountSpeakersError(
          'OUTPUT_IN_USE',
          `${file}: the ${spec.what} is in use by another count-speakers run (pid ${pid} on ${host ?? 'this host'}, see ${lock}). Wait for it to finish, or use another ${spec.option}. If no such run is alive, delete ${lock}.`,
          { file },
        );
      }
      rmSync(lock, { force: true }); // stale: its process is gone
      continue;
    }
    try {
      writeSync(fd, me);
    } finally {
      closeSync(fd);
    }
    const forget = removeAtExit(lock);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      forget();
      try {
        if (readFileSync(lock, 'utf8') === me) unlinkSync(lock);
      } catch {
        // already gone
      }
    };
  }
  throw new CountSpeakersError('OUTPUT_IN_USE', `${file}: could not take ${lock} (another run keeps taking it). Run again.`, { file });
}
