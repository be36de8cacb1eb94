/**
 * `count-speakers summary results.jsonl [more.jsonl ...] --csv films.csv --html catalogue.html`:
 * one row per film from batch results (shards may be given together), as CSV and as an HTML
 * page with a sortable table and plots.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileId, parseRecord, type JournalRecord } from '../batch/index.js';
import { catalogueCsv, catalogueRow, renderCatalogueReport } from '../report/index.js';
import { UsageError } from './errors.js';
import { describeFailure } from '../errors/index.js';
import { EXIT, type CliIo } from './io.js';
import type { OutputSpec } from '../io/output.js';
import { kilobytes, writeOutputFile } from './report.js';
import { packageVersion } from './version.js';

export const SUMMARY_HELP = `count-speakers summary: a catalogue's table and plots from batch results.

Usage:
  count-speakers summary <results.jsonl> [<more.jsonl> ...] [--csv films.csv] [--html catalogue.html]

Input: the results of \`count-speakers batch --out\` (several files, e.g. one per shard, are joined;
when a film appears twice the later line wins).

Options:
  --csv <file.csv>      one row per film: file, durationSec, F, M, speakers, speechSecF, speechSecM,
                        speechShareF, FF, FM, MF, MM, longestWomenRunTurns, atLeastTwoWomen,
                        womenTalkToEachOther, errorCode, errorMessage
  --html <file.html>    a self-contained page: a table sortable by any column, and plots of women's
                        share of speech, of the number of women per film, and share vs speakers
  -h, --help            this help

Without --csv or --html the CSV is printed on stdout.
Exit code: 0 when the outputs were written, 1 when an input could not be read or an output not
written, 2 for a usage error.`;

/** The catalogue table: ours when it starts with its own header row. */
const CATALOGUE_CSV_OUTPUT: OutputSpec = Object.freeze({
  what: 'CSV table',
  option: '--csv',
  isOurs: (head: string) => head.startsWith(catalogueCsv([]).split('\n')[0]),
  allowStream: true,
});

export async function runSummary(argv: string[], io: CliIo): Promise<number> {
  let values: { csv?: string; html?: string; help?: boolean };
  let inputs: string[];
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { csv: { type: 'string' }, html: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    });
    values = parsed.values;
    inputs = parsed.positionals;
    if (!values.help && inputs.length === 0)
      throw new UsageError('no results file given, e.g. `count-speakers summary results.jsonl --html catalogue.html`.');
  } catch (e) {
    io.stderr(`count-speakers summary: ${e instanceof Error ? e.message : String(e)}\nRun \`count-speakers summary --help\` for usage.\n`);
    return EXIT.USAGE;
  }
  if (values.help) {
    io.stdout(SUMMARY_HELP + '\n');
    return EXIT.OK;
  }
  const say = (s: string) => io.stderr(`count-speakers summary: ${s}\n`);
  const byFile = new Map<string, JournalRecord>();
  for (const input of inputs) {
    let text: string;
    try {
      text = readFileSync(input, 'utf8');
    } catch (e) {
      say(
        `${input}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Give the results file written by \`count-speakers batch --out\`.`,
      );
      return EXIT.FAILED;
    }
    let bad = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const rec = parseRecord(line);
      if (!rec) bad++;
      else byFile.set(fileId(rec.file), rec);
    }
    if (bad > 0) say(`${input}: ignored ${bad} line(s) that are not result records.`);
  }
  const rows = [...byFile.values()].map(catalogueRow).sort((a, b) => a.file.localeCompare(b.file));
  try {
    const csv = catalogueCsv(rows);
    if (values.csv) writeOutputFile(values.csv, csv, CATALOGUE_CSV_OUTPUT);
    let htmlSize = '';
    if (values.html) {
      const page = await renderCatalogueReport(rows, { engineVersion: packageVersion(), source: inputs.join(', ') });
      writeOutputFile(values.html, page);
      htmlSize = kilobytes(page);
    }
    if (!values.csv && !values.html) io.stdout(csv);
    const ok = rows.filter((r) => !r.errorCode);
    const both = ok.filter((r) => r.womenTalkToEachOther).length;
    const written = [values.csv, values.html && `${values.html} (${htmlSize})`].filter(Boolean).join(' and ');
    say(
      `${rows.length} films (${rows.length - ok.length} failed), two women talk to each other in ${both}${written ? `; wrote ${written}` : ''}.`,
    );
    return EXIT.OK;
  } catch (e) {
    const f = describeFailure(e);
    say(`${f.message} [${f.code}]`);
    return EXIT.FAILED;
  }
}
