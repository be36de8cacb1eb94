/**
 * Writes the small audio input corpus in fixtures/audio/: good files (every WAV variant we
 * decode, with repairs) and bad ones (each error code), plus manifest.json saying what each
 * must give. The batch and CLI tests can use it as it is; test/audio/fixtures.test.ts checks
 * that the committed files equal what this script makes and behave as the manifest says.
 *
 *   npx tsx tools/make-fixtures.ts [outDir]     (default: fixtures/audio)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorCode } from '../src/errors/index.js';
import { ascii, concat, encode, fmtChunk, noise, pcmWav, riff, type FmtSpec, type SampleKind, u32le } from '../test/audio/wavbytes.js';

export interface CorpusEntry {
  /** Path relative to the corpus folder. */
  file: string;
  /** What reading it gives when ffmpeg is on PATH: 'ok' or an error code. */
  expect: 'ok' | ErrorCode;
  /** The same without ffmpeg, when it differs. */
  expectWithoutFfmpeg?: ErrorCode;
  /** For good files: samples at 16 kHz. */
  samples16k?: number;
  note: string;
}

function tone(kind: SampleKind, channels: number, rate: number, seconds: number, seed: number): Uint8Array {
  const n = Math.round(rate * seconds);
  const v = new Float64Array(n * channels);
  const nz = noise(n * channels, seed);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) v[i * channels + c] = 0.4 * Math.sin((2 * Math.PI * 440 * i) / rate) + 0.05 * nz[i * channels + c];
  }
  return pcmWav(kind, channels, rate, v);
}

const out16k = (frames: number, rate: number): number => Math.ceil((frames * 16000) / rate);

