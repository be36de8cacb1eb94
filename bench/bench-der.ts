/**
 * DER benchmark (prints figures; not a unit test). Runs the engine and two peers on the same
 * files in the same run: the seed baseline (bench/peers/resemblyzer_spectral.py: Resemblyzer +
 * spectral clustering) and senko 0.2.2 on CPU (bench/peers/senko_peer.py: Silero VAD + CAM++ +
 * spectral clustering); scores all with the same md-eval scorer (src/metrics), and prints per
 * file and in total: DER at collar 0.25 and collar 0 (overlapped speech scored), missed / false
 * alarm / confusion, speaker count exact and within one, M/F count exact where the sex is known
 * (ours only: the peers do not tell sex), real-time factor, peak memory, and ours as ratios to
 * each peer. A peer whose Python lacks its packages is skipped with the command that installs them.
 *
 * Usage:
 *   npm run bench:der -- <audio-dir> <rttm-dir> [--collar 0.25] [--json out.json] [--out <dir>]
 *                        [--min-speech 2] [--threads N] [--limit N] [--no-peer] [--no-engine]
 *                        [--peers resemblyzer,senko] [--peer-python <python>] [--senko-python <python>]
 *
 * Layout (VoxConverse): `<rttm-dir>/<uri>.rttm` and `<audio-dir>/<uri>.wav` (the two dirs may be
 * the same). `<rttm-dir>/<uri>.uem` is used when present (AMI excerpts). Sex of reference speakers:
 * `<rttm-dir>/truth.json` (`sex_by_speaker`, as ../shared/data/ami), else AMI-style ids whose first
 * letter is the sex (`MEE068`, `FEO066`); otherwise M/F is not scored for that file.
 *
 * Counting rule: a reference speaker counts when their speech inside the scored regions is at least
 * --min-speech seconds (default 2, the engine's CLI default); the same value is passed to the
 * engine (`minSpeechSec`) and applied to the peer's output, so all three count the same thing.
 * truth.json's counts_min1s / counts_min2s are this rule at 1 s / 2 s (checked when they apply).
 *
 * The Resemblyzer peer's Python: --peer-python or $COUNT_SPEAKERS_PEER_PYTHON, default `python3`.
 * The senko peer's Python: --senko-python or $COUNT_SPEAKERS_SENKO_PYTHON, else ~/venvs/senko/bin/python
 * when that exists (the venv bench/peers/requirements-senko.txt makes), else `python3`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { formatRttm, readRttm, readUem, type Interval } from '../src/io/index.js';
import { scoreDerFiles, type DerReport } from '../src/metrics/index.js';
import type { Counts, Diarization, DiarizeOptions, Turn } from '../src/types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------- arguments ----------

const { values: opts, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    collar: { type: 'string', default: '0.25' },
    json: { type: 'string' },
    out: { type: 'string' },
    'min-speech': { type: 'string', default: '2' },
    threads: { type: 'string' },
    limit: { type: 'string' },
    'no-peer': { type: 'boolean', default: false },
    'no-engine': { type: 'boolean', default: false },
    'peer-python': { type: 'string' },
    'senko-python': { type: 'string' },
    peers: { type: 'string', default: 'resemblyzer,senko' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help || positionals.length !== 2) {
  const doc = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0];
  console.log(doc.replace(/^\/\*\*|^ \* ?/gm, ''));
  process.exit(opts.help ? 0 : 2);
}
const [audioDir, rttmDir] = positionals.map((p) => path.resolve(p));
const primaryCollar = Number(opts.collar);
const minSpeechSec = Number(opts['min-speech']);
const threads = opts.threads !== undefined ? Number(opts.threads) : os.availableParallelism();
const limit = opts.limit !== undefined ? Number(opts.limit) : Infinity;
const outDir = path.resolve(opts.out ?? path.join(repoRoot, 'bench/results/der'));
const defaultSenkoPython = path.join(os.homedir(), 'venvs/senko/bin/python');

interface PeerSpec {
  name: string;
  script: string;
  python: string;
  installHint: string;
}

const PEERS: PeerSpec[] = [
  {
    name: 'resemblyzer',
    script: 'bench/peers/resemblyzer_spectral.py',
    python: opts['peer-python'] ?? process.env.COUNT_SPEAKERS_PEER_PYTHON ?? 'python3',
    installHint:
      '  Install its dependencies with: pip install -r bench/peers/requirements.txt (see bench/README.md).\n' +
      '  Or point COUNT_SPEAKERS_PEER_PYTHON (or --peer-python) at a Python that has them.',
  },
  {
    name: 'senko',
    script: 'bench/peers/senko_peer.py',
    python:
      opts['senko-python'] ?? process.env.COUNT_SPEAKERS_SENKO_PYTHON ?? (existsSync(defaultSenkoPython) ? defaultSenkoPython : 'python3'),
    installHint:
      '  Make its venv with the commands in bench/peers/requirements-senko.txt (e.g. ~/venvs/senko),\n' +
      '  then point COUNT_SPEAKERS_SENKO_PYTHON (or --senko-python) at its bin/python.',
  },
];
const wantedPeers = new Set(
  (opts.peers ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== ''),
);
for (const w of wantedPeers) {
  if (!PEERS.some((p) => p.name === w)) {
    console.error(`bench:der: --peers expects names among ${PEERS.map((p) => p.name).join(', ')}, received ${w}`);
    process.exit(2);
  }
}
for (const [name, v] of [
  ['--collar', primaryCollar],
  ['--min-speech', minSpeechSec],
  ['--threads', threads],
] as const) {
  if (!Number.isFinite(v) || v < 0) {
    console.error(`bench:der: ${name} expects a number >= 0`);
    process.exit(2);
  }
}

// ---------- reference ----------

interface Item {
  uri: string;
  audio: string;
  ref: Turn[];
  uem?: Interval[];
}

function findAudio(uri: string): string | undefined {
  for (const ext of ['.wav', '.flac', '.mp3', '.m4a', '.ogg']) {
    const p = path.join(audioDir, uri + ext);
    if (existsSync(p)) return p;
  }
  return undefined;
}

async function loadItems(): Promise<{ items: Item[]; noAudio: string[] }> {
  const items: Item[] = [];
  const noAudio: string[] = [];
  const names = readdirSync(rttmDir)
    .filter((n) => n.endsWith('.rttm'))
    .sort();
  if (names.length === 0) throw new Error(`${rttmDir}: no *.rttm files`);
  for (const name of names) {
    const rttm = await readRttm(path.join(rttmDir, name));
    for (const [uri, turns] of rttm.turnsByUri) {
      const audio = findAudio(uri);
      if (audio === undefined) {
        noAudio.push(uri);
        continue;
      }
      const uemFile = path.join(rttmDir, `${uri}.uem`);
      const uem = existsSync(uemFile) ? (await readUem(uemFile)).regionsByUri.get(uri) : undefined;
      items.push({ uri, audio, ref: turns, ...(uem !== undefined ? { uem } : {}) });
    }
  }
  return { items: items.slice(0, limit), noAudio };
}

type SexTruth = Map<string, Map<string, 'M' | 'F'>>;

function loadSexTruth(): { sex: SexTruth; truth: Record<string, Record<string, unknown>> } {
  const sex: SexTruth = new Map();
  const file = path.join(rttmDir, 'truth.json');
  if (!existsSync(file)) return { sex, truth: {} };
  const truth = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
  for (const [uri, t] of Object.entries(truth)) {
    const m = new Map<string, 'M' | 'F'>();
    const by = (t.sex_by_speaker ?? {}) as Record<string, string>;
    for (const [spk, s] of Object.entries(by)) if (s === 'M' || s === 'F') m.set(spk, s);
    sex.set(uri, m);
  }
  return { sex, truth };
}

const AMI_ID = /^[MF]\p{Lu}{2}\d{3}$/u;

/** Speech seconds per speaker inside the regions (a speaker's own overlapping turns counted once). */
function speechBySpeaker(turns: readonly Turn[], regions: readonly Interval[] | undefined): Map<string, number> {
  const by = new Map<string, Array<[number, number]>>();
  for (const t of turns) {
    const clips =
      regions === undefined
        ? [[t.startSec, t.endSec] as [number, number]]
        : regions.map((r) => [Math.max(t.startSec, r.startSec), Math.min(t.endSec, r.endSec)] as [number, number]);
    for (const [s, e] of clips) {
      if (e <= s) continue;
      const list = by.get(t.speaker) ?? [];
      list.push([s, e]);
      by.set(t.speaker, list);
    }
  }
  const out = new Map<string, number>();
  for (const [spk, list] of by) {
    list.sort((a, b) => a[0] - b[0]);
    let total = 0;
    let curS = -Infinity;
    let curE = -Infinity;
    for (const [s, e] of list) {
      if (s > curE) {
        if (curE > curS) total += curE - curS;
        curS = s;
        curE = e;
      } else if (e > curE) curE = e;
    }
    if (curE > curS) total += curE - curS;
    out.set(spk, total);
  }
  return out;
}

