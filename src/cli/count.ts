/**
 * `count-speakers <file...>`: count women and men per file; human lines, --json, --rttm.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatRttm } from '../io/index.js';
import { createEngine, type Engine } from '../pipeline/index.js';
import type { Diarization, DiarizeOptions } from '../types.js';
import { describeFailure, UsageError } from './errors.js';
import { EXIT, type CliIo } from './io.js';
import { ProgressBar } from './progress.js';

export const COUNT_HELP = `count-speakers: how many distinct women and men speak in a recording.

Usage:
  count-speakers [options] <file> [<file> ...]
  count-speakers batch <dir|list.txt> --out results.jsonl [options]   (see: count-speakers batch --help)
  count-speakers der --ref <rttm|dir> --hyp <rttm|dir> [options]      (see: count-speakers der --help)
  count-speakers report <file> --html film.html [options]             (see: count-speakers report --help)
  count-speakers summary <results.jsonl> --csv films.csv --html catalogue.html   (see: count-speakers summary --help)

Input: WAV (8/16/24/32-bit PCM, 32/64-bit float, any rate and channel count); other formats
(mp3, mp4, mkv, flac, ...) when ffmpeg is on PATH.

Options:
  --json                one JSON object per file on stdout:
                        {"file","M","F","durationSec","speakers":[{"id","sex","confidence","speechSec"}],
                        "speechSecBySex","speechShareF","exchanges","bechdelVoice","turns"}
  --rttm <file>         write the diarization (who speaks when) as RTTM; URI = file name without extension
  --num-speakers <n>    the number of speakers, when known (otherwise it is found)
  --min-speakers <n>    at least this many speakers
  --max-speakers <n>    at most this many speakers
  --min-speech <sec>    a speaker with less total speech is not counted (default 2)
  --exchange-gap <sec>  a turn starting at most this long after another speaker's (or during it)
                        replies to it, for "exchanges" and "bechdelVoice" (default 2)
  --threads <n>         CPU threads (default: the number of cores, at most 4)
  --quiet               no progress bar
  -h, --help            this help
  -v, --version         the version

Output (default): one line per file, e.g. "film.wav: 2 women, 3 men".
Exit code: 0 when every file was processed, 1 when any failed (each failure is explained on
stderr and processing goes on with the next file), 2 for a usage error.
Models ship in models/; nothing is downloaded.`;

export interface CountArgs {
  files: string[];
  json: boolean;
  rttm?: string;
  quiet: boolean;
  options: DiarizeOptions;
}

export function parseCountArgs(argv: string[]): CountArgs | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      rttm: { type: 'string' },
      'num-speakers': { type: 'string' },
      'min-speakers': { type: 'string' },
      'max-speakers': { type: 'string' },
      'min-speech': { type: 'string' },
      'exchange-gap': { type: 'string' },
      threads: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('no input file given. Pass one or more audio files, e.g. `count-speakers film.wav`.');
  const options: DiarizeOptions = {};
  const int = (name: string, v: string | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} expects an integer >= ${min}, received "${v}".`);
    return n;
  };
  options.numSpeakers = int('num-speakers', values['num-speakers'], 1);
  options.minSpeakers = int('min-speakers', values['min-speakers'], 1);
  options.maxSpeakers = int('max-speakers', values['max-speakers'], 1);
  options.threads = int('threads', values.threads, 1);
  if (values['min-speech'] !== undefined) {
    const n = Number(values['min-speech']);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`--min-speech expects seconds >= 0, received "${values['min-speech']}".`);
    options.minSpeechSec = n;
  }
  const gap = exchangeGapOption(values['exchange-gap']);
  if (gap !== undefined) options.exchangeGapSec = gap;
  for (const k of Object.keys(options) as Array<keyof DiarizeOptions>) if (options[k] === undefined) delete options[k];
  return { files: positionals, json: values.json ?? false, rttm: values.rttm, quiet: values.quiet ?? false, options };
}

/** `--exchange-gap <sec>`, shared by the commands that diarize. */
export function exchangeGapOption(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 60) throw new UsageError(`--exchange-gap expects seconds in 0..60, received "${v}".`);
  return n;
}

/** The JSON line of one file (the `id`s equal the RTTM speaker labels). */
export function toJsonRecord(d: Diarization): Record<string, unknown> {
  return {
    file: d.file,
    M: d.counts.M,
    F: d.counts.F,
    durationSec: d.durationSec,
    speakers: d.speakers.map((s) => ({ id: s.id, sex: s.sex, confidence: s.confidence, speechSec: s.speechSec })),
    speechSecBySex: d.speechSecBySex,
    speechShareF: d.speechShareF,
    exchanges: d.exchanges,
    bechdelVoice: d.bechdelVoice,
    turns: d.turns,
  };
}

export function humanLine(d: Diarization): string {
  const w = d.counts.F === 1 ? 'woman' : 'women';
  const m = d.counts.M === 1 ? 'man' : 'men';
  return `${d.file}: ${d.counts.F} ${w}, ${d.counts.M} ${m}`;
}

export function uriOf(file: string): string {
  return path.basename(file).replace(/\.[^.]+$/, '');
}

export async function runCount(argv: string[], io: CliIo, engineFactory: () => Promise<Engine> = createEngine): Promise<number> {
  let args: CountArgs | 'help';
  try {
    args = parseCountArgs(argv);
  } catch (e) {
    io.stderr(`count-speakers: ${e instanceof Error ? e.message : String(e)}\nRun \`count-speakers --help\` for usage.\n`);
    return EXIT.USAGE;
  }
  if (args === 'help') {
    io.stdout(COUNT_HELP + '\n');
    return EXIT.OK;
  }
  const bar = new ProgressBar(io, io.isTTY && !args.quiet);
  let failures = 0;
  const rttmParts: string[] = [];
  let engine: Engine | undefined;
  try {
    engine = await engineFactory();
    for (const [i, file] of args.files.entries()) {
      try {
        const d = await engine.diarize(file, {
          ...args.options,
          onProgress: (p) => bar.update((i + p.fraction) / args.files.length, `${path.basename(file)} (${p.stage})`),
        });
        bar.clear();
        io.stdout(args.json ? JSON.stringify(toJsonRecord(d)) + '\n' : humanLine(d) + '\n');
        if (args.rttm) rttmParts.push(formatRttm(uriOf(file), d.turns));
      } catch (e) {
        bar.clear();
        failures++;
        const f = describeFailure(e);
        io.stderr(`count-speakers: ${f.message}${f.message.includes(file) ? '' : ` (file: ${file})`} [${f.code}]\n`);
        if (args.json) io.stdout(JSON.stringify({ file, error: f }) + '\n');
      }
    }
  } catch (e) {
    bar.clear();
    const f = describeFailure(e);
    io.stderr(`count-speakers: ${f.message} [${f.code}]\n`);
    return EXIT.FAILED;
  } finally {
    await engine?.dispose();
  }
  if (args.rttm) {
    try {
      writeFileSync(args.rttm, rttmParts.join(''));
    } catch (e) {
      io.stderr(`count-speakers: could not write the RTTM file ${args.rttm}: ${(e as Error).message}. Check that its folder exists and is writable.\n`);
      return EXIT.FAILED;
    }
  }
  return failures > 0 ? EXIT.FAILED : EXIT.OK;
}
