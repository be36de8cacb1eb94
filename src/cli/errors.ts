/** A bad command line: the CLI prints the message (no stack) and exits with EXIT.USAGE. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