interface RefCount {
  n: number;
  counts?: Counts;
}

function refCount(item: Item, sex: SexTruth): RefCount {
  const speech = speechBySpeaker(item.ref, item.uem);
  const kept = [...speech].filter(([, s]) => s >= minSpeechSec).map(([spk]) => spk);
  const known = sex.get(item.uri);
  const counts: Counts = { M: 0, F: 0 };
  for (const spk of kept) {
    const s = known?.get(spk) ?? (AMI_ID.test(spk) ? (spk[0] as 'M' | 'F') : undefined);
    if (s === undefined) return { n: kept.length };
    counts[s]++;
  }
  return { n: kept.length, counts };
}

// ---------- systems ----------

interface SystemRun {
  name: string;
  kind: 'engine' | 'peer';
  /** The peer's JSON report (durations per file). */
  reportFile?: string;
  available: boolean;
  note?: string;
  /** Per file: processing seconds (engine: diarize call; peer: as timed by the peer). */
  seconds: Map<string, number>;
  errors: Map<string, string>;
  counts: Map<string, { n: number; counts?: Counts }>;
  hypDir: string;
  startupSec: number;
  wallSec: number;
  maxRssKb: number;
}

interface EngineLike {
  diarize(file: string, options?: DiarizeOptions): Promise<Diarization>;
  dispose?(): Promise<void>;
}

