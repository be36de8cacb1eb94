/** What a CLI command may touch: injected so commands are testable without a process. */
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** True when stderr is a terminal (progress bars only then). */
  isTTY: boolean;
  /** True once the reader of stdout has gone (`count-speakers *.wav | head -1`): stop, quietly. */
  stdoutClosed?: () => boolean;
}

let stdoutGone = false;
let stdoutWatched = false;

export const processIo: CliIo = {
  stdout: (s) => {
    if (!stdoutWatched) {
      stdoutWatched = true;
      // Without a listener, EPIPE is an uncaught 'error' event: a stack trace after `| head`.
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code !== 'EPIPE') throw e;
        stdoutGone = true;
      });
    }
    if (!stdoutGone) process.stdout.write(s);
  },
  stderr: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stderr.isTTY),
  stdoutClosed: () => stdoutGone,
};

/** Exit codes shared by all commands; STDOUT_CLOSED is what a shell shows for a tool ended by SIGPIPE. */
export const EXIT = Object.freeze({ OK: 0, FAILED: 1, USAGE: 2, STDOUT_CLOSED: 141 });
