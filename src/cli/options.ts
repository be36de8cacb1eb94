/**
 * The options `count-speakers` and `count-speakers batch` share, parsed and checked in one place
 * before any file is touched: the text of each flag becomes a number here, and the ranges (and
 * min <= max) are the library's own validators, run once up front so that a bad value is one
 * usage error (exit 2) instead of the same error for every file.
 */
import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../errors/index.js';
import { overridesFromOptions, validatePipelineConfig } from '../pipeline/config.js';
import type { DiarizeOptions } from '../types.js';
import { UsageError } from './errors.js';

/** parseArgs entries of the shared diarization options. */
export const DIARIZE_OPTION_SPEC = {
  'num-speakers': { type: 'string' },
  'min-speakers': { type: 'string' },
  'max-speakers': { type: 'string' },
  'min-speech': { type: 'string' },
  'exchange-gap': { type: 'string' },
  threads: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const FLAG_OF: Readonly<Record<string, string>> = {
  numSpeakers: '--num-speakers',
  minSpeakers: '--min-speakers',
  maxSpeakers: '--max-speakers',
  minSpeechSec: '--min-speech',
  exchangeGapSec: '--exchange-gap',
  threads: '--threads',
};

type SpecValues = { [K in keyof typeof DIARIZE_OPTION_SPEC]?: string | undefined };

function numberOf(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || Number.isNaN(n)) throw new UsageError(`${flag} expects a number, received ${JSON.stringify(text)}.`);
  return n;
}

/** The diarization options given on the command line, as numbers and validated (UsageError naming the flag). */
export function diarizeOptionsFrom(values: SpecValues): DiarizeOptions {
  const options: DiarizeOptions = {};
  if (values['num-speakers'] !== undefined) options.numSpeakers = numberOf('--num-speakers', values['num-speakers']);
  if (values['min-speakers'] !== undefined) options.minSpeakers = numberOf('--min-speakers', values['min-speakers']);
  if (values['max-speakers'] !== undefined) options.maxSpeakers = numberOf('--max-speakers', values['max-speakers']);
  if (values['min-speech'] !== undefined) options.minSpeechSec = numberOf('--min-speech', values['min-speech']);
  if (values['exchange-gap'] !== undefined) options.exchangeGapSec = numberOf('--exchange-gap', values['exchange-gap']);
  if (values.threads !== undefined) options.threads = numberOf('--threads', values.threads);
  checkDiarizeOptions(options);
  return options;
}

/** Run the library's validators on the options; a ConfigError becomes a UsageError that names the flag. */
export function checkDiarizeOptions(options: DiarizeOptions): void {
  try {
    validatePipelineConfig(overridesFromOptions(options));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const field = e.field.replace(/^(clustering|measures)\./, '');
    const flag = FLAG_OF[field] ?? field;
    const rest = e.message.replace(/^Invalid option `[^`]*`: /, '').replace(/maxSpeakers/g, '--max-speakers');
    throw new UsageError(`${flag}: ${rest}`);
  }
}

/**
 * node:util parseArgs, with its errors as UsageErrors; an argument that looks like an option but
 * names an existing file (`-x.wav`) gets the way to pass it rather than "Unknown option '-x'".
 */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
): ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; strict: true; options: T }>> {
  try {
    return parseArgs({ args: argv, allowPositionals: true as const, strict: true as const, options });
  } catch (e) {
    const dashFile = argv.find((a) => a.startsWith('-') && a !== '-' && a !== '--' && !a.startsWith('--') && existsSync(a));
    if (dashFile !== undefined) {
      throw new UsageError(
        `${JSON.stringify(dashFile)} is read as options because it starts with "-". To process that file, write ./${dashFile} or put -- before it (\`count-speakers -- ${dashFile}\`).`,
      );
    }
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}
