/**
 * Property-based fuzzing of the WAV reader: 10,000 generated files (mutated valid headers,
 * structured chunk soups with random sizes and fields, random bytes). Each must either decode
 * to finite samples or throw a CountSpeakersError, in well under a second, leaking no file handle.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readAudio } from '../../src/audio/index.js';
import { CountSpeakersError } from '../../src/errors/index.js';
import { ascii, type Chunk, concat, encode, fmtChunk, noise, riff, u32le } from './wavbytes.js';

// tmpfs when there is one: rewriting a file 10,000 times on ext4 forces a flush each time (auto_da_alloc).
const dir = mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'cs-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'case.wav');
/** No ffmpeg: sniffed media must fail fast with FFMPEG_MISSING instead of spawning processes. */
const OPTS = { ffmpegPath: path.join(dir, 'no-ffmpeg') };
const MAX_CASE_MS = 1000;

let slowest = 0;
const outcomes = new Map<string, number>();

async function check(bytes: Uint8Array): Promise<void> {
  writeFileSync(file, bytes);
  const t0 = performance.now();
  let outcome = 'ok';
  try {
    const a = await readAudio(file, OPTS);
    for (let i = 0; i < a.samples.length; i++) {
      if (!Number.isFinite(a.samples[i])) throw new Error(`non-finite output sample ${a.samples[i]} at ${i}`);
    }
    expect(Number.isFinite(a.info.durationSec)).toBe(true);
  } catch (e) {
    if (!(e instanceof CountSpeakersError)) throw e;
    outcome = e.code;
  }
  const ms = performance.now() - t0;
  slowest = Math.max(slowest, ms);
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  if (ms > MAX_CASE_MS) throw new Error(`case took ${ms.toFixed(0)} ms (limit ${MAX_CASE_MS})`);
}

const fds = (): number => readdirSync('/proc/self/fd').length;

const BASES: Uint8Array[] = [
  riff([fmtChunk({ formatTag: 1, channels: 1, sampleRateHz: 16000, bits: 16 }), { id: 'data', body: encode('s16', noise(40, 1)) }]),
  riff([
    { id: 'LIST', body: ascii('INFOISFT\x03\x00\x00\x00ab\x00') },
    fmtChunk({ formatTag: 3, channels: 2, sampleRateHz: 44100, bits: 32 }),
    { id: 'data', body: encode('f32', noise(60, 2)) },
  ]),
  riff([
    fmtChunk({ formatTag: 1, channels: 3, sampleRateHz: 48000, bits: 24, extensible: { subFormat: 1 } }),
    { id: 'fact', body: u32le(10) },
    { id: 'data', body: encode('s24', noise(30, 3)) },
  ]),
  riff(
    [
      { id: 'ds64', body: concat([u32le(0), u32le(0), u32le(48), u32le(0), u32le(24), u32le(0), u32le(0)]) },
      fmtChunk({ formatTag: 1, channels: 1, sampleRateHz: 8000, bits: 16 }),
      { id: 'data', body: encode('s16', noise(24, 4)), declared: 0xffffffff },
    ],
    { container: 'RF64', riffSize: 0xffffffff },
  ),
  riff([fmtChunk({ formatTag: 7, channels: 2, sampleRateHz: 8000, bits: 8 }), { id: 'data', body: encode('u8', noise(33, 5)) }]),
];

/** undefined (= the honest value) three times out of four. */
function sometimes<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });
}

const interestingU32 = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 7, 8, 16, 17, 18, 40, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff),
  fc.nat({ max: 0xffffffff }),
  fc.nat({ max: 300 }),
);

/** A valid file with bytes overwritten, header fields replaced and the tail cut. */
const mutatedValid = fc
  .record({
    base: fc.constantFrom(...BASES),
    pokes: fc.array(fc.record({ at: fc.nat({ max: 120 }), byte: fc.nat({ max: 255 }) }), { maxLength: 4 }),
    fields: fc.array(fc.record({ at: fc.constantFrom(4, 16, 20, 22, 24, 28, 32, 34, 36, 40, 44, 48, 56, 60, 64), v: interestingU32 }), {
      maxLength: 3,
    }),
    cut: fc.option(fc.nat({ max: 200 }), { nil: undefined }),
  })
  .map(({ base, pokes, fields, cut }) => {
    const b = base.slice();
    for (const { at, v } of fields) if (at + 4 <= b.length) b.set(u32le(v), at);
    for (const { at, byte } of pokes) if (at < b.length) b[at] = byte;
    return cut === undefined ? b : b.subarray(0, Math.min(cut, b.length));
  });

