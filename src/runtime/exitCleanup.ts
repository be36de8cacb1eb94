/**
 * Paths this process must not leave behind (temporary folders and siblings, output locks):
 * removed when the process exits, or earlier by runExitCleanup() (a CLI stopped by a signal
 * cleans up, then lets the signal end it).
 */
import { existsSync, rmSync } from 'node:fs';

const paths = new Set<string>();
let hooked = false;

/** Remove `file` (a file or a whole folder) at exit; returns the function that forgets it. */
export function removeAtExit(file: string): () => void {
  if (!hooked) {
    hooked = true;
    process.once('exit', runExitCleanup);
  }
  paths.add(file);
  return () => paths.delete(file);
}

/**
 * Remove every registered path now (synchronously). Worker threads go on running meanwhile and
 * may create an entry in a folder being removed (a spool for the next file): a removal is tried
 * again until the path is gone, for at most about a second.
 */
export function runExitCleanup(): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (const p of paths) {
    for (let attempt = 0; attempt < 40; attempt++) {
      try {
        rmSync(p, { recursive: true, force: true });
      } catch {
        // retried below; one path that resists must not keep the others
      }
      if (!existsSync(p)) break;
      Atomics.wait(pause, 0, 0, 25);
    }
  }
  paths.clear();
}
