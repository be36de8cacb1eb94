import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openAudio, probeAudio, readAudio } from '../../src/audio/index.js';
import { AudioInputError, type ErrorCode } from '../../src/errors/index.js';
import { ascii, concat, encode, fmtChunk, riff, u32le, type FmtSpec } from './wavbytes.js';

const dir = mkdtempSync(path.join(tmpdir(), 'cs-audio-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** No ffmpeg: these cases must fail the same way on every machine. */
const NO_FFMPEG = { ffmpegPath: path.join(dir, 'no-such-ffmpeg') };

const pcm16 = (f: Partial<FmtSpec> = {}) => fmtChunk({ formatTag: 1, channels: 1, sampleRateHz: 16000, bits: 16, ...f });
const data = { id: 'data', body: encode('s16', [0.1, 0.2, 0.3, 0.4]) };

const CASES: Array<[string, ErrorCode, Uint8Array, string?]> = [
  ['empty file', 'EMPTY_FILE', new Uint8Array(0)],
  ['text file named .wav', 'NOT_A_WAV', ascii('Hello, this is not audio.\nJust text.\n')],
  ['random binary named .wav', 'NOT_A_WAV', Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff)],
  ['garbage after RIFF', 'NOT_A_WAV', concat([ascii('RIFF'), u32le(100), ascii('JUNKJUNKJUNK'), new Uint8Array(40)])],
  ['no fmt chunk', 'NOT_A_WAV', riff([{ id: 'LIST', body: new Uint8Array(8) }, data])],
  ['header cut after 6 bytes', 'TRUNCATED_HEADER', ascii('RIFF\x24\x00')],
  ['header cut after 2 bytes', 'TRUNCATED_HEADER', ascii('RI')],
  ['file ends inside a chunk header', 'TRUNCATED_HEADER', concat([ascii('RIFF'), u32le(40), ascii('WAVEfmt ')])],
  ['file ends inside fmt', 'TRUNCATED_HEADER', riff([pcm16(), data]).subarray(0, 12 + 8 + 10)],
  ['fmt chunk of 12 bytes', 'TRUNCATED_HEADER', riff([{ id: 'fmt ', body: pcm16().body.subarray(0, 12) }, data])],
  [
    'extensible fmt of 18 bytes',
    'TRUNCATED_HEADER',
    riff([{ id: 'fmt ', body: concat([pcm16({ formatTag: 0xfffe }).body, new Uint8Array(2)]) }, data]),
  ],
  ['missing data chunk', 'MISSING_DATA_CHUNK', riff([pcm16()])],
  ['missing data chunk, other chunks', 'MISSING_DATA_CHUNK', riff([pcm16(), { id: 'LIST', body: new Uint8Array(30) }])],
  ['MS ADPCM without ffmpeg', 'UNSUPPORTED_CODEC', riff([pcm16({ formatTag: 2, bits: 4, blockAlign: 256 }), data])],
  ['IMA ADPCM without ffmpeg', 'UNSUPPORTED_CODEC', riff([pcm16({ formatTag: 0x11, bits: 4, blockAlign: 256 }), data])],
  ['MP3 in WAV without ffmpeg', 'UNSUPPORTED_CODEC', riff([pcm16({ formatTag: 0x55, bits: 0 }), data])],
  ['extensible vendor GUID', 'UNSUPPORTED_CODEC', riff([pcm16({ extensible: { subFormat: 1, vendorGuid: true } }), data])],
  ['4-bit PCM', 'UNSUPPORTED_BIT_DEPTH', riff([pcm16({ bits: 4 }), data])],
  ['64-bit integer PCM', 'UNSUPPORTED_BIT_DEPTH', riff([pcm16({ bits: 64 }), data])],
  ['16-bit float', 'UNSUPPORTED_BIT_DEPTH', riff([pcm16({ formatTag: 3, bits: 16 }), data])],
  ['24-bit float', 'UNSUPPORTED_BIT_DEPTH', riff([pcm16({ formatTag: 3, bits: 24 }), data])],
  ['16-bit A-law', 'UNSUPPORTED_BIT_DEPTH', riff([pcm16({ formatTag: 6, bits: 16 }), data])],
  ['zero channels', 'BAD_CHANNEL_COUNT', riff([pcm16({ channels: 0, blockAlign: 2 }), data])],
  ['sample rate 0', 'BAD_SAMPLE_RATE', riff([pcm16({ sampleRateHz: 0 }), data])],
  ['sample rate 999 Hz', 'BAD_SAMPLE_RATE', riff([pcm16({ sampleRateHz: 999 }), data])],
  ['sample rate 800 kHz', 'BAD_SAMPLE_RATE', riff([pcm16({ sampleRateHz: 800000 }), data])],
  ['sample rate 0xFFFFFFFF', 'BAD_SAMPLE_RATE', riff([pcm16({ sampleRateHz: 0xffffffff }), data])],
  ['mp3 without ffmpeg', 'FFMPEG_MISSING', concat([ascii('ID3\x04\x00\x00\x00\x00\x00\x00'), new Uint8Array(100)]), 'song.mp3'],
  ['flac without ffmpeg', 'FFMPEG_MISSING', concat([ascii('fLaC'), new Uint8Array(100)]), 'x.wav'],
  ['unknown bytes named .m4a without ffmpeg', 'FFMPEG_MISSING', new Uint8Array(64).fill(7), 'clip.m4a'],
];

async function expectAudioError(p: Promise<unknown>, code: ErrorCode, file: string): Promise<AudioInputError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, `${path.basename(file)} should fail with ${code}`).toBeInstanceOf(AudioInputError);
  const e = err as AudioInputError;
  expect(e.code).toBe(code);
  expect(e.file).toBe(file);
  expect(e.message).toContain(file);
  // what was wrong, then what to do: at least two sentences after the file name.
  expect(e.message.length).toBeGreaterThan(file.length + 40);
  return e;
}