function isFunction(x: unknown): x is (...args: never[]) => unknown {
  return typeof x === 'function';
}

/** The engine is imported at run time so that this harness works (peer only) before it lands. */
async function loadEngine(): Promise<EngineLike | string> {
  const spec = pathToFileURL(path.join(repoRoot, 'src/pipeline/index.ts')).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(spec)) as Record<string, unknown>;
  } catch (e) {
    return `engine not available (src/pipeline/index.ts: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }
  const create = mod.createEngine;
  if (isFunction(create)) {
    const engine = (await (create as (o: { threads: number }) => Promise<unknown>)({ threads })) as EngineLike;
    if (isFunction(engine.diarize)) return engine;
  }
  const diarize = mod.diarize;
  if (isFunction(diarize)) return { diarize: diarize as EngineLike['diarize'] };
  return 'engine not available: src/pipeline/index.ts exports neither createEngine() nor diarize()';
}

async function runEngine(items: Item[]): Promise<SystemRun> {
  const run: SystemRun = {
    name: 'ours',
    kind: 'engine',
    available: false,
    seconds: new Map(),
    errors: new Map(),
    counts: new Map(),
    hypDir: path.join(outDir, 'ours'),
    startupSec: 0,
    wallSec: 0,
    maxRssKb: 0,
  };
  mkdirSync(run.hypDir, { recursive: true });
  const t0 = performance.now();
  const engine = await loadEngine();
  run.startupSec = (performance.now() - t0) / 1000;
  if (typeof engine === 'string') {
    run.note = engine;
    return run;
  }
  run.available = true;
  try {
    for (const item of items) {
      const t1 = performance.now();
      try {
        const d = await engine.diarize(item.audio, { minSpeechSec, threads });
        run.seconds.set(item.uri, (performance.now() - t1) / 1000);
        writeFileSync(path.join(run.hypDir, `${item.uri}.rttm`), formatRttm(item.uri, d.turns));
        run.counts.set(item.uri, { n: d.speakers.length, counts: { ...d.counts } });
        process.stderr.write(
          `ours ${item.uri}: ${d.speakers.length} speakers (${d.counts.F} F, ${d.counts.M} M), ${run.seconds.get(item.uri)?.toFixed(2)} s\n`,
        );
      } catch (e) {
        run.errors.set(item.uri, e instanceof Error ? e.message : String(e));
        process.stderr.write(`ours ${item.uri}: FAILED ${run.errors.get(item.uri)}\n`);
      }
    }
  } finally {
    await engine.dispose?.();
  }
  run.wallSec = (performance.now() - t0) / 1000;
  run.maxRssKb = process.resourceUsage().maxRSS;
  return run;
}

interface PeerReport {
  startupSec: number;
  totalSec: number;
  maxRssKb: number;
  files: Array<{ uri: string; seconds?: number; numClusters?: number; error?: string }>;
}

async function runPeer(items: Item[], spec: PeerSpec): Promise<SystemRun> {
  const reportFile = path.join(outDir, `${spec.name}-report.json`);
  const run: SystemRun = {
    name: spec.name,
    kind: 'peer',
    reportFile,
    available: false,
    seconds: new Map(),
    errors: new Map(),
    counts: new Map(),
    hypDir: path.join(outDir, spec.name),
    startupSec: 0,
    wallSec: 0,
    maxRssKb: 0,
  };
  mkdirSync(run.hypDir, { recursive: true });
  rmSync(reportFile, { force: true });
  const peerPython = spec.python;
  const script = path.join(repoRoot, spec.script);
  const args = [script, '--out-dir', run.hypDir, '--json', reportFile, '--threads', String(threads), ...items.map((i) => i.audio)];
  const t0 = performance.now();
  const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) => {
    const child = spawn(peerPython, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => {
      const s = b.toString('utf8');
      err += s;
      process.stderr.write(s.replace(/^(?=.)/gm, `${spec.name} `));
    });
    child.on('error', (e) => resolve({ code: -1, stderr: `cannot start ${peerPython}: ${e.message}` }));
    child.on('close', (c) => resolve({ code: c ?? -1, stderr: err }));
  });
  run.wallSec = (performance.now() - t0) / 1000;
  if (code === 3 || code === -1 || !existsSync(reportFile)) {
    const last = stderr.trim().split('\n').pop() || `exit code ${code}`;
    run.note = `peer skipped (${peerPython}): ${last}\n${spec.installHint}`;
    return run;
  }
  run.available = true;
  const rep = JSON.parse(readFileSync(reportFile, 'utf8')) as PeerReport;
  run.startupSec = rep.startupSec;
  run.maxRssKb = rep.maxRssKb;
  for (const f of rep.files) {
    if (f.error !== undefined) run.errors.set(f.uri, f.error);
    else if (f.seconds !== undefined) run.seconds.set(f.uri, f.seconds);
  }
  return run;
}

/** Hypotheses as written to disk, read back through the strict parser. */
async function loadHyps(run: SystemRun, items: Item[]): Promise<Map<string, Turn[]>> {
  const out = new Map<string, Turn[]>();
  for (const item of items) {
    const f = path.join(run.hypDir, `${item.uri}.rttm`);
    if (!run.seconds.has(item.uri) || !existsSync(f)) continue;
    out.set(item.uri, (await readRttm(f)).turnsByUri.get(item.uri) ?? []);
  }
  return out;
}

// ---------- report ----------

const pct = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}%` : 'n/a');
const ratio = (a: number, b: number): string => (b > 0 && Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}x` : 'n/a');

async function main(): Promise<void> {
  const { items, noAudio } = await loadItems();
  const { sex, truth } = loadSexTruth();
  console.log(`bench:der  audio ${audioDir}  rttm ${rttmDir}`);
  console.log(
    `files: ${items.length} with audio${noAudio.length ? `, ${noAudio.length} reference(s) without audio skipped` : ''}; min speech ${minSpeechSec} s; threads ${threads}; hypotheses in ${outDir}`,
  );
  if (items.length === 0) {
    console.log('nothing to run: no reference RTTM has matching audio (<audio-dir>/<uri>.wav).');
    process.exitCode = 2;
    return;
  }
  mkdirSync(outDir, { recursive: true });

  const refByUri = new Map(items.map((i) => [i.uri, i.ref]));
  const uemByUri = items.every((i) => i.uem !== undefined) ? new Map(items.map((i) => [i.uri, i.uem as Interval[]])) : undefined;
  const audioSec = new Map<string, number>();

  const systems: SystemRun[] = [];
  if (!opts['no-engine']) systems.push(await runEngine(items));
  if (!opts['no-peer']) for (const p of PEERS.filter((x) => wantedPeers.has(x.name))) systems.push(await runPeer(items, p));
  for (const s of systems) if (s.note) console.log(`${s.name}: ${s.note}`);
  const live = systems.filter((s) => s.available);
  if (live.length === 0) {
    console.log('no system ran; nothing to score.');
    process.exitCode = 1;
    return;
  }

  // Audio duration: the UEM end if any, else the last reference/hypothesis time, refined by the peer's report.
  for (const item of items)
    audioSec.set(item.uri, item.uem ? Math.max(...item.uem.map((r) => r.endSec)) : Math.max(...item.ref.map((t) => t.endSec)));
  for (const s of live) {
    if (s.kind !== 'peer' || s.reportFile === undefined || !existsSync(s.reportFile)) continue;
    for (const f of (JSON.parse(readFileSync(s.reportFile, 'utf8')) as { files: Array<{ uri: string; durationSec?: number }> }).files) {
      if (f.durationSec !== undefined) audioSec.set(f.uri, f.durationSec);
    }
  }

  const collars = [...new Set([primaryCollar, 0.25, 0])];
  const refCounts = new Map(items.map((i) => [i.uri, refCount(i, sex)]));
  // truth.json cross-check of the counting rule.
  const key = minSpeechSec === 1 ? 'counts_min1s' : minSpeechSec === 2 ? 'counts_min2s' : undefined;
  if (key !== undefined) {
    for (const [uri, rc] of refCounts) {
      const t = truth[uri]?.[key] as Counts | undefined;
      if (t !== undefined && rc.counts !== undefined && (t.M !== rc.counts.M || t.F !== rc.counts.F)) {
        console.log(`note: ${uri}: counted ${rc.counts.F} F ${rc.counts.M} M, truth.json ${key} says ${t.F} F ${t.M} M`);
      }
    }
  }

  const results: Record<string, { der: Record<string, DerReport>; hyps: Map<string, Turn[]> }> = {};
  for (const s of live) {
    const hyps = await loadHyps(s, items);
    if (s.kind === 'peer') {
      for (const item of items) {
        const h = hyps.get(item.uri);
        if (h === undefined) continue;
        const n = [...speechBySpeaker(h, item.uem)].filter(([, v]) => v >= minSpeechSec).length;
        s.counts.set(item.uri, { n });
      }
    }
    const der: Record<string, DerReport> = {};
    for (const c of collars) {
      // A file a system failed on is scored with an empty hypothesis (all missed).
      der[String(c)] = scoreDerFiles(refByUri, hyps, { collarSec: c, ignoreOverlaps: false, ...(uemByUri ? { uemByUri } : {}) });
    }
    results[s.name] = { der, hyps };
  }

  // Per-file table.
  const w = Math.max(5, ...items.map((i) => i.uri.length));
  const names = live.map((s) => s.name);
  const cols = [
    ...collars.map((c) => `DER c${c} ${names.join('/')}`),
    `spk ref/${names.join('/')}`,
    names.includes('ours') ? 'F-M ref/ours' : '',
    `RTF ${names.join('/')}`,
  ].filter((c) => c !== '');
  console.log('\n' + ['file'.padEnd(w), 'audio s'.padStart(8), ...cols.map((c) => c.padStart(Math.max(14, c.length)))].join('  '));
  for (const item of items) {
    const rc = refCounts.get(item.uri)!;
    const cells: string[] = [];
    for (const c of collars) {
      cells.push(live.map((s) => results[s.name].der[String(c)].files.find((f) => f.uri === item.uri)?.der.toFixed(1) ?? '-').join('/'));
    }
    cells.push([String(rc.n), ...live.map((s) => (s.counts.get(item.uri)?.n ?? '-').toString())].join('/'));
    if (names.includes('ours')) {
      const oc = live.find((s) => s.name === 'ours')!.counts.get(item.uri)?.counts;
      cells.push(`${rc.counts ? `${rc.counts.F}-${rc.counts.M}` : '?'}/${oc ? `${oc.F}-${oc.M}` : '-'}`);
    }
    const a = audioSec.get(item.uri) ?? NaN;
    cells.push(live.map((s) => ((s.seconds.get(item.uri) ?? NaN) / a).toFixed(3)).join('/'));
    console.log(
      [item.uri.padEnd(w), a.toFixed(1).padStart(8), ...cells.map((c, i) => c.padStart(Math.max(14, cols[i].length)))].join('  '),
    );
  }

  // Totals.
  const summary: Record<string, Record<string, unknown>> = {};
  const totalAudio = items.reduce((s, i) => s + (audioSec.get(i.uri) ?? 0), 0);
  for (const s of live) {
    const r = results[s.name];
    let exact = 0;
    let within1 = 0;
    let mfExact = 0;
    let mfKnown = 0;
    for (const item of items) {
      const rc = refCounts.get(item.uri)!;
      const hc = s.counts.get(item.uri);
      const n = hc?.n ?? 0;
      if (n === rc.n) exact++;
      if (Math.abs(n - rc.n) <= 1) within1++;
      if (rc.counts !== undefined && s.name === 'ours') {
        mfKnown++;
        if (hc?.counts !== undefined && hc.counts.M === rc.counts.M && hc.counts.F === rc.counts.F) mfExact++;
      }
    }
    const procSec = [...s.seconds.values()].reduce((a, b) => a + b, 0);
    summary[s.name] = {
      der: Object.fromEntries(collars.map((c) => [String(c), r.der[String(c)].total])),
      countExact: exact / items.length,
      countWithinOne: within1 / items.length,
      ...(s.name === 'ours' ? { mfExact: mfKnown > 0 ? mfExact / mfKnown : null, mfFiles: mfKnown } : {}),
      processingSec: procSec,
      rtf: procSec / totalAudio,
      startupSec: s.startupSec,
      wallSec: s.wallSec,
      rtfWall: s.wallSec / totalAudio,
      peakRssMb: s.maxRssKb / 1024,
      failed: [...s.errors.keys()],
    };
    console.log(`\n== ${s.name} (${items.length} files, ${(totalAudio / 60).toFixed(1)} min of audio)`);
    for (const c of collars) {
      const t = r.der[String(c)].total;
      console.log(
        `DER collar ${c}, overlap scored: ${pct(t.der)}  (missed ${t.missedSec.toFixed(2)} s, false alarm ${t.falseAlarmSec.toFixed(2)} s, confusion ${t.confusionSec.toFixed(2)} s, of ${t.scoredSec.toFixed(2)} s scored)`,
      );
    }
    console.log(
      `speaker count exact: ${exact}/${items.length} (${((100 * exact) / items.length).toFixed(1)}%), within one: ${within1}/${items.length} (${((100 * within1) / items.length).toFixed(1)}%)`,
    );
    if (s.name === 'ours')
      console.log(
        `F/M count exact: ${mfKnown > 0 ? `${mfExact}/${mfKnown} (${((100 * mfExact) / mfKnown).toFixed(1)}%)` : 'no file with known sexes'}`,
      );
    console.log(
      `real-time factor: ${(procSec / totalAudio).toFixed(4)} per file (${procSec.toFixed(1)} s), ${(s.wallSec / totalAudio).toFixed(4)} end to end incl. ${s.startupSec.toFixed(1)} s startup (${s.wallSec.toFixed(1)} s); peak memory ${(s.maxRssKb / 1024).toFixed(0)} MB`,
    );
    if (s.errors.size > 0) console.log(`failed files (scored as all missed): ${[...s.errors.keys()].join(', ')}`);
  }

  const ours = summary.ours;
  const ratiosByPeer: Record<string, Record<string, number | null>> = {};
  for (const p of live.filter((x) => x.kind === 'peer')) {
    const peer = summary[p.name];
    if (ours === undefined || peer === undefined) continue;
    const d = (x: Record<string, unknown>, c: number): number => (x.der as Record<string, { der: number }>)[String(c)].der;
    const n = (x: Record<string, unknown>, k: string): number => x[k] as number;
    const ratios: Record<string, number | null> = {};
    console.log(`\n== ours / ${p.name} (lower DER ratio is better; higher count ratio is better; speed = ${p.name} time / our time)`);
    for (const c of collars) {
      ratios[`der_c${c}`] = d(peer, c) > 0 ? d(ours, c) / d(peer, c) : null;
      console.log(`DER collar ${c}: ${pct(d(ours, c))} vs ${pct(d(peer, c))} -> ${ratio(d(ours, c), d(peer, c))}`);
    }
    ratios.countExact = n(peer, 'countExact') > 0 ? n(ours, 'countExact') / n(peer, 'countExact') : null;
    ratios.countWithinOne = n(peer, 'countWithinOne') > 0 ? n(ours, 'countWithinOne') / n(peer, 'countWithinOne') : null;
    ratios.speedPerFile = n(ours, 'processingSec') > 0 ? n(peer, 'processingSec') / n(ours, 'processingSec') : null;
    ratios.speedEndToEnd = n(ours, 'wallSec') > 0 ? n(peer, 'wallSec') / n(ours, 'wallSec') : null;
    ratios.peakMemory = n(peer, 'peakRssMb') > 0 ? n(ours, 'peakRssMb') / n(peer, 'peakRssMb') : null;
    console.log(
      `count exact: ${(100 * n(ours, 'countExact')).toFixed(1)}% vs ${(100 * n(peer, 'countExact')).toFixed(1)}% -> ${ratio(n(ours, 'countExact'), n(peer, 'countExact'))}`,
    );
    console.log(
      `count within one: ${(100 * n(ours, 'countWithinOne')).toFixed(1)}% vs ${(100 * n(peer, 'countWithinOne')).toFixed(1)}% -> ${ratio(n(ours, 'countWithinOne'), n(peer, 'countWithinOne'))}`,
    );
    console.log(
      `speed: per file ${ratio(n(peer, 'processingSec'), n(ours, 'processingSec'))} faster, end to end ${ratio(n(peer, 'wallSec'), n(ours, 'wallSec'))} faster`,
    );
    console.log(`peak memory: ${ratio(n(ours, 'peakRssMb'), n(peer, 'peakRssMb'))} of ${p.name}'s`);
    ratiosByPeer[p.name] = ratios;
  }

  if (opts.json !== undefined) {
    const perFile = items.map((item) => ({
      uri: item.uri,
      audioSec: audioSec.get(item.uri),
      ref: refCounts.get(item.uri),
      systems: Object.fromEntries(
        live.map((s) => [
          s.name,
          {
            seconds: s.seconds.get(item.uri) ?? null,
            error: s.errors.get(item.uri) ?? null,
            count: s.counts.get(item.uri) ?? null,
            der: Object.fromEntries(
              collars.map((c) => [String(c), results[s.name].der[String(c)].files.find((f) => f.uri === item.uri) ?? null]),
            ),
          },
        ]),
      ),
    }));
    const out = {
      audioDir,
      rttmDir,
      minSpeechSec,
      threads,
      collars,
      notes: Object.fromEntries(systems.filter((s) => s.note).map((s) => [s.name, s.note])),
      summary,
      ratiosOursToPeers: ratiosByPeer,
      files: perFile,
    };
    writeFileSync(
      path.resolve(opts.json),
      JSON.stringify(out, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1),
    );
    console.log(`\nJSON written to ${path.resolve(opts.json)}`);
  }
}

main().catch((e: unknown) => {
  console.error(`bench:der: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
