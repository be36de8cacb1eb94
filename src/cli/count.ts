/**
 * `count-speakers <file...>`: count women and men per file; human lines, --json, --rttm.
 */
import path from 'node:path';
import { describeFailure } from '../errors/index.js';
import { formatRttm, looksLikeRttm, rttmUriOf } from '../io/index.js';
import { checkOutput, writeOutput, type OutputSpec, type OutputTarget } from '../io/output.js';
import { createEngine, type Engine } from '../pipeline/index.js';
import type { Diarization, DiarizeOptions } from '../types.js';
import { UsageError } from './errors.js';
import { DIARIZE_OPTION_SPEC, diarizeOptionsFrom, parseCommandLine } from './options.js';
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
  --rttm <file>         write the diarization (who speaks when) as RTTM; URI = file name without
                        extension, whitespace replaced by _ (RTTM fields cannot hold it)
  --num-speakers <n>    the number of speakers, when known (otherwise it is found)
  --min-speakers <n>    at least this many speakers
  --max-speakers <n>    at most this many speakers
  --min-speech <sec>    a speaker with less total speech is not counted (default 2)
  --exchange-gap <sec>  a turn starting at most this long after another speaker's (or during it)
                        replies to it, for "exchanges" and "bechdelVoice" (default 2)
  --threads <n>         CPU threads (default: the number of cores, at most 4); from 2 on, the speaker
                        model runs on one of them beside segmentation
  --quiet               no progress bar
  -h, --help            this help
  -v, --version         the version

Output (default): one line per file, e.g. "film.wav: 2 women, 3 men". A file whose name starts
with "-" is given as ./-x.wav or after --: \`count-speakers -- -x.wav\`.
Exit code: 0 when every file was processed, 1 when any failed (each failure is explained on
stderr and processing goes on with the next file), 2 for a usage error (also an existing --rttm
file that is not RTTM: it is left untouched). Ctrl-C/SIGTERM remove the temporary files, then
end the process by that signal (shell status 130/143).
Models ship in models/; nothing is downloaded.`;

export interface CountArgs {
  files: string[];
  json: boolean;
  rttm?: string;
  quiet: boolean;
  options: DiarizeOptions;
}

export function parseCountArgs(argv: string[]): CountArgs | 'help' {
  const { values, positionals } = parseCommandLine(argv, {
    json: { type: 'boolean', default: false },
    rttm: { type: 'string' },
    ...DIARIZE_OPTION_SPEC,
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('no input file given. Pass one or more audio files, e.g. `count-speakers film.wav`.');
  const args: CountArgs = {
    files: positionals,
    json: values.json ?? false,
    quiet: values.quiet ?? false,
    options: diarizeOptionsFrom(values),
  };
  if (values.rttm !== undefined) args.rttm = values.rttm;
  return args;
}

/** The --rttm output: written over only when it already reads as RTTM. */
export const RTTM_OUTPUT: OutputSpec = Object.freeze({ what: 'RTTM file', option: '--rttm', isOurs: looksLikeRttm, allowStream: true });

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
    ...(d.warnings ? { warnings: d.warnings } : {}),
  };
}

export function humanLine(d: Diarization): string {
  const w = d.counts.F === 1 ? 'woman' : 'women';
  const m = d.counts.M === 1 ? 'man' : 'men';
  return `${d.file}: ${d.counts.F} ${w}, ${d.counts.M} ${m}`;
}

/** The RTTM text of one file; `onRenamed` hears of a name with whitespace and the URI it got instead. */
export function rttmOf(file: string, turns: Diarization['turns'], onRenamed: (name: string, uri: string) => void): string {
  const { uri, changed } = rttmUriOf(file);
  if (changed) onRenamed(path.basename(file), uri);
  return formatRttm(uri, turns);
}

export function renamedUriNote(name: string, uri: string): string {
  return `${JSON.stringify(name)} has whitespace in its name, which RTTM fields cannot hold: its RTTM URI is "${uri}" (_ instead).`;
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
  let rttmTarget: OutputTarget | undefined;
  try {
    if (args.rttm !== undefined) rttmTarget = checkOutput(args.rttm, RTTM_OUTPUT);
  } catch (e) {
    const f = describeFailure(e);
    io.stderr(`count-speakers: ${f.message} [${f.code}]\n`);
    return f.code === 'OUTPUT_REFUSED' ? EXIT.USAGE : EXIT.FAILED;
  }
  const bar = new ProgressBar(io, io.isTTY && !args.quiet);
  let failures = 0;
  const rttmParts: string[] = [];
  let engine: Engine | undefined;
  try {
    engine = await engineFactory();
    for (const [i, file] of args.files.entries()) {
      if (io.stdoutClosed?.()) break;
      try {
        const d = await engine.diarize(file, {
          ...args.options,
          onProgress: (p) => bar.update((i + p.fraction) / args.files.length, `${path.basename(file)} (${p.stage})`),
        });
        bar.clear();
        for (const w of d.warnings ?? []) io.stderr(`count-speakers: ${file}: warning: ${w}\n`);
        io.stdout(args.json ? JSON.stringify(toJsonRecord(d)) + '\n' : humanLine(d) + '\n');
        if (rttmTarget) rttmParts.push(rttmOf(file, d.turns, (n, u) => io.stderr(`count-speakers: ${renamedUriNote(n, u)}\n`)));
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
  if (io.stdoutClosed?.()) return EXIT.STDOUT_CLOSED;
  if (rttmTarget) {
    try {
      writeOutput(rttmTarget, rttmParts.join(''));
    } catch (e) {
      const f = describeFailure(e);
      io.stderr(`count-speakers: ${f.message} [${f.code}]\n`);
      return EXIT.FAILED;
    }
  }
  return failures > 0 ? EXIT.FAILED : EXIT.OK;
}
