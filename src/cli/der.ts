/**
 * `count-speakers der`: diarization error rate of hypothesis RTTM against reference RTTM,
 * with md-eval semantics (see src/metrics/der.ts). Per-file and total table, or one JSON object.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CountSpeakersError, isCountSpeakersError } from '../errors/index.js';
import { readRttm, readUem, type Interval } from '../io/index.js';
import type { Turn } from '../types.js';
import { scoreDerFiles, type DerReport, type DerTotals } from '../metrics/index.js';
import { UsageError } from './errors.js';
import { EXIT, type CliIo } from './io.js';

export const DER_HELP = `count-speakers der: diarization error rate (DER), scored as NIST md-eval-22 via dscore.

Usage:
  count-speakers der --ref <rttm|dir> --hyp <rttm|dir> [--uem <file|dir>] [--collar <sec>]
                     [--ignore-overlaps] [--json]

  --ref <rttm|dir>     reference RTTM file, or a directory of *.rttm files
  --hyp <rttm|dir>     hypothesis (system) RTTM file or directory; recordings are matched by URI
                       (field 2 of each SPEAKER line), not by file name
  --uem <file|dir>     regions to score (\`<uri> <chan> <start> <end>\`); default per recording:
                       first onset to last offset of reference and hypothesis (as dscore)
  --collar <sec>       no-score collar around every reference boundary (default 0; 0.25 is the
                       usual VoxConverse/DIHARD-I setting)
  --ignore-overlaps    score only where the reference has at most one speaker (md-eval -1)
  --json               print one JSON object:
                       {"files":[{"uri","der","missed","falseAlarm","confusion","scored"}],
                        "total":{"der","missed","falseAlarm","confusion","scored"}}
                       der in percent (null when nothing was scored), times in seconds
  -h, --help           this help

DER = (missed + false alarm + confusion) / scored reference speaker time. The speaker mapping is
the one-to-one mapping with the most overlap over the whole scored regions, computed before
collars and overlap removal, as md-eval does. Exit code: 0 scored, 2 usage or input error.`;

interface DerArgs {
  ref: string;
  hyp: string;
  uem?: string;
  collarSec: number;
  ignoreOverlaps: boolean;
  json: boolean;
}

function parseDerArgs(argv: string[]): DerArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        ref: { type: 'string' },
        hyp: { type: 'string' },
        uem: { type: 'string' },
        collar: { type: 'string' },
        'ignore-overlaps': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}. See \`count-speakers der --help\`.`);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  if (v.ref === undefined) throw new UsageError('missing --ref <rttm|dir>: the reference RTTM file or directory.');
  if (v.hyp === undefined) throw new UsageError('missing --hyp <rttm|dir>: the hypothesis RTTM file or directory.');
  let collarSec = 0;
  if (v.collar !== undefined) {
    collarSec = Number(v.collar);
    if (v.collar.trim() === '' || !Number.isFinite(collarSec) || collarSec < 0 || collarSec > 60) {
      throw new UsageError(`--collar expects seconds between 0 and 60, received "${v.collar}". Example: --collar 0.25.`);
    }
  }
  return {
    ref: v.ref,
    hyp: v.hyp,
    ...(v.uem !== undefined ? { uem: v.uem } : {}),
    collarSec,
    ignoreOverlaps: v['ignore-overlaps'] ?? false,
    json: v.json ?? false,
  };
}

/** The files to read for a path: itself, or the files with `ext` in a directory (sorted). */
async function listFiles(p: string, ext: string, role: string): Promise<string[]> {
  let isDir: boolean;
  try {
    isDir = (await stat(p)).isDirectory();
  } catch {
    throw new CountSpeakersError(
      'FILE_NOT_FOUND',
      `${p}: ${role} not found. Check the path (relative paths start from ${process.cwd()}).`,
      { file: p },
    );
  }
  if (!isDir) return [p];
  const names = (await readdir(p)).filter((n) => n.toLowerCase().endsWith(ext)).sort();
  if (names.length === 0) {
    throw new CountSpeakersError(
      'FILE_NOT_FOUND',
      `${p}: no *${ext} files in this directory. Pass a ${role} file or a directory holding *${ext} files.`,
      { file: p },
    );
  }
  return names.map((n) => path.join(p, n));
}

async function loadTurns(p: string, role: string, warn: (s: string) => void): Promise<Map<string, Turn[]>> {
  const out = new Map<string, Turn[]>();
  for (const file of await listFiles(p, '.rttm', `${role} RTTM`)) {
    const rttm = await readRttm(file);
    if (rttm.ignored.length > 0) {
      const types = [...new Set(rttm.ignored.map((r) => r.type))].join(', ');
      warn(`${file}: skipped ${rttm.ignored.length} non-SPEAKER record(s) (${types}); only SPEAKER lines are scored.`);
    }
    for (const [uri, turns] of rttm.turnsByUri) {
      const list = out.get(uri);
      if (list === undefined) out.set(uri, [...turns]);
      else list.push(...turns);
    }
  }
  return out;
}

