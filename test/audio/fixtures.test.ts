/** The committed corpus in fixtures/audio equals what tools/make-fixtures.ts makes and reads as its manifest says. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readAudio } from '../../src/audio/index.js';
import { CountSpeakersError } from '../../src/errors/index.js';
import { corpus, type CorpusEntry } from '../../tools/make-fixtures.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/audio');
const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as CorpusEntry[];
const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
if (!hasFfmpeg) console.warn('fixtures.test: ffmpeg is not on PATH, checking the without-ffmpeg outcomes only');

async function outcome(file: string, ffmpegPath?: string): Promise<string> {
  try {
    const a = await readAudio(file, ffmpegPath ? { ffmpegPath } : undefined);
    expect(a.samples.every(Number.isFinite)).toBe(true);
    return `ok:${a.samples.length}`;
  } catch (e) {
    if (!(e instanceof CountSpeakersError)) throw e;
    expect(e.message).toContain(file);
    return e.code;
  }
}

describe('fixtures/audio corpus', () => {
  it('is what tools/make-fixtures.ts generates', () => {
    const made = corpus();
    expect(manifest).toEqual(made.map(({ bytes: _b, ...m }) => m));
    for (const m of made) expect(new Uint8Array(readFileSync(path.join(dir, m.file)))).toEqual(m.bytes);
  });

  it.each(manifest.map((m) => [m.file, m] as const))('%s', async (_name, m) => {
    const file = path.join(dir, m.file);
    const want = (code: string) => (code === 'ok' ? `ok:${m.samples16k}` : code);
    expect(await outcome(file, path.join(dir, 'no-such-ffmpeg'))).toBe(want(m.expectWithoutFfmpeg ?? m.expect));
    if (hasFfmpeg) expect(await outcome(file)).toBe(want(m.expect));
  });
});
