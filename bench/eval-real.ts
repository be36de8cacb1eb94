/**
 * Real checks on recordings the project never simulated (prints figures; not a unit test). Runs
 * whatever engine the library exports (src/index.ts: createEngine / engine.diarize) on:
 *
 * 1. sessions: one man (../shared/data/sessions) in five one-voice recordings and all seven
 *    joined (10.5 min), each clean and under each of the five music beds of ../shared/data/music
 *    looped at 10 dB below his speech: 36 runs whose answer is one man. The two recordings that
 *    may hold an interviewer (dB0Za__55-Q, dpJE5qd9CRM) are run clean and their speakers printed
 *    with turn times, unscored.
 * 2. ami: the nine AMI excerpts (30 s each, trn01..trn09 by name) joined in that order into one
 *    4.5-minute file, their RTTM shifted by 30 s per excerpt; DER at collar 0.25 and 0 (overlap
 *    scored, src/metrics), speakers found against the reference speakers with at least
 *    --min-speech seconds, M/F against their sex (AMI ids start with it).
 * 3. nonspeech: digital silence, white and pink noise, and each music bed alone (one is a song
 *    with a singer): the answer is {M: 0, F: 0}.
 * 4. quiet: the same recordings turned down to -70 dBFS RMS (a recorder's gain set far too low):
 *    the joined sessions, clean and under each bed, must still give one man (their speech
 *    seconds are printed), pink noise and the instrumental beds nobody; the AMI meeting is
 *    scored as in 2.
 *
 *   npm run eval:real -- [--only sessions,ami,nonspeech,quiet] [--json out.json] [--min-speech 2] [--threads N]
 *
 * Mixes are written once to bench/results/real/ (a cache; delete it to rebuild) so the engine
 * reads files as a user's would. Skips, with a message, when ../shared/data is absent.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine, parseRttm, scoreDer, type Diarization, type Turn } from '../src/index.js';
import { makeNoise } from '../tools/lib/augment.js';
import { SHARED_DATA_DIR, REPO_ROOT } from '../tools/lib/shared-data.js';
import { frameEnergiesDb, speechLevelDb } from '../tools/lib/speech-level.js';
import { joinSamples, readWavMono, wavBytes } from '../tools/lib/wav.js';

const SR = 16000;
const { values: opts } = parseArgs({
  args: process.argv.slice(2),
  options: {
    only: { type: 'string', default: 'sessions,ami,nonspeech,quiet' },
    json: { type: 'string' },
    'min-speech': { type: 'string', default: '2' },
    threads: { type: 'string' },
    'snr-db': { type: 'string', default: '10' },
  },
});
const parts = new Set(opts.only!.split(','));
const minSpeechSec = Number(opts['min-speech']);
const snrDb = Number(opts['snr-db']);
const cacheDir = path.join(REPO_ROOT, 'bench/results/real');

if (!existsSync(SHARED_DATA_DIR)) {
  console.log(`eval:real skipped: shared data not found at ${SHARED_DATA_DIR} (put it at ../shared/data or set COUNT_SPEAKERS_DATA)`);
  process.exit(0);
}
mkdirSync(cacheDir, { recursive: true });

const SESSIONS_SCORED = ['4glfwiMXgwQ', '9BkOf5LQQBQ', 'F2PiuixG0NY', 'FrT_8lQTN6w', 'qCCWXoCURKY'];
const SESSIONS_SECOND_VOICE = ['dB0Za__55-Q', 'dpJE5qd9CRM'];

function read16k(file: string): Float32Array {
  const { samples, rateHz } = readWavMono(file);
  if (rateHz !== SR) throw new Error(`${file}: expected 16 kHz, received ${rateHz} Hz`);
  return samples;
}

/** RMS over the frames within 30 dB of the 95th-percentile frame (speech or music, not the gaps). */
function activeRms(x: Float32Array): number {
  const e = frameEnergiesDb(x);
  const thr = speechLevelDb(x) - 30;
  let s = 0;
  let n = 0;
  for (let f = 0; f < e.length; f++) {
    if (e[f] <= thr) continue;
    s += 10 ** (e[f] / 10);
    n++;
  }
  return Math.sqrt(s / Math.max(1, n));
}

