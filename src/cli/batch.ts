/**
 * `count-speakers batch <dir|list.txt> --out results.jsonl`: a corpus through a pool of worker
 * threads (one engine each), one JSON line per file, resumable, shardable across machines.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import path from 'node:path';
import {
  BatchPool,
  DEFAULT_MEDIA_EXTENSIONS,
  discoverInputs,
  inShard,
  Journal,
  maxJobs,
  parseExtensions,
  RESULTS_OUTPUT,
  parseShard,
  runBatch as runBatchFiles,
  type BatchInput,
  type FileResult,
  type JournalRecord,
  type Shard,
} from '../batch/index.js';
import { CountSpeakersError, describeFailure, isCountSpeakersError } from '../errors/index.js';
import { checkAndWriteOutput, checkOutput, writeOutput, type OutputSpec, type OutputTarget } from '../io/output.js';
import type { Turn } from '../types.js';
import type { WorkerDiarizeOptions } from '../pipeline/workerMessages.js';
import { renamedUriNote, RTTM_OUTPUT, rttmOf, toJsonRecord } from './count.js';
import { UsageError } from './errors.js';
import { DIARIZE_OPTION_SPEC, diarizeOptionsFrom, parseCommandLine } from './options.js';
import { EXIT, type CliIo } from './io.js';
import { formatDuration, ProgressBar } from './progress.js';

export const BATCH_HELP = `count-speakers batch: count women and men in every recording of a corpus.

Usage:
  count-speakers batch <dir|list.txt> --out results.jsonl [options]

Input: a folder (its media files, by extension) or a text file listing one path per line
(blank lines and lines starting with # are ignored; relative paths are relative to the list).

Options:
  --out <file.jsonl>    results, one JSON line per file (required): the record of
                        \`count-speakers --json\` plus "elapsedSec", or {"file","error":{"code","message"}}.
                        Re-running the same command skips the files already in it (resume).
  --csv <file.csv>      also write a table (file, M, F, durationSec, speech per sex, error)
  --rttm-dir <dir>      write <dir>/<path>/<name>.rttm per file (URI = file name without extension,
                        whitespace replaced by _)
  --report-dir <dir>    write <dir>/<path>/<name>.html per file: its report (see count-speakers report --help);
                        then \`count-speakers summary results.jsonl --html\` for the whole corpus
  --recursive           look into sub-folders
  --ext <list>          extensions to take from a folder (default: ${DEFAULT_MEDIA_EXTENSIONS.join(',')})
  --shard <i/n>         process only shard i of n (0 <= i < n), chosen by a hash of the path relative
                        to the corpus root: n machines share a corpus with no coordination
  --jobs <n>            files processed in parallel, one engine per job (default: ${defaultJobs(availableParallelism())} here;
                        more than the machine's cores and memory hold is capped to ${maxJobs()} here)
  --threads <n>         CPU threads shared by the jobs (default: all cores); each job gets max(1, threads / jobs)
  --retry-failed        process again the files whose line in --out is an error
  --num-speakers <n>, --min-speakers <n>, --max-speakers <n>, --min-speech <sec>, --exchange-gap <sec>
                        as for a single file (\`count-speakers --help\`), for every file
  --quiet               no progress bar and no per-file error lines (the summary is always printed)
  -h, --help            this help

A file that cannot be processed gets an error line and the batch goes on. At the end a summary is
printed on stderr. Exit code: 0 when every file of the input has a result, 1 when any failed
(or the batch could not run), 2 for a usage error.`;

export interface BatchArgs {
  input: string;
  out: string;
  csv?: string;
  rttmDir?: string;
  reportDir?: string;
  recursive: boolean;
  extensions: readonly string[];
  shard?: Shard;
  jobs: number;
  cores: number;
  retryFailed: boolean;
  quiet: boolean;
  options: WorkerDiarizeOptions;
}

/**
 * One job per two cores: an engine given two threads runs CAM++ on one of them beside segmentation
 * and keeps 1.7 cores busy. On 2 cores (bench:scale, 12 files of 120 s) one job of two threads took
 * 25.8 s and 424 MB, two jobs of one thread 24.8 s and 625 MB. Beyond 4 jobs memory (about 200 MB
 * per engine) grows for little gain.
 */
