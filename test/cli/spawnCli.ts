/**
 * Run `count-speakers` as a user does: a separate Node process on the sources (through tsx),
 * in a chosen folder, with a private TMPDIR so a test can check what a run leaves behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliCommand } from '../../bench/lib/cli-command.js';

export { cliCommand };

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const goodWav = (name = 's16-stereo-44k1.wav') => path.join(repoRoot, 'fixtures', 'audio', 'good', name);

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  tmpdir?: string;
  env?: Record<string, string>;
  /** stdout of the child: a pipe read by the test (default), or a file descriptor to hand over. */
  stdout?: 'pipe' | number;
}

/** Start the CLI; the caller waits on `done`. */
export function startCli(args: string[], opts: CliOptions): { child: ChildProcess; done: Promise<CliRun> } {
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
  if (opts.tmpdir) env.TMPDIR = opts.tmpdir;
  delete env.ORT_DISABLE_TELEMETRY; // the CLI must set it itself
  const [node, ...nodeArgs] = cliCommand();
  const child = spawn(node, [...nodeArgs, ...args], { cwd: opts.cwd, env, stdio: ['ignore', opts.stdout ?? 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export function runCli(args: string[], opts: CliOptions): Promise<CliRun> {
  return startCli(args, opts).done;
}