/** speech + bed looped from its start, the bed `snr` dB below the speech's active RMS; peak kept under 0.99. */
function mixBed(speech: Float32Array, bed: Float32Array, snr: number): Float32Array {
  const g = (activeRms(speech) * 10 ** (-snr / 20)) / Math.max(1e-9, activeRms(bed));
  const out = new Float32Array(speech.length);
  let peak = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = speech[i] + g * bed[i % bed.length];
    peak = Math.max(peak, Math.abs(out[i]));
  }
  if (peak > 0.99) for (let i = 0; i < out.length; i++) out[i] *= 0.99 / peak;
  return out;
}

/** The cached mix `name`.wav, made by `make` when absent. */
function cached(name: string, make: () => Float32Array): string {
  const file = path.join(cacheDir, `${name}.wav`);
  if (!existsSync(file)) writeFileSync(file, wavBytes([make()], SR, 'f32'));
  return file;
}

const musicDir = path.join(SHARED_DATA_DIR, 'music');
const beds = existsSync(musicDir)
  ? readdirSync(musicDir)
      .filter((f) => f.endsWith('.wav'))
      .sort()
      .map((f) => f.slice(0, -4))
  : [];
const bedAudio = (name: string) => read16k(path.join(musicDir, `${name}.wav`));

/** `x` scaled to `rmsDb` dBFS RMS over the whole signal. */
function atLevel(x: Float32Array, rmsDb: number): Float32Array {
  const rms = Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));
  const g = 10 ** (rmsDb / 20) / Math.max(1e-12, rms);
  return x.map((v) => v * g);
}
const QUIET_DB = -70;

const engine = await createEngine(opts.threads !== undefined ? { threads: Number(opts.threads) } : {});
const report: Record<string, unknown> = { minSpeechSec };
const t0 = performance.now();
let audioSec = 0;

async function run(file: string): Promise<Diarization> {
  const d = await engine.diarize(file, { minSpeechSec, ...(opts.threads !== undefined ? { threads: Number(opts.threads) } : {}) });
  audioSec += d.durationSec;
  return d;
}

const fmtCounts = (c: { M: number; F: number }) => `M${c.M} F${c.F}`;

function turnsBySpeaker(d: Diarization): string {
  return d.speakers
    .map((s) => {
      const ts = d.turns.filter((t) => t.speaker === s.id).map((t) => `${t.startSec.toFixed(1)}-${t.endSec.toFixed(1)}`);
      return `  ${s.id} ${s.sex} (${(100 * s.confidence).toFixed(0)} %) ${s.speechSec.toFixed(1)} s: ${ts.join(' ')}`;
    })
    .join('\n');
}

/** All recordings of the sessions folder joined in name order. */
function joinedSessions(dir: string): Float32Array {
  return joinSamples(
    readdirSync(dir)
      .filter((f) => f.endsWith('.wav'))
      .sort()
      .map((f) => read16k(path.join(dir, f))),
  );
}

/** The cached file of a one-man source clean (`bed` 'clean') or under a bed at --snr-db. */
function sessionsMix(name: string, clean: () => Float32Array, bed: string): string {
  if (bed === 'clean') return cached(name, clean);
  return cached(`${name}+${bed}@${snrDb}dB`, () => mixBed(clean(), bedAudio(bed), snrDb));
}