export function defaultJobs(cores: number): number {
  return Math.max(1, Math.min(Math.floor(cores / 2), 4));
}

export function parseBatchArgs(argv: string[]): BatchArgs | 'help' {
  const { values, positionals } = parseCommandLine(argv, {
    out: { type: 'string' },
    csv: { type: 'string' },
    'rttm-dir': { type: 'string' },
    'report-dir': { type: 'string' },
    recursive: { type: 'boolean', default: false },
    ext: { type: 'string' },
    shard: { type: 'string' },
    jobs: { type: 'string' },
    'retry-failed': { type: 'boolean', default: false },
    ...DIARIZE_OPTION_SPEC,
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) return 'help';
  if (positionals.length === 0)
    throw new UsageError('no input given. Pass a folder or a list file, e.g. `count-speakers batch corpus/ --out results.jsonl`.');
  if (positionals.length > 1) {
    throw new UsageError(
      `expected one folder or list file, received ${positionals.length} (${positionals.slice(0, 3).join(', ')}${positionals.length > 3 ? ', ...' : ''}). Put the paths in a list file, one per line.`,
    );
  }
  if (!values.out) throw new UsageError('--out <results.jsonl> is required: it holds the results and lets an interrupted batch resume.');
  // --threads is the CPU threads the jobs share; each job's engine gets a share (checked as its threads).
  const { threads, ...options } = diarizeOptionsFrom(values);
  const cores = threads ?? availableParallelism();
  let jobs = defaultJobs(cores);
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (values.jobs.trim() === '' || !Number.isInteger(jobs) || jobs < 1)
      throw new UsageError(`--jobs expects an integer >= 1, received "${values.jobs}".`);
  }
  let extensions: readonly string[] = DEFAULT_MEDIA_EXTENSIONS;
  let shard: Shard | undefined;
  try {
    if (values.ext !== undefined) extensions = parseExtensions(values.ext);
    if (values.shard !== undefined) shard = parseShard(values.shard);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const args: BatchArgs = {
    input: positionals[0],
    out: values.out,
    recursive: values.recursive ?? false,
    extensions,
    jobs,
    cores,
    retryFailed: values['retry-failed'] ?? false,
    quiet: values.quiet ?? false,
    options,
  };
  if (values.csv !== undefined) args.csv = values.csv;
  if (values['rttm-dir'] !== undefined) args.rttmDir = values['rttm-dir'];
  if (values['report-dir'] !== undefined) args.reportDir = values['report-dir'];
  if (shard) args.shard = shard;
  return args;
}

/** Where the RTTM of an input goes: mirrors its folder under rttmDir (names may repeat across folders). */
export function rttmPathOf(rttmDir: string, input: BatchInput): string {
  const dir = path.posix.dirname(input.key);
  const safe = dir === '.' || dir.startsWith('..') || path.posix.isAbsolute(dir) ? '' : dir;
  const base = path.basename(input.file);
  return path.join(rttmDir, ...safe.split('/').filter(Boolean), `${base.replace(/\.[^.]+$/, '') || base}.rttm`);
}

const RTTM_DIR_OUTPUT: OutputSpec = Object.freeze({ ...RTTM_OUTPUT, option: '--rttm-dir', allowStream: false });

function writeRttm(file: string, text: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (e) {
    throw new CountSpeakersError(
      'OUTPUT_UNWRITABLE',
      `${path.dirname(file)}: the RTTM folder cannot be created (${(e as Error).message}). Check --rttm-dir.`,
      { file, cause: e },
    );
  }
  checkAndWriteOutput(file, RTTM_DIR_OUTPUT, text);
}

/**
 * Write one file's RTTM; an existing file at that path that is not RTTM fails this file only
 * (returned, left untouched), while an unwritable folder or a full disk stops the batch (thrown).
 */
function writeRttmOrRefusal(file: string, text: string): { code: string; message: string } | undefined {
  try {
    writeRttm(file, text);
    return undefined;
  } catch (e) {
    if (isCountSpeakersError(e) && e.code === 'OUTPUT_REFUSED') return describeFailure(e);
    throw e;
  }
}

const CSV_HEAD = ['file', 'M', 'F', 'durationSec', 'speechSecM', 'speechSecF', 'speakers', 'elapsedSec', 'errorCode', 'errorMessage'];

/** The --csv table: ours when it starts with its header. */
export const CSV_OUTPUT: OutputSpec = Object.freeze({
  what: 'CSV table',
  option: '--csv',
  isOurs: (head: string) => head.startsWith(CSV_HEAD.join(',')),
  allowStream: true,
});

function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvOf(records: readonly JournalRecord[]): string {
  const head = CSV_HEAD;
  const rows = records.map((r) => {
    const speech = r.speechSecBySex as { M?: number; F?: number } | undefined;
    const speakers = Array.isArray(r.speakers) ? r.speakers.length : undefined;
    return [r.file, r.M, r.F, r.durationSec, speech?.M, speech?.F, speakers, r.elapsedSec, r.error?.code, r.error?.message]
      .map(csvCell)
      .join(',');
  });
  return [head.join(','), ...rows].join('\n') + '\n';
}

function isTurnList(v: unknown): v is Turn[] {
  return (
    Array.isArray(v) &&
    v.every(
      (t) =>
        typeof t === 'object' &&
        t !== null &&
        typeof (t as Turn).startSec === 'number' &&
        typeof (t as Turn).endSec === 'number' &&
        typeof (t as Turn).speaker === 'string',
    )
  );
}

export async function runBatch(argv: string[], io: CliIo): Promise<number> {
  let args: BatchArgs | 'help';
  try {
    args = parseBatchArgs(argv);
  } catch (e) {
    io.stderr(`count-speakers batch: ${e instanceof Error ? e.message : String(e)}\nRun \`count-speakers batch --help\` for usage.\n`);
    return EXIT.USAGE;
  }
  if (args === 'help') {
    io.stdout(BATCH_HELP + '\n');
    return EXIT.OK;
  }
  const a = args;
  const say = (s: string) => io.stderr(`count-speakers batch: ${s}\n`);
  const t0 = Date.now();

  const limit = maxJobs();
  if (a.jobs > limit) {
    say(
      `--jobs ${a.jobs} is more than this machine can run at once (${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GB of memory; each job is one engine busy on one core): capped to ${limit}.`,
    );
    a.jobs = limit;
  }
  // Outputs are checked before any input is read: a wrong --out or --csv loses nothing.
  let csvTarget: OutputTarget | undefined;
  try {
    checkOutput(a.out, RESULTS_OUTPUT);
    if (a.csv !== undefined) csvTarget = checkOutput(a.csv, CSV_OUTPUT);
    if (a.rttmDir !== undefined && existsSync(a.rttmDir) && !statSync(a.rttmDir).isDirectory()) {
      throw new CountSpeakersError(
        'OUTPUT_REFUSED',
        `${a.rttmDir}: --rttm-dir names a file, expected a folder (created when missing). Name a folder.`,
        { file: a.rttmDir },
      );
    }
  } catch (e) {
    const f = describeFailure(e);
    say(`${f.message} [${f.code}]`);
    return f.code === 'OUTPUT_REFUSED' ? EXIT.USAGE : EXIT.FAILED;
  }

  let inputs: BatchInput[];
  try {
    inputs = (await discoverInputs(a.input, { recursive: a.recursive, extensions: a.extensions })).inputs;
  } catch (e) {
    say(`${describeFailure(e).message}`);
    return EXIT.USAGE;
  }
  const found = inputs.length;
  inputs = inputs.filter((i) => inShard(i.key, a.shard));
  if (found === 0) {
    say(
      `no input files found in ${a.input} (extensions: ${a.extensions.join(',')}${a.recursive ? '' : '; add --recursive for sub-folders'}). Nothing was done.`,
    );
    return EXIT.FAILED;
  }

  let journal: Journal;
  try {
    journal = await Journal.open(a.out);
  } catch (e) {
    const f = describeFailure(e);
    say(`${f.message} [${f.code}]`);
    return f.code === 'OUTPUT_REFUSED' ? EXIT.USAGE : EXIT.FAILED;
  }
  const rep = journal.report;
  if (rep.repairedBytes > 0)
    say(`repaired ${a.out}: removed a torn last line of ${rep.repairedBytes} bytes (an interrupted write); that file runs again.`);
  if (rep.badLines > 0) say(`${a.out}: ignored ${rep.badLines} line(s) that are not result records; those files run again.`);

  // Files whose RTTM URI is not their name: said in one line at the end, also with --quiet.
  const renamedUris: string[] = [];
  const noteUri = (name: string, uri: string) => {
    if (!a.quiet) {
      bar.clear();
      say(renamedUriNote(name, uri));
    }
    renamedUris.push(`${JSON.stringify(name)} -> "${uri}"`);
  };
  let failed = 0;
  let processed = 0;
  let audioSec = 0;
  const bar = new ProgressBar(io, io.isTTY && !a.quiet);
  let pool: BatchPool | undefined;
  let runError: unknown;
  try {
    if (a.retryFailed) journal.forget(inputs.filter((i) => journal.get(i.file)?.error).map((i) => i.file));
    const todo = inputs.filter((i) => !journal.has(i.file));
    const skipped = inputs.length - todo.length;
    if (skipped > 0 && !a.quiet) say(`${skipped} of ${inputs.length} files already in ${a.out}; processing the other ${todo.length}.`);

    // Progress by bytes (files differ in length by orders of magnitude), count and rate by files.
    const weight = (i: BatchInput) => Math.max(1, i.sizeBytes);
    const totalWeight = todo.reduce((s, i) => s + weight(i), 0);
    let doneWeight = 0;
    const inFlight = new Map<string, { input: BatchInput; fraction: number }>();
    const draw = () => {
      let w = doneWeight;
      let name = '';
      for (const f of inFlight.values()) {
        w += f.fraction * weight(f.input);
        name = path.basename(f.input.file);
      }
      const minutes = (Date.now() - t0) / 60000;
      const rate = processed > 0 && minutes > 0 ? `${(processed / minutes).toFixed(1)} files/min` : '';
      bar.update(totalWeight > 0 ? w / totalWeight : 1, `${processed}/${todo.length} files`, [rate, name].filter(Boolean).join(' '));
    };

    if (todo.length > 0) {
      pool = new BatchPool({ jobs: Math.min(a.jobs, todo.length), cores: a.cores });
      await runBatchFiles(todo, pool, a.options, {
        onStart: (input) => {
          inFlight.set(input.file, { input, fraction: 0 });
          draw();
        },
        onProgress: (input, p) => {
          const f = inFlight.get(input.file);
          if (f) f.fraction = p.fraction;
          draw();
        },
        onResult: (input, result: FileResult) => {
          let r = result;
          inFlight.delete(input.file);
          doneWeight += weight(input);
          if (r.type === 'done') {
            // RTTM first: a file is in the journal only once all its outputs exist.
            const refused = a.rttmDir
              ? writeRttmOrRefusal(rttmPathOf(a.rttmDir, input), rttmOf(input.file, r.diarization.turns, noteUri))
              : undefined;
            if (refused === undefined) {
              journal.append({ ...toJsonRecord(r.diarization), file: input.file, elapsedSec: round3(r.elapsedSec) } as JournalRecord);
              audioSec += r.diarization.durationSec;
            } else {
              r = { type: 'failed', file: input.file, error: refused, elapsedSec: r.elapsedSec };
            }
          }
          if (r.type === 'failed') {
            journal.append({ file: input.file, error: r.error });
            failed++;
            if (!a.quiet) {
              bar.clear();
              say(`${r.error.message}${r.error.message.includes(input.file) ? '' : ` (file: ${input.file})`} [${r.error.code}]`);
            }
          }
          processed++;
          draw();
        },
      });
    }
    // Outputs derived from the whole journal, so that resumed and retried runs are complete too.
    const records = inputs.map((i) => journal.get(i.file)).filter((r): r is JournalRecord => r !== undefined);
    if (a.rttmDir) {
      for (const i of inputs) {
        const r = journal.get(i.file);
        const file = rttmPathOf(a.rttmDir, i);
        if (r && !r.error && isTurnList(r.turns) && !existsSync(file)) writeRttm(file, rttmOf(i.file, r.turns, noteUri));
      }
    }
    if (a.reportDir) {
      const { writeMissingReports } = await import('./batch-reports.js');
      await writeMissingReports(a.reportDir, inputs, (f) => journal.get(f));
    }
    if (csvTarget) writeOutput(csvTarget, csvOf(records));
    if (renamedUris.length > 0) {
      say(
        `${renamedUris.length} file name(s) have whitespace, which RTTM fields cannot hold: their RTTM URIs have _ instead (e.g. ${renamedUris[0]}).`,
      );
    }
    bar.clear();
    summarize(io, a, { found, inputs: inputs.length, skipped, processed, failed, audioSec, wallSec: (Date.now() - t0) / 1000, records });
  } catch (e) {
    runError = e;
  } finally {
    bar.clear();
    try {
      await pool?.close();
    } catch (e) {
      runError ??= e;
    }
    journal.close();
  }
  if (runError !== undefined) {
    const f = describeFailure(runError);
    say(`${f.message} [${f.code}]`);
    say(`stopped after ${processed} file(s) this run; the results so far are in ${a.out}. Run the same command again to go on.`);
    return EXIT.FAILED;
  }
  const anyFailed = inputs.some((i) => journal.get(i.file)?.error !== undefined);
  return anyFailed ? EXIT.FAILED : EXIT.OK;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

interface Summary {
  found: number;
  inputs: number;
  skipped: number;
  processed: number;
  failed: number;
  audioSec: number;
  wallSec: number;
  records: JournalRecord[];
}

function summarize(io: CliIo, a: BatchArgs, s: Summary): void {
  let women = 0;
  let men = 0;
  let totalFailed = 0;
  let totalAudio = 0;
  for (const r of s.records) {
    if (r.error) {
      totalFailed++;
      continue;
    }
    if (typeof r.F === 'number') women += r.F;
    if (typeof r.M === 'number') men += r.M;
    if (typeof r.durationSec === 'number') totalAudio += r.durationSec;
  }
  const shard = a.shard ? ` (shard ${a.shard.index}/${a.shard.count}: ${s.inputs} of ${s.found} files)` : '';
  const speed = s.audioSec > 0 && s.wallSec > 0 ? `, ${(s.audioSec / s.wallSec).toFixed(1)}x real time` : '';
  io.stderr(
    [
      `count-speakers batch: summary${shard}`,
      `  this run:  ${s.processed} processed (${s.failed} failed), ${s.skipped} skipped (already in ${a.out}); ${(s.audioSec / 3600).toFixed(2)} h of audio in ${formatDuration(s.wallSec)}${speed}`,
      `  results:   ${s.records.length} of ${s.inputs} files, ${totalFailed} failed; ${women} ${women === 1 ? 'woman' : 'women'} and ${men} ${men === 1 ? 'man' : 'men'} counted in ${(totalAudio / 3600).toFixed(2)} h of audio`,
    ].join('\n') + '\n',
  );
}
