/** Turn any thrown value into the one-paragraph message the CLI prints (never a stack trace). */
import { isCountSpeakersError } from '../errors/index.js';

export function describeFailure(e: unknown): { code: string; message: string } {
  if (isCountSpeakersError(e)) return { code: e.code, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return {
    code: 'INTERNAL',
    message: `Unexpected internal error: ${message}. This is a bug; please report it with the command you ran.`,
  };
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