const chunkId = fc.oneof(
  fc.constantFrom('fmt ', 'data', 'LIST', 'ds64', 'fact', 'bext', 'JUNK'),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: keeps every one-byte code unit, control characters included
  fc.string({ minLength: 4, maxLength: 4 }).map((s) => s.replace(/[^\x00-\xff]/g, '?')),
);

/** Chunks in any order with random declared sizes; fmt fields from edge-case pools. */
const structured = fc
  .record({
    container: fc.constantFrom('RIFF', 'RIFF', 'RF64', 'BW64'),
    fmt: fc.record({
      formatTag: fc.oneof(fc.constantFrom(1, 3, 6, 7, 0xfffe, 2, 0x11, 0x55, 0), fc.nat({ max: 0xffff })),
      channels: fc.oneof(fc.nat({ max: 9 }), fc.nat({ max: 0xffff })),
      sampleRateHz: fc.oneof(
        fc.constantFrom(0, 1, 999, 1000, 8000, 11025, 16000, 22050, 44100, 48000, 96000, 192000, 768000, 768001),
        fc.nat({ max: 0xffffffff }),
      ),
      bits: fc.oneof(fc.constantFrom(0, 1, 4, 8, 12, 16, 20, 24, 32, 48, 64), fc.nat({ max: 0xffff })),
      blockAlign: fc.option(fc.nat({ max: 0xffff }), { nil: undefined }),
      extSub: fc.constantFrom(1, 3, 6, 7, 2, 0x55),
      fmtSize: sometimes(fc.constantFrom(0, 14, 16, 18, 40, 0xffffffff)),
    }),
    // Mostly honest sizes (so fmt and data are reached), sometimes anything.
    before: fc.array(fc.record({ id: chunkId, body: fc.uint8Array({ maxLength: 40 }), declared: sometimes(interestingU32) }), {
      maxLength: 3,
    }),
    dataBody: fc.uint8Array({ maxLength: 400 }),
    dataDeclared: sometimes(interestingU32),
    dataFirst: fc.boolean(),
    after: fc.uint8Array({ maxLength: 20 }),
  })
  .map(({ container, fmt, before, dataBody, dataDeclared, dataFirst, after }) => {
    const f = fmtChunk({
      formatTag: fmt.formatTag,
      channels: fmt.channels,
      sampleRateHz: fmt.sampleRateHz,
      bits: fmt.bits,
      blockAlign: fmt.blockAlign ?? (fmt.channels * Math.ceil(fmt.bits / 8)) & 0xffff,
      extensible: fmt.formatTag === 0xfffe ? { subFormat: fmt.extSub } : undefined,
    });
    if (fmt.fmtSize !== undefined) f.declared = fmt.fmtSize;
    const d: Chunk = { id: 'data', body: dataBody, declared: dataDeclared };
    const chunks: Chunk[] = [...before, ...(dataFirst ? [d, f] : [f, d])];
    return concat([riff(chunks, { container }), after]);
  });

/** Random bytes, sometimes behind a plausible RIFF/WAVE prefix. */
const randomBytes = fc
  .record({
    prefix: fc.constantFrom('', 'RIFF', 'RIFF\x00\x00\x00\x00WAVE', 'RF64\xff\xff\xff\xffWAVE', 'RIFF\x00\x00\x00\x00WAVEfmt '),
    body: fc.uint8Array({ maxLength: 512 }),
  })
  .map(({ prefix, body }) => concat([ascii(prefix), body]));

describe('WAV reader fuzzing (10,000 cases)', () => {
  it('never throws anything but CountSpeakersError, never outputs NaN, each case < 1 s, no fd leak', async () => {
    const fdBefore = fds();
    const t0 = performance.now();
    await fc.assert(fc.asyncProperty(mutatedValid, check), { numRuns: 4000, seed: 20261123 });
    await fc.assert(fc.asyncProperty(structured, check), { numRuns: 4000, seed: 20261124 });
    await fc.assert(fc.asyncProperty(randomBytes, check), { numRuns: 2000, seed: 20261125 });
    const total = [...outcomes.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(10000);
    // A soup that never decodes would test little: both outcomes must be common.
    expect(outcomes.get('ok') ?? 0).toBeGreaterThan(500);
    expect(fds()).toBeLessThanOrEqual(fdBefore + 2);
    console.info(
      `fuzz: ${total} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s, slowest ${slowest.toFixed(0)} ms;`,
      Object.fromEntries([...outcomes.entries()].sort((a, b) => b[1] - a[1])),
    );
  });

  it('random seeds: a further quick run with a fresh seed each time', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(mutatedValid, structured, randomBytes), check), { numRuns: 300 });
  });
});
