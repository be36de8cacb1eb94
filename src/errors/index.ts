/**
 * Every error the library throws is a CountSpeakersError with a stable `code`.
 * Messages say what was expected, what was received, and the fix, so a user can act on them.
 */
export type ErrorCode =
  // input files
  | 'FILE_NOT_FOUND'
  | 'FILE_UNREADABLE'
  | 'IS_A_DIRECTORY'
  | 'EMPTY_FILE'
  | 'NOT_A_WAV'
  | 'TRUNCATED_HEADER'
  | 'MISSING_DATA_CHUNK'
  | 'UNSUPPORTED_CODEC'
  | 'UNSUPPORTED_BIT_DEPTH'
  | 'BAD_CHANNEL_COUNT'
  | 'BAD_SAMPLE_RATE'
  | 'INVALID_SAMPLES'
  | 'FFMPEG_MISSING'
  | 'FFMPEG_FAILED'
  // annotations
  | 'RTTM_PARSE'
  | 'UEM_PARSE'
  // configuration and models
  | 'INVALID_CONFIG'
  | 'MODEL_MISSING'
  | 'MODEL_MISMATCH'
  | 'WASM_UNAVAILABLE'
  // runtime
  | 'OUTPUT_UNWRITABLE'
  | 'OUTPUT_REFUSED'
  | 'OUTPUT_IN_USE'
  | 'WORKER_FAILED'
  | 'INTERNAL';

export class CountSpeakersError extends Error {
  readonly code: ErrorCode;
  /** The file the error is about, when there is one. */
  readonly file?: string;

  constructor(code: ErrorCode, message: string, options?: { file?: string; cause?: unknown }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'CountSpeakersError';
    this.code = code;
    if (options?.file !== undefined) this.file = options.file;
  }

  toJSON(): { code: ErrorCode; message: string; file?: string } {
    return this.file !== undefined
      ? { code: this.code, message: this.message, file: this.file }
      : { code: this.code, message: this.message };
  }
}

/** Audio input that cannot be decoded. */
export class AudioInputError extends CountSpeakersError {
  constructor(code: ErrorCode, file: string, what: string, fix: string, cause?: unknown) {
    super(code, `${file}: ${what} ${fix}`, { file, cause });
    this.name = 'AudioInputError';
  }
}

/** A config field with a bad value. */
export class ConfigError extends CountSpeakersError {
  readonly field: string;
  constructor(field: string, expected: string, received: unknown) {
    super(
      'INVALID_CONFIG',
      `Invalid option \`${field}\`: expected ${expected}, received ${describe(received)}. Pass a value in that range or leave it unset for the default.`,
    );
    this.name = 'ConfigError';
    this.field = field;
  }
}

/** A model file that is missing or does not match what the code expects. */
export class ModelError extends CountSpeakersError {
  constructor(code: 'MODEL_MISSING' | 'MODEL_MISMATCH', message: string, file?: string) {
    super(code, message, file !== undefined ? { file } : undefined);
    this.name = 'ModelError';
  }
}

/** RTTM/UEM annotation that does not parse. */
export class AnnotationError extends CountSpeakersError {
  readonly line: number;
  constructor(code: 'RTTM_PARSE' | 'UEM_PARSE', file: string, line: number, what: string) {
    super(code, `${file}:${line}: ${what}`, { file });
    this.name = 'AnnotationError';
    this.line = line;
  }
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

export function isCountSpeakersError(e: unknown): e is CountSpeakersError {
  return e instanceof CountSpeakersError;
}

/**
 * Any thrown value as the plain {code, message} a CLI line, a JSON record or a worker reply
 * carries (never a stack trace): a CountSpeakersError as it is, anything else as INTERNAL.
 */
export function describeFailure(e: unknown): { code: string; message: string } {
  if (isCountSpeakersError(e)) return { code: e.code, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return {
    code: 'INTERNAL',
    message: `Unexpected internal error: ${message}. This is a bug; please report it with the command you ran.`,
  };
}

/** A system error as "CODE: what" once: Node's own messages already start with the code ("ELOOP: too many ..."). */
export function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const message = e instanceof Error ? e.message : String(e);
  return code === undefined || message.startsWith(code) ? message : `${code}: ${message}`;
}
