/** A CliIo that records what a command prints, for asserting on it. */
import type { CliIo } from '../../src/cli/io.js';

export function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    isTTY: false,
    stdout: (s: string) => {
      io.out += s;
    },
    stderr: (s: string) => {
      io.err += s;
    },
  };
  return io;
}
