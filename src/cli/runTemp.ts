/**
 * Temporary files of a CLI run, removed however the run ends. The run gets its own folder,
 * `$TMPDIR/count-speakers-<pid>-XXXXXX`, and TMPDIR points into it for the rest of the
 * process: everything written to temp by this run (the decoded audio spool, in the main
 * thread and in the batch workers, which inherit the environment; ffmpeg; native libraries)
 * lands there. At exit the folder is removed. On SIGINT, SIGTERM and SIGHUP it is removed with
 * the output locks and temporary siblings, then the signal is raised again with its default
 * action: the process ends "killed by SIGINT" as Unix tools do (a shell loop stops, $? is 130),
 * and no worker thread is torn down under a running ONNX call (process.exit() there aborted with
 * "terminate called after throwing an instance of 'Napi::Error'" in 1 of 6 interrupts). A run
 * killed with SIGKILL cannot clean up: a later run removes the folders whose process is gone.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { removeAtExit, runExitCleanup } from '../runtime/exitCleanup.js';
import { processAlive } from '../runtime/processAlive.js';

/** Our temp entries (run folders and library spools) carry the pid that made them. */
const OURS = /^count-speakers-(?:run-)?(\d+)-/;

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** A folder touched this recently may belong to a live run in another pid namespace (a shared /tmp): kept. */
const STALE_AFTER_MS = 15 * 60 * 1000;

function lastTouchedMs(entry: string): number {
  let latest = statSync(entry).mtimeMs;
  try {
    for (const name of readdirSync(entry)) latest = Math.max(latest, statSync(path.join(entry, name)).mtimeMs);
  } catch {
    // not a folder, or gone meanwhile
  }
  return latest;
}

/**
 * Remove temp folders left by runs of ours that no longer exist (killed with SIGKILL, power cut):
 * named with a pid that is not running, and untouched for 15 minutes. Entries that cannot be
 * removed (another user's) are left alone.
 */
export function sweepStaleTemp(dir = tmpdir(), nowMs = Date.now()): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = OURS.exec(name);
    if (!m || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue;
    const entry = path.join(dir, name);
    try {
      if (nowMs - lastTouchedMs(entry) < STALE_AFTER_MS) continue;
      rmSync(entry, { recursive: true, force: true });
      removed++;
    } catch {
      // someone else's, or gone meanwhile
    }
  }
  return removed;
}

let installed: string | undefined;

/**
 * Give this process a private temp folder; remove it at exit and on SIGINT/SIGTERM/SIGHUP.
 * Call once, early, from the process entry (never from a library or a test's own process).
 */
export function useRunTempDir(): string {
  if (installed !== undefined) return installed;
  // Handlers first: a signal delivered once the folder exists must find them (the default action
  // would end the process before any removal could run).
  for (const signal of STOP_SIGNALS) {
    // `on`, not `once`: a second Ctrl-C during the removal must wait for it.
    process.on(signal, onStopSignal);
  }
  const base = tmpdir();
  sweepStaleTemp(base);
  const dir = mkdtempSync(path.join(base, `count-speakers-run-${process.pid}-`));
  removeAtExit(dir);
  installed = dir;
  process.env.TMPDIR = dir;
  return dir;
}

function onStopSignal(signal: NodeJS.Signals): void {
  runExitCleanup();
  for (const s of STOP_SIGNALS) process.removeListener(s, onStopSignal);
  process.kill(process.pid, signal);
}
