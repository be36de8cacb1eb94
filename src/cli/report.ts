/**
 * `count-speakers report <file> --html film.html`: diarize one file and write its report (a
 * timeline per speaker, speaking time, the per-film measures) as one self-contained HTML page.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { CountSpeakersError } from '../errors/index.js';
import { createEngine, type Engine } from '../pipeline/index.js';
import { renderFilmReport } from '../report/index.js';
import { humanLine, parseCountArgs, renamedUriNote, RTTM_OUTPUT, rttmOf, toJsonRecord } from './count.js';
import { UsageError } from './errors.js';
import { describeFailure } from '../errors/index.js';
import { checkAndWriteOutput, type OutputSpec } from '../io/output.js';
import { EXIT, type CliIo } from './io.js';
import { ProgressBar } from './progress.js';
import { packageVersion } from './version.js';

export const REPORT_HELP = `count-speakers report: one film's report as a self-contained HTML page.

Usage:
  count-speakers report <file> --html <film.html> [options]

The page (no network needed to view it) shows a timeline with one lane per speaker coloured by
sex (overlapped speech and the stretches where women reply to each other marked), speaking time
per speaker, women's share of speech, replies by sex and the Bechdel-voice answer.

Options:
  --html <file.html>    where to write the report (required)
  --json                also print the JSON record of \`count-speakers --json\` on stdout
  --rttm <file>         also write the diarization as RTTM
  --exchange-gap <sec>, --num-speakers <n>, --min-speakers <n>, --max-speakers <n>,
  --min-speech <sec>, --threads <n>, --quiet
                        as for \`count-speakers\` (see count-speakers --help)
  -h, --help            this help

Exit code: 0 when the report was written, 1 when the file could not be processed or the report
not written, 2 for a usage error.`;

/** An HTML page of ours: a report or catalogue written by this tool (its generator meta tag). */
export const HTML_OUTPUT: OutputSpec = Object.freeze({
  what: 'HTML report',
  option: '--html',
  isOurs: (head: string) => /^\s*<!doctype html>/i.test(head) && head.includes('count-speakers'),
  allowStream: true,
});

/**
 * Write a whole output file or nothing, through the one owner of output files (an existing file
 * that is not ours is refused untouched); report folders are made as needed.
 */
export function writeOutputFile(file: string, text: string, spec: OutputSpec = HTML_OUTPUT): void {
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  } catch (e) {
    throw new CountSpeakersError(
      'OUTPUT_UNWRITABLE',
      `${file}: its folder cannot be made (${(e as Error).message}). Check that the path is writable, then run the same command again.`,
      { file, cause: e },
    );
  }
  checkAndWriteOutput(file, spec, text);
}

export function kilobytes(text: string): string {
  return `${Math.ceil(Buffer.byteLength(text) / 1024)} KB`;
}

export async function runReport(argv: string[], io: CliIo, engineFactory: () => Promise<Engine> = createEngine): Promise<number> {
  const usage = (msg: string) => {
    io.stderr(`count-speakers report: ${msg}\nRun \`count-speakers report --help\` for usage.\n`);
    return EXIT.USAGE;
  };
  // --html is this command's own; every other option is the count command's.
  const rest: string[] = [];
  let html: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      io.stdout(REPORT_HELP + '\n');
      return EXIT.OK;
    }
    if (a === '--html' || a.startsWith('--html=')) {
      html = a === '--html' ? argv[++i] : a.slice('--html='.length);
      if (!html) return usage('--html expects a file name, e.g. `--html film.html`.');
    } else rest.push(a);
  }
  let args;
  try {
    const parsed = parseCountArgs(rest);
    if (parsed === 'help') {
      io.stdout(REPORT_HELP + '\n');
      return EXIT.OK;
    }
    args = parsed;
    if (args.files.length !== 1)
      throw new UsageError(`expected one audio file, received ${args.files.length}. Use \`count-speakers batch --report-dir\` for many.`);
    if (!html) throw new UsageError('--html <film.html> is required: where to write the report.');
  } catch (e) {
    return usage(e instanceof Error ? e.message : String(e));
  }
  const file = args.files[0];
  const bar = new ProgressBar(io, io.isTTY && !args.quiet);
  let engine: Engine | undefined;
  try {
    engine = await engineFactory();
    const d = await engine.diarize(file, {
      ...args.options,
      onProgress: (p) => bar.update(p.fraction, `${path.basename(file)} (${p.stage})`),
    });
    bar.clear();
    const page = await renderFilmReport(d, { engineVersion: packageVersion() });
    writeOutputFile(html, page);
    if (args.rttm)
      writeOutputFile(
        args.rttm,
        rttmOf(file, d.turns, (name, uri) => io.stderr(renamedUriNote(name, uri) + '\n')),
        RTTM_OUTPUT,
      );
    if (args.json) io.stdout(JSON.stringify(toJsonRecord(d)) + '\n');
    io.stderr(`${humanLine(d)}; report written to ${html} (${kilobytes(page)})\n`);
    return EXIT.OK;
  } catch (e) {
    bar.clear();
    const f = describeFailure(e);
    io.stderr(`count-speakers report: ${f.message}${f.message.includes(file) ? '' : ` (file: ${file})`} [${f.code}]\n`);
    return EXIT.FAILED;
  } finally {
    await engine?.dispose();
  }
}