/** The nine AMI excerpts joined in name order, with their references shifted (undefined when absent). */
function amiMeeting() {
  const dir = path.join(SHARED_DATA_DIR, 'ami');
  if (!existsSync(dir)) return undefined;
  const uris = readdirSync(dir)
    .filter((f) => /^trn\d+\.wav$/.test(f))
    .sort()
    .map((f) => f.slice(0, -4));
  const ref: Turn[] = [];
  let offsetSec = 0;
  const parts: Float32Array[] = [];
  for (const uri of uris) {
    const x = read16k(path.join(dir, `${uri}.wav`));
    parts.push(x);
    const uem = readFileSync(path.join(dir, `${uri}.uem`), 'utf8')
      .trim()
      .split(/\s+/);
    const uemStart = Number(uem[2]);
    const uemEnd = Number(uem[3]);
    for (const t of parseRttm(readFileSync(path.join(dir, `${uri}.rttm`), 'utf8'), `${uri}.rttm`).turnsByUri.get(uri) ?? []) {
      const s = Math.max(t.startSec, uemStart);
      const e = Math.min(t.endSec, uemEnd);
      if (e > s) ref.push({ startSec: offsetSec + s - uemStart, endSec: offsetSec + e - uemStart, speaker: t.speaker });
    }
    offsetSec += x.length / SR;
  }
  const file = cached('ami-joined', () => joinSamples(parts));
  // Reference speakers and the sex of each (the AMI id starts with it).
  const speech = new Map<string, number>();
  for (const t of ref) speech.set(t.speaker, (speech.get(t.speaker) ?? 0) + t.endSec - t.startSec);
  const counted = [...speech].filter(([, s]) => s >= minSpeechSec).map(([k]) => k);
  const truth = { M: 0, F: 0 };
  for (const k of counted) truth[k[0] as 'M' | 'F']++;
  return { uris, ref, file, totalSec: offsetSec, speakers: speech.size, counted, truth };
}

/** DER at collar 0.25 and 0, speakers and sex of a run on the joined meeting; printed and returned. */
function scoreAmi(ami: NonNullable<ReturnType<typeof amiMeeting>>, d: Diarization) {
  const uem = [{ startSec: 0, endSec: ami.totalSec }];
  const r025 = scoreDer(ami.ref, d.turns, { collarSec: 0.25, ignoreOverlaps: false, uem });
  const r0 = scoreDer(ami.ref, d.turns, { collarSec: 0, ignoreOverlaps: false, uem });
  const sexOf = new Map(d.speakers.map((s) => [s.id, s.sex]));
  const sexRight = ami.counted.filter((k) => {
    const m = r0.mapping.find((x) => x.ref === k);
    return m !== undefined && sexOf.get(m.hyp) === k[0];
  }).length;
  console.log(
    `DER collar 0.25: ${r025.der.toFixed(2)} % (missed ${r025.missedSec.toFixed(1)} s, false alarm ${r025.falseAlarmSec.toFixed(1)} s, confusion ${r025.confusionSec.toFixed(1)} s of ${r025.scoredSec.toFixed(1)} s)`,
  );
  console.log(
    `DER collar 0:    ${r0.der.toFixed(2)} % (missed ${r0.missedSec.toFixed(1)} s, false alarm ${r0.falseAlarmSec.toFixed(1)} s, confusion ${r0.confusionSec.toFixed(1)} s of ${r0.scoredSec.toFixed(1)} s)`,
  );
  console.log(
    `speakers found ${d.speakers.length} (truth ${ami.counted.length}); found ${fmtCounts(d.counts)} vs truth ${fmtCounts(ami.truth)}; sex right for ${sexRight}/${ami.counted.length} mapped reference speakers`,
  );
  return {
    derCollar025: r025.der,
    derCollar0: r0.der,
    missedSec: r025.missedSec,
    falseAlarmSec: r025.falseAlarmSec,
    confusionSec: r025.confusionSec,
    speakersFound: d.speakers.length,
    speakersTruth: ami.counted.length,
    countsFound: d.counts,
    countsTruth: ami.truth,
    sexRight,
  };
}

