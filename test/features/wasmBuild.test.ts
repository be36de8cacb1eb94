/**
 * The committed native/dsp.wasm must be exactly what native/build.sh makes from native/dsp.c.
 * Byte equality only holds for the same compiler, so the test compares when the installed
 * clang reports the version recorded in native/dsp.wasm.toolchain, and skips visibly otherwise
 * (CI installs it with native/ci-deps.sh).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const nativeDir = path.join(repoRoot, 'native');

function clangVersion(): string | null {
  try {
    const first = execFileSync('clang', ['--version'], { encoding: 'utf8' }).split('\n')[0];
    execFileSync('wasm-ld', ['--version'], { encoding: 'utf8' });
    return first.trim();
  } catch {
    return null;
  }
}

const installed = clangVersion();
const recorded = readFileSync(path.join(nativeDir, 'dsp.wasm.toolchain'), 'utf8').trim();
const skipReason =
  installed === null
    ? 'clang/wasm-ld not installed (run native/ci-deps.sh)'
    : installed !== recorded
      ? `installed "${installed}" differs from the recorded "${recorded}"`
      : null;
if (skipReason !== null) console.warn(`[wasmBuild.test] skipping the dsp.wasm rebuild check: ${skipReason}`);

describe.skipIf(skipReason !== null)('native/dsp.wasm is reproducible', () => {
  it('a fresh build equals the committed binary byte for byte', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cs-wasm-build-'));
    try {
      const out = path.join(dir, 'dsp.wasm');
      execFileSync(path.join(nativeDir, 'build.sh'), [out], { stdio: 'pipe' });
      const fresh = readFileSync(out);
      const committed = readFileSync(path.join(nativeDir, 'dsp.wasm'));
      expect(existsSync(out)).toBe(true);
      expect(fresh.length).toBe(committed.length);
      expect(fresh.equals(committed)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
