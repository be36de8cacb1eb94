/** What a CLI command may touch: injected so commands are testable without a process. */
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** True when stderr is a terminal (progress bars only then). */
  isTTY: boolean;
}

export const processIo: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stderr.isTTY),
};

/** Exit codes shared by all commands. */
export const EXIT = Object.freeze({ OK: 0, FAILED: 1, USAGE: 2 });