export function corpus(): Array<CorpusEntry & { bytes: Uint8Array }> {
  const pcm16 = (f: Partial<FmtSpec> = {}) => fmtChunk({ formatTag: 1, channels: 1, sampleRateHz: 16000, bits: 16, ...f });
  const vals = encode('s16', noise(800, 9));
  const data = { id: 'data', body: vals };
  const e: Array<CorpusEntry & { bytes: Uint8Array }> = [];
  const good = (name: string, bytes: Uint8Array, samples16k: number, note: string): void => {
    e.push({ file: `good/${name}`, bytes, expect: 'ok', samples16k, note });
  };
  const bad = (name: string, bytes: Uint8Array, code: ErrorCode, note: string, without?: ErrorCode): void => {
    e.push({ file: `bad/${name}`, bytes, expect: code, ...(without ? { expectWithoutFfmpeg: without } : {}), note });
  };

  good('u8-mono-8k.wav', tone('u8', 1, 8000, 0.25, 1), out16k(2000, 8000), '8-bit unsigned PCM, 8 kHz');
  good('s16-stereo-44k1.wav', tone('s16', 2, 44100, 0.1, 2), out16k(4410, 44100), '16-bit, stereo, 44.1 kHz');
  good('s24-6ch-48k.wav', tone('s24', 6, 48000, 0.03, 3), out16k(1440, 48000), '24-bit, 6 channels, 48 kHz');
  good('s32-mono-96k.wav', tone('s32', 1, 96000, 0.03, 4), out16k(2880, 96000), '32-bit integer, 96 kHz');
  good('f32-stereo-16k.wav', tone('f32', 2, 16000, 0.1, 5), 1600, '32-bit float');
  good('f64-mono-22k05.wav', tone('f64', 1, 22050, 0.05, 6), out16k(1103, 22050), '64-bit float, 22.05 kHz');
  good('s16-8ch-192k.wav', tone('s16', 8, 192000, 0.005, 7), out16k(960, 192000), '8 channels, 192 kHz');
  good(
    'extensible-24in32-4ch-48k.wav',
    riff([
      fmtChunk({ formatTag: 1, channels: 4, sampleRateHz: 48000, bits: 32, extensible: { subFormat: 1, validBits: 24 } }),
      { id: 'data', body: encode('s32', noise(4 * 480, 8)) },
    ]),
    160,
    'WAVE_FORMAT_EXTENSIBLE, 24 valid bits in 32-bit containers',
  );
  good(
    'extensible-float-stereo.wav',
    riff([
      fmtChunk({ formatTag: 3, channels: 2, sampleRateHz: 16000, bits: 32, extensible: { subFormat: 3 } }),
      { id: 'data', body: encode('f32', noise(2 * 800, 9)) },
    ]),
    800,
    'WAVE_FORMAT_EXTENSIBLE, float subformat',
  );
  const g711 = Uint8Array.from(noise(1600, 10), (v) => Math.floor((v + 1) * 127.5) & 0xff);
  good(
    'alaw-8k.wav',
    riff([fmtChunk({ formatTag: 6, channels: 1, sampleRateHz: 8000, bits: 8 }), { id: 'data', body: g711 }]),
    3200,
    'G.711 A-law',
  );
  good(
    'mulaw-8k.wav',
    riff([fmtChunk({ formatTag: 7, channels: 1, sampleRateHz: 8000, bits: 8 }), { id: 'data', body: g711 }]),
    3200,
    'G.711 mu-law',
  );
  good(
    'rf64.wav',
    riff(
      [
        { id: 'ds64', body: concat([u32le(0), u32le(0), u32le(vals.length), u32le(0), u32le(800), u32le(0), u32le(0)]) },
        pcm16(),
        { id: 'data', body: vals, declared: 0xffffffff },
      ],
      { container: 'RF64', riffSize: 0xffffffff },
    ),
    800,
    'RF64 with a ds64 chunk',
  );
  good(
    'data-longer-than-file.wav',
    riff([pcm16(), { id: 'data', body: vals, declared: 1_000_000 }]),
    800,
    'data declares more bytes than the file has: read to the end',
  );
  good(
    'data-4gb-declared.wav',
    riff([pcm16(), { id: 'data', body: vals, declared: 0xfffffffe }]),
    800,
    'data declares ~4 GB: read to the end, allocate nothing big',
  );
  good(
    'data-size-unknown.wav',
    riff([pcm16(), { id: 'data', body: vals, declared: 0xffffffff }]),
    800,
    'data size 0xFFFFFFFF: to end of file',
  );
  good(
    'truncated-partial-frame.wav',
    riff([pcm16({ channels: 2 }), { id: 'data', body: vals.subarray(0, vals.length - 3), declared: vals.length }]),
    399,
    'cut mid-frame: the partial frame is dropped',
  );
  good(
    'odd-chunks-and-pads.wav',
    riff([
      { id: 'LIST', body: ascii('INFOISFT\x05\x00\x00\x00abcd\x00') },
      { id: 'bext', body: new Uint8Array(3) },
      pcm16(),
      { id: 'fact', body: u32le(800) },
      data,
    ]),
    800,
    'LIST/bext/fact chunks, odd sizes with pad bytes',
  );
  good(
    'odd-chunk-no-pad.wav',
    riff([{ id: 'bext', body: new Uint8Array(3), noPad: true }, pcm16(), data]),
    800,
    'odd chunk written without its pad byte',
  );
  good('data-before-fmt.wav', riff([data, pcm16()]), 800, "'data' chunk before 'fmt '");
  good('three-samples.wav', pcmWav('s16', 1, 16000, [0.1, -0.2, 0.3]), 3, 'a 3-sample file');
  good('empty-data.wav', riff([pcm16(), { id: 'data', body: new Uint8Array(0) }]), 0, 'valid header, no samples');
  good(
    'nan-inf-float.wav',
    pcmWav('f32', 1, 16000, [0.5, NaN, Infinity, -0.25, -Infinity, 0.125]),
    6,
    'NaN/Inf samples become 0 (counted in info.nonFiniteSamples)',
  );
  good('silence-48k.wav', pcmWav('s16', 2, 48000, new Float64Array(2 * 4800)), 1600, 'digital silence');
  good('dc-16k.wav', pcmWav('s16', 1, 16000, new Float64Array(1600).fill(0.3)), 1600, 'a constant (DC) signal');
  good(
    'clipped-16k.wav',
    pcmWav(
      's16',
      1,
      16000,
      Array.from({ length: 1600 }, (_, i) => 3 * Math.sin(i / 5)),
    ),
    1600,
    'a hard-clipped sine',
  );
  good('white-noise-16k.wav', pcmWav('s16', 1, 16000, noise(1600, 11)), 1600, 'white noise');

  bad('empty.wav', new Uint8Array(0), 'EMPTY_FILE', '0 bytes');
  bad('text.wav', ascii('This is a text file, not audio.\n'), 'NOT_A_WAV', 'text file named .wav');
  bad(
    'riff-garbage.wav',
    concat([ascii('RIFF'), u32le(100), ascii('JUNKJUNKJUNK'), new Uint8Array(40)]),
    'NOT_A_WAV',
    'garbage after RIFF',
  );
  bad('no-fmt.wav', riff([{ id: 'LIST', body: new Uint8Array(8) }, data]), 'NOT_A_WAV', "no 'fmt ' chunk");
  bad('truncated-header.wav', ascii('RIFF\x24\x00'), 'TRUNCATED_HEADER', 'file ends inside the RIFF header');
  bad('truncated-fmt.wav', riff([pcm16(), data]).subarray(0, 30), 'TRUNCATED_HEADER', "file ends inside the 'fmt ' chunk");
  bad('short-fmt.wav', riff([{ id: 'fmt ', body: pcm16().body.subarray(0, 12) }, data]), 'TRUNCATED_HEADER', "'fmt ' chunk of 12 bytes");
  bad('missing-data.wav', riff([pcm16(), { id: 'LIST', body: new Uint8Array(30) }]), 'MISSING_DATA_CHUNK', "no 'data' chunk");
  bad(
    'vendor-guid.wav',
    riff([pcm16({ extensible: { subFormat: 1, vendorGuid: true } }), data]),
    'FFMPEG_FAILED',
    'extensible with an unknown subformat GUID',
    'UNSUPPORTED_CODEC',
  );
  bad('4-bit-pcm.wav', riff([pcm16({ bits: 4 }), data]), 'UNSUPPORTED_BIT_DEPTH', '4-bit integer PCM');
  bad('64-bit-int.wav', riff([pcm16({ bits: 64 }), data]), 'UNSUPPORTED_BIT_DEPTH', '64-bit integer PCM');
  bad('16-bit-float.wav', riff([pcm16({ formatTag: 3, bits: 16 }), data]), 'UNSUPPORTED_BIT_DEPTH', '16-bit float');
  bad('zero-channels.wav', riff([pcm16({ channels: 0, blockAlign: 2 }), data]), 'BAD_CHANNEL_COUNT', '0 channels');
  bad('zero-rate.wav', riff([pcm16({ sampleRateHz: 0 }), data]), 'BAD_SAMPLE_RATE', 'sample rate 0');
  bad('absurd-rate.wav', riff([pcm16({ sampleRateHz: 4_000_000 }), data]), 'BAD_SAMPLE_RATE', 'sample rate 4 MHz');
  bad(
    'damaged.mp3',
    concat([ascii('ID3\x03\x00\x00\x00\x00\x00\x00'), new Uint8Array(64).fill(0xaa)]),
    'FFMPEG_FAILED',
    'an mp3 with no decodable frame',
    'FFMPEG_MISSING',
  );
  return e;
}

function main(): void {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const outDir = path.resolve(process.argv[2] ?? path.join(repo, 'fixtures/audio'));
  rmSync(path.join(outDir, 'good'), { recursive: true, force: true });
  rmSync(path.join(outDir, 'bad'), { recursive: true, force: true });
  let total = 0;
  const entries = corpus();
  for (const { bytes, file } of entries) {
    const p = path.join(outDir, file);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, bytes);
    total += bytes.length;
  }
  const manifest = entries.map(({ bytes: _bytes, ...entry }) => entry);
  writeFileSync(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  console.log(`wrote ${entries.length} files (${(total / 1024).toFixed(0)} KiB) and manifest.json to ${outDir}`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
