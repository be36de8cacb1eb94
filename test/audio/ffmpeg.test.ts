import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAudio, probeAudio, readAudio } from '../../src/audio/index.js';
import { AudioInputError } from '../../src/errors/index.js';
import { pcmWav } from './wavbytes.js';

const hasFfmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
if (!hasFfmpeg) console.warn('ffmpeg.test: skipped, `ffmpeg` is not on PATH (install it: apt-get install ffmpeg)');

describe.skipIf(!hasFfmpeg)('ffmpeg fallback (mp3, flac, ogg, m4a, mkv, ADPCM WAV)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cs-ffmpeg-'));
  const src = path.join(dir, 'src.wav');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // 2 s stereo 44.1 kHz: a 440 Hz tone at 0.5, encoded by ffmpeg itself into each container.
  beforeAll(() => {
    const n = 44100 * 2;
    const v = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) v[2 * i] = v[2 * i + 1] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / 44100);
    writeFileSync(src, pcmWav('s16', 2, 44100, v));
  });

  function encode(name: string, args: string[]): string {
    const out = path.join(dir, name);
    const r = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', src, ...args, out]);
    expect(r.status, r.stderr?.toString()).toBe(0);
    return out;
  }

  it.each([
    ['tone.flac', []],
    ['tone.mp3', ['-c:a', 'libmp3lame', '-b:a', '128k']],
    ['tone.ogg', ['-c:a', 'libvorbis']],
    ['tone.m4a', ['-c:a', 'aac', '-b:a', '128k']],
    ['tone.mkv', ['-c:a', 'flac']],
    ['adpcm.wav', ['-c:a', 'adpcm_ms']],
  ] as Array<[string, string[]]>)('%s decodes to 16 kHz mono with the tone intact', async (name, args) => {
    const file = encode(name, args);
    const info = await probeAudio(file);
    expect(info.format).toBe('ffmpeg');
    expect(info.sampleRateHz).toBe(44100);
    expect(info.channels).toBe(2);
    const a = await readAudio(file);
    // Encoders add priming/padding: a few tens of ms either way.
    expect(Math.abs(a.samples.length - 32000)).toBeLessThan(2000);
    let peak = 0;
    for (let i = 4000; i < 28000; i++) peak = Math.max(peak, Math.abs(a.samples[i]));
    expect(peak).toBeGreaterThan(0.45);
    expect(peak).toBeLessThan(0.55);
    expect(a.samples.every(Number.isFinite)).toBe(true);
  });

  it('a WAV with a name that lies (mp3 bytes named .wav) is sniffed and decoded', async () => {
    const mp3 = encode('real.mp3', ['-c:a', 'libmp3lame']);
    const lying = path.join(dir, 'lying.wav');
    writeFileSync(lying, readFileSync(mp3));
    const a = await readAudio(lying);
    expect(a.info.codec).toBe('mp3');
    expect(a.samples.length).toBeGreaterThan(30000);
  });

  it('a damaged file gives FFMPEG_FAILED naming the file', async () => {
    const mp3 = readFileSync(encode('ok.mp3', ['-c:a', 'libmp3lame']));
    const bad = path.join(dir, 'bad.mp3');
    writeFileSync(bad, Buffer.concat([Buffer.from('ID3\x03\x00\x00\x00\x00\x00\x00'), Buffer.alloc(64, 0xaa)]));
    const e = await readAudio(bad).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AudioInputError);
    expect((e as AudioInputError).code).toBe('FFMPEG_FAILED');
    expect((e as AudioInputError).message).toContain(bad);
    // A truncated but decodable mp3 still yields audio.
    const cut = path.join(dir, 'cut.mp3');
    writeFileSync(cut, mp3.subarray(0, Math.floor(mp3.length / 2)));
    expect((await readAudio(cut)).samples.length).toBeGreaterThan(8000);
  });

  it('a stream closed early kills ffmpeg', async () => {
    const s = await openAudio(encode('long.flac', []));
    for await (const b of s.blocks()) {
      expect(b.length).toBeGreaterThan(0);
      break;
    }
    await s.close();
  });
});
