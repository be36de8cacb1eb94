/**
 * Temporary files of a CLI run, removed however the run ends. The run gets its own folder,
 * `$TMPDIR/count-speakers-<pid>-XXXXXX`, and TMPDIR points into it for the rest of the
 * process: everything written to temp by this run (the decoded audio spool, in the main
 * thread and in the batch workers, which inherit the environment; ffmpeg; native libraries)
 * lands there. At exit the folder is removed; SIGINT, SIGTERM and SIGHUP become an exit with
 * the usual 128 + signal code, so the same removal runs. A run killed with SIGKILL cannot clean
 * up: the next run removes the folders whose process is gone.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Our temp entries (run folders and library spools) carry the pid that made them. */
const OURS = /^count-speakers-(?:run-)?(\d+)-/;

const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove temp folders left by runs of ours that no longer exist (killed with SIGKILL, power cut). */
export function sweepStaleTemp(dir = tmpdir()): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = OURS.exec(name);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    rmSync(path.join(dir, name), { recursive: true, force: true, maxRetries: 2 });
    removed++;
  }
  return removed;
}

let installed: string | undefined;

/**
 * Give this process a private temp folder and remove it at exit and on SIGINT/SIGTERM/SIGHUP.
 * Call once, early, from the process entry (never from a library or a test's own process).
 */
export function useRunTempDir(): string {
  if (installed !== undefined) return installed;
  // Handlers first: a signal delivered once the folder exists must find them (the default action
  // would kill the process before any removal could run).
  let dir: string | undefined;
  process.once('exit', () => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });
  for (const [signal, code] of Object.entries(SIGNAL_EXIT)) {
    // `on`, not `once`: a second Ctrl-C while the folder is being removed must not kill the process.
    process.on(signal as NodeJS.Signals, () => {
      process.exitCode = code;
      process.exit(code); // runs the 'exit' handlers: this folder, output locks and temporary siblings
    });
  }
  const base = tmpdir();
  sweepStaleTemp(base);
  dir = mkdtempSync(path.join(base, `count-speakers-run-${process.pid}-`));
  installed = dir;
  process.env.TMPDIR = dir;
  return dir;
}
