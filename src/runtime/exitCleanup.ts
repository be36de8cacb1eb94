/**
 * Paths this process must not leave behind (temporary folders and siblings, output locks):
 * removed when the process exits, or earlier by runExitCleanup() (a CLI stopped by a signal
 * cleans up, then lets the signal end it).
 */
import { rmSync } from 'node:fs';

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

/** Remove every registered path now (synchronously). */
export function runExitCleanup(): void {
  for (const p of paths) {
    try {
      rmSync(p, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // best effort: one path that resists must not keep the others
    }
  }
  paths.clear();
}