describe('bad input: each case gives its code and a message naming the file', () => {
  it.each(CASES)('%s -> %s', async (name, code, bytes, fileName) => {
    const file = path.join(dir, fileName ?? `${name.replace(/\W+/g, '-')}.wav`);
    writeFileSync(file, bytes);
    await expectAudioError(readAudio(file, NO_FFMPEG), code, file);
    await expectAudioError(probeAudio(file, NO_FFMPEG), code, file);
    await expectAudioError(openAudio(file, NO_FFMPEG), code, file);
  });

  it('messages say what was expected and received', async () => {
    const file = path.join(dir, 'rate.wav');
    writeFileSync(file, riff([pcm16({ sampleRateHz: 800000 }), data]));
    const e = await expectAudioError(readAudio(file), 'BAD_SAMPLE_RATE', file);
    expect(e.message).toMatch(/800000 Hz.*expected 1000\.\.768000 Hz/);
    const ffm = path.join(dir, 'song.mp3');
    writeFileSync(ffm, concat([ascii('ID3'), new Uint8Array(100)]));
    const m = await expectAudioError(readAudio(ffm, NO_FFMPEG), 'FFMPEG_MISSING', ffm);
    expect(m.message).toMatch(/apt-get install ffmpeg/);
  });

  it('a missing file, a directory, a symlink loop, an unreadable file', async () => {
    const missing = path.join(dir, 'nope', 'missing.wav');
    await expectAudioError(readAudio(missing), 'FILE_NOT_FOUND', missing);
    const sub = path.join(dir, 'folder.wav');
    mkdirSync(sub);
    await expectAudioError(readAudio(sub), 'IS_A_DIRECTORY', sub);
    const loop = path.join(dir, 'loop.wav');
    symlinkSync(loop, loop);
    await expectAudioError(readAudio(loop), 'FILE_UNREADABLE', loop);
    const locked = path.join(dir, 'locked.wav');
    writeFileSync(locked, riff([pcm16(), data]));
    chmodSync(locked, 0o000);
    if (process.getuid?.() === 0) {
      console.warn('errors.test: running as root, so a chmod 000 file stays readable; the EACCES case is not exercised');
    } else {
      await expectAudioError(readAudio(locked), 'FILE_UNREADABLE', locked);
    }
  });
});