async function loadUem(p: string): Promise<Map<string, Interval[]>> {
  const out = new Map<string, Interval[]>();
  for (const file of await listFiles(p, '.uem', 'UEM')) {
    const uem = await readUem(file);
    for (const [uri, regions] of uem.regionsByUri) {
      if (out.has(uri)) {
        throw new CountSpeakersError(
          'UEM_PARSE',
          `${file}: recording ${JSON.stringify(uri)} already has regions in another UEM file. Keep each recording in one UEM file.`,
          { file },
        );
      }
      out.set(uri, regions);
    }
  }
  return out;
}

/** Round away binary noise (0.30000000000000004) without losing md-eval's millisecond precision. */
function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function jsonRow(t: DerTotals): { der: number | null; missed: number; falseAlarm: number; confusion: number; scored: number } {
  return {
    der: Number.isFinite(t.der) ? round(t.der, 4) : null,
    missed: round(t.missedSec, 6),
    falseAlarm: round(t.falseAlarmSec, 6),
    confusion: round(t.confusionSec, 6),
    scored: round(t.scoredSec, 6),
  };
}

export function formatDerJson(report: DerReport): string {
  return JSON.stringify({
    files: report.files.map((f) => ({ uri: f.uri, ...jsonRow(f) })),
    total: jsonRow(report.total),
  });
}

export function formatDerTable(report: DerReport, settings: string): string {
  const uriWidth = Math.max(5, ...report.files.map((f) => f.uri.length));
  const num = (x: number, d: number, w: number): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a').padStart(w);
  const head = `${'file'.padEnd(uriWidth)}  ${'DER %'.padStart(8)}  ${'missed s'.padStart(10)}  ${'FA s'.padStart(10)}  ${'confusion s'.padStart(11)}  ${'scored s'.padStart(10)}`;
  const row = (name: string, t: DerTotals): string =>
    `${name.padEnd(uriWidth)}  ${num(t.der, 2, 8)}  ${num(t.missedSec, 3, 10)}  ${num(t.falseAlarmSec, 3, 10)}  ${num(t.confusionSec, 3, 11)}  ${num(t.scoredSec, 3, 10)}`;
  const lines = [settings, head, '-'.repeat(head.length)];
  for (const f of report.files) lines.push(row(f.uri, f));
  lines.push('-'.repeat(head.length), row('TOTAL', report.total));
  return lines.join('\n') + '\n';
}

export async function runDer(argv: string[], io: CliIo): Promise<number> {
  let args: DerArgs | 'help';
  try {
    args = parseDerArgs(argv);
  } catch (e) {
    io.stderr(`count-speakers der: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.USAGE;
  }
  if (args === 'help') {
    io.stdout(DER_HELP + '\n');
    return EXIT.OK;
  }
  const warn = (s: string): void => io.stderr(`count-speakers der: warning: ${s}\n`);
  try {
    const ref = await loadTurns(args.ref, 'reference', warn);
    const hyp = await loadTurns(args.hyp, 'hypothesis', warn);
    const uemByUri = args.uem !== undefined ? await loadUem(args.uem) : undefined;
    const report = scoreDerFiles(ref, hyp, {
      collarSec: args.collarSec,
      ignoreOverlaps: args.ignoreOverlaps,
      ...(uemByUri !== undefined ? { uemByUri } : {}),
    });
    for (const uri of report.missingHyp) warn(`no hypothesis turns for ${JSON.stringify(uri)}: scored as all missed.`);
    for (const uri of report.extraHyp) warn(`hypothesis ${JSON.stringify(uri)} has no reference: not scored.`);
    for (const uri of report.notInUem) warn(`reference ${JSON.stringify(uri)} has no region in the UEM: not scored.`);
    if (report.files.length === 0) {
      throw new CountSpeakersError(
        'RTTM_PARSE',
        `${args.ref}: no reference recording could be scored. Check that the reference has SPEAKER lines and that the UEM names the same URIs.`,
        { file: args.ref },
      );
    }
    if (args.json) {
      io.stdout(formatDerJson(report) + '\n');
    } else {
      const settings =
        `DER (md-eval): collar ${args.collarSec} s, ` +
        `${args.ignoreOverlaps ? 'overlapped speech not scored' : 'overlapped speech scored'}, ` +
        `regions: ${args.uem !== undefined ? `UEM ${args.uem}` : 'first to last turn of reference and hypothesis'}`;
      io.stdout(formatDerTable(report, settings));
    }
    return EXIT.OK;
  } catch (e) {
    if (isCountSpeakersError(e)) {
      io.stderr(`count-speakers der: ${e.message}\n`);
      return EXIT.USAGE;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(`count-speakers der: unexpected internal error: ${message}. This is a bug; please report it with the command you ran.\n`);
    return EXIT.FAILED;
  }
}