try {
  // ---------- sessions ----------
  if (parts.has('sessions')) {
    const dir = path.join(SHARED_DATA_DIR, 'sessions');
    if (!existsSync(dir)) console.log(`sessions skipped: ${dir} not found`);
    else {
      const sources: Array<{ name: string; audio: () => Float32Array }> = SESSIONS_SCORED.map((id) => ({
        name: `sessions-${id}`,
        audio: () => read16k(path.join(dir, `trump-${id}.wav`)),
      }));
      sources.push({ name: 'sessions-all7', audio: () => joinedSessions(dir) });
      console.log(`== sessions: one man, clean and under each bed at ${snrDb} dB SNR (target M1 F0)`);
      const runs: Array<{ name: string; bed: string; counts: { M: number; F: number }; speakers: number; ok: boolean }> = [];
      for (const src of sources) {
        let clean: Float32Array | undefined;
        const cleanAudio = () => (clean ??= src.audio());
        for (const bed of ['clean', ...beds]) {
          const file = sessionsMix(src.name, cleanAudio, bed);
          const d = await run(file);
          const ok = d.counts.M === 1 && d.counts.F === 0;
          runs.push({ name: src.name, bed, counts: d.counts, speakers: d.speakers.length, ok });
          console.log(
            `${src.name.padEnd(24)} ${bed.padEnd(22)} ${d.durationSec.toFixed(0).padStart(4)} s  found ${fmtCounts(d.counts)}  ${ok ? 'ok' : 'WRONG'}`,
          );
        }
      }
      const okN = runs.filter((r) => r.ok).length;
      console.log(`one man: ${okN}/${runs.length}`);
      const second: Array<{ name: string; counts: { M: number; F: number }; speakers: unknown }> = [];
      console.log('\n== sessions that may hold a second voice (unscored; speakers and their turns)');
      for (const id of SESSIONS_SECOND_VOICE) {
        const d = await run(path.join(dir, `trump-${id}.wav`));
        console.log(`sessions-${id} (${d.durationSec.toFixed(0)} s): found ${fmtCounts(d.counts)}\n${turnsBySpeaker(d)}`);
        second.push({
          name: id,
          counts: d.counts,
          speakers: d.speakers.map((s) => ({ ...s, turns: d.turns.filter((t) => t.speaker === s.id) })),
        });
      }
      report.sessions = { oneMan: okN, runs: runs.length, perRun: runs, secondVoice: second };
    }
  }

  // ---------- AMI ----------
  if (parts.has('ami')) {
    const ami = amiMeeting();
    if (!ami) console.log(`ami skipped: ${path.join(SHARED_DATA_DIR, 'ami')} not found`);
    else {
      console.log(
        `\n== AMI: ${ami.uris.join(' ')} joined (${ami.totalSec.toFixed(0)} s), ${ami.speakers} reference speakers, ${ami.counted.length} with >= ${minSpeechSec} s`,
      );
      report.ami = { files: ami.uris, durationSec: ami.totalSec, ...scoreAmi(ami, await run(ami.file)) };
    }
  }

  // ---------- non-speech ----------
  if (parts.has('nonspeech')) {
    console.log('\n== non-speech (target M0 F0)');
    const n = 30 * SR;
    const items: Array<{ name: string; make: () => Float32Array }> = [
      { name: 'silence-30s', make: () => new Float32Array(n) },
      { name: 'white-noise-30s', make: () => makeNoise(n, 'white', 1).map((x) => 0.1 * x) },
      {
        name: 'pink-noise-30s',
        make: () => {
          const x = makeNoise(n, 'pink', 2);
          const g = 0.05 / Math.max(1e-9, Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length));
          return x.map((v) => g * v);
        },
      },
      ...beds.map((b) => ({ name: `music-${b}`, make: () => bedAudio(b) })),
    ];
    const rows: Array<{ name: string; counts: { M: number; F: number } }> = [];
    for (const it of items) {
      const d = await run(cached(it.name, it.make));
      const ok = d.counts.M === 0 && d.counts.F === 0;
      rows.push({ name: it.name, counts: d.counts });
      console.log(`${it.name.padEnd(32)} ${d.durationSec.toFixed(0).padStart(4)} s  found ${fmtCounts(d.counts)}  ${ok ? 'ok' : 'WRONG'}`);
    }
    const okN = rows.filter((r) => r.counts.M === 0 && r.counts.F === 0).length;
    console.log(`nobody: ${okN}/${rows.length}`);
    report.nonspeech = { nobody: okN, runs: rows.length, perRun: rows };
  }

  // ---------- quiet ----------
  if (parts.has('quiet')) {
    console.log(`\n== quiet: recordings at ${QUIET_DB} dBFS RMS`);
    const items: Array<{ name: string; want: 'one man' | 'nobody'; make: () => Float32Array }> = [];
    // The joined sessions, clean and under each bed: the sessions part's files.
    const sessionsDir = path.join(SHARED_DATA_DIR, 'sessions');
    if (existsSync(sessionsDir)) {
      let clean: Float32Array | undefined;
      const cleanAudio = () => (clean ??= joinedSessions(sessionsDir));
      for (const bed of ['clean', ...beds]) {
        const file = sessionsMix('sessions-all7', cleanAudio, bed);
        items.push({ name: path.basename(file, '.wav'), want: 'one man', make: () => readWavMono(file).samples });
      }
    }
    items.push({ name: 'pink-noise-30s', want: 'nobody', make: () => makeNoise(30 * SR, 'pink', 2) });
    for (const b of beds) if (b !== 'lets-go-fishin-vocals') items.push({ name: `music-${b}`, want: 'nobody', make: () => bedAudio(b) });
    const rows: Array<{ name: string; want: string; counts: { M: number; F: number }; speechSec: number; ok: boolean }> = [];
    for (const it of items) {
      const d = await run(cached(`quiet-${it.name}`, () => atLevel(it.make(), QUIET_DB)));
      const ok = it.want === 'one man' ? d.counts.M === 1 && d.counts.F === 0 : d.counts.M === 0 && d.counts.F === 0;
      const speechSec = d.speakers.reduce((t, s) => t + s.speechSec, 0);
      rows.push({ name: it.name, want: it.want, counts: d.counts, speechSec, ok });
      console.log(
        `${it.name.padEnd(40)} ${d.durationSec.toFixed(0).padStart(4)} s  found ${fmtCounts(d.counts)}, ${speechSec.toFixed(0)} s of speech  (want ${it.want}) ${ok ? 'ok' : 'WRONG'}`,
      );
    }
    const ami = amiMeeting();
    let amiQuiet: ReturnType<typeof scoreAmi> | undefined;
    if (ami) {
      console.log(`AMI meeting joined, at ${QUIET_DB} dBFS:`);
      amiQuiet = scoreAmi(ami, await run(cached('quiet-ami-joined', () => atLevel(readWavMono(ami.file).samples, QUIET_DB))));
    }
    console.log(`quiet: ${rows.filter((r) => r.ok).length}/${rows.length} right`);
    report.quiet = { rmsDb: QUIET_DB, right: rows.filter((r) => r.ok).length, runs: rows.length, perRun: rows, ami: amiQuiet };
  }
} finally {
  await engine.dispose();
}
const elapsedSec = (performance.now() - t0) / 1000;
console.log(`\n${audioSec.toFixed(0)} s of audio in ${elapsedSec.toFixed(1)} s (RTF ${(elapsedSec / Math.max(1, audioSec)).toFixed(4)})`);
if (opts.json) {
  writeFileSync(opts.json, JSON.stringify({ ...report, audioSec, elapsedSec }, null, 1) + '\n');
  console.log(`JSON written to ${opts.json}`);
}
