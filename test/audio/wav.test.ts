import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import wavefile from 'wavefile';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUDIO_CONFIG, openAudio, probeAudio, readAudio, StreamingResampler, validateAudioConfig } from '../../src/audio/index.js';
import { ALAW_TABLE, MULAW_TABLE } from '../../src/audio/decode.js';
import { createWasmBackend } from '../../src/features/wasmBackend.js';
import { ascii, concat, encode, expectedMono, fmtChunk, noise, pcmWav, riff, type SampleKind, u32le } from './wavbytes.js';

const dir = mkdtempSync(path.join(tmpdir(), 'cs-audio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let seq = 0;
function write(name: string, bytes: Uint8Array): string {
  const p = path.join(dir, `${seq++}-${name}`);
  writeFileSync(p, bytes);
  return p;
}

const KINDS: SampleKind[] = ['u8', 's16', 's24', 's32', 'f32', 'f64'];

describe('WAV decoding: golden values', () => {
  for (const kind of KINDS) {
    for (const channels of [1, 2, 3, 6, 8]) {
      it(`${kind}, ${channels} channel(s), 16 kHz: mean of channels, exact`, async () => {
        const values = noise(channels * 501, channels * 7 + kind.length);
        const file = write(`${kind}-${channels}.wav`, pcmWav(kind, channels, 16000, values));
        const a = await readAudio(file);
        const want = expectedMono(kind, values, channels);
        expect(a.samples.length).toBe(501);
        for (let i = 0; i < want.length; i++) expect(a.samples[i]).toBeCloseTo(want[i], 6);
        expect(a.info.channels).toBe(channels);
        expect(a.info.sampleRateHz).toBe(16000);
        expect(a.info.format).toBe(kind.startsWith('f') ? 'wav/float' : 'wav/pcm');
        expect(a.info.durationSec).toBeCloseTo(501 / 16000, 9);
      });
    }
  }

  it('agrees with wavefile on files wavefile writes (incl. its extensible headers)', async () => {
    const W = wavefile.WaveFile;
    const codes = ['8', '16', '24', '32', '32f', '64'];
    for (const code of codes) {
      for (const channels of [1, 2, 4]) {
        const isFloat = code === '32f' || code === '64';
        const bits = parseInt(code, 10);
        const full = isFloat ? 1 : 2 ** (bits - 1);
        const perChannel = Array.from({ length: channels }, (_, c) =>
          Array.from(noise(300, c + bits), (v) => (isFloat ? v : code === '8' ? Math.round(v * 127) + 128 : Math.round(v * (full - 1)))),
        );
        const w = new W();
        w.fromScratch(channels, 16000, code, perChannel);
        const file = write(`wavefile-${code}-${channels}.wav`, w.toBuffer());
        const ours = (await readAudio(file)).samples;
        const theirs = new W(w.toBuffer()).getSamples(false, Float64Array) as unknown as Float64Array[] | Float64Array;
        const chans = channels === 1 ? [theirs as Float64Array] : (theirs as Float64Array[]);
        for (let i = 0; i < 300; i++) {
          let s = 0;
          for (const ch of chans) s += code === '8' ? (ch[i] - 128) / 128 : isFloat ? ch[i] : ch[i] / full;
          expect(ours[i]).toBeCloseTo(s / channels, 6);
        }
      }
    }
  });

  it('decodes G.711 A-law and mu-law like wavefile', async () => {
    const W = wavefile.WaveFile;
    const pcm = Array.from(noise(256, 3), (v) => Math.round(v * 32000));
    for (const [code, tag] of [
      ['8a', 6],
      ['8m', 7],
    ] as const) {
      const w = new W();
      w.fromScratch(1, 8000, '16', pcm);
      if (code === '8a') w.toALaw();
      else w.toMuLaw();
      const bytes = w.toBuffer();
      const file = write(`g711-${code}.wav`, bytes);
      const info = await probeAudio(file);
      expect(info.format).toBe(tag === 6 ? 'wav/alaw' : 'wav/mulaw');
      // Compare the table with wavefile's decoder on every byte value.
      const all = new W();
      all.fromScratch(
        1,
        8000,
        code,
        Array.from({ length: 256 }, (_, i) => i),
      );
      if (code === '8a') all.fromALaw();
      else all.fromMuLaw();
      const decoded = all.getSamples(false, Float64Array) as unknown as Float64Array;
      const table = code === '8a' ? ALAW_TABLE : MULAW_TABLE;
      for (let i = 0; i < 256; i++) expect(table[i] * 32768).toBe(decoded[i]);
      const a = await readAudio(file);
      expect(a.samples.length).toBe(512); // 8 kHz -> 16 kHz
      expect(a.samples.every(Number.isFinite)).toBe(true);
    }
  });

  it('reads WAVE_FORMAT_EXTENSIBLE PCM and float, and 24 valid bits in 32-bit containers', async () => {
    const values = noise(2 * 200, 11);
    const pcm = riff([
      fmtChunk({ formatTag: 1, channels: 2, sampleRateHz: 16000, bits: 16, extensible: { subFormat: 1 } }),
      { id: 'data', body: encode('s16', values) },
    ]);
    const flt = riff([
      fmtChunk({ formatTag: 3, channels: 2, sampleRateHz: 16000, bits: 32, extensible: { subFormat: 3 } }),
      { id: 'data', body: encode('f32', values) },
    ]);
    const in32 = riff([
      fmtChunk({ formatTag: 1, channels: 2, sampleRateHz: 16000, bits: 32, extensible: { subFormat: 1, validBits: 24 } }),
      { id: 'data', body: encode('s32', values) },
    ]);
    for (const [bytes, kind] of [
      [pcm, 's16'],
      [flt, 'f32'],
      [in32, 's32'],
    ] as const) {
      const a = await readAudio(write('ext.wav', bytes));
      const want = expectedMono(kind, values, 2);
      for (let i = 0; i < want.length; i++) expect(a.samples[i]).toBeCloseTo(want[i], 6);
    }
    expect((await probeAudio(write('ext24.wav', in32))).bitsPerSample).toBe(24);
  });

  it.each([8000, 11025, 22050, 44100, 48000, 96000, 192000])('resamples %i Hz to the expected length and tone', async (rate) => {
    const n = Math.round(rate * 0.5);
    const values = Array.from({ length: n * 2 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * Math.floor(i / 2)) / rate));
    const a = await readAudio(write(`sine-${rate}.wav`, pcmWav('s16', 2, rate, values)));
    expect(a.samples.length).toBe(StreamingResampler.outputLength(n, rate, 16000));
    expect(Math.abs(a.samples.length - 8000)).toBeLessThanOrEqual(1);
    let peak = 0;
    for (let i = 1000; i < 7000; i++) peak = Math.max(peak, Math.abs(a.samples[i]));
    expect(peak).toBeGreaterThan(0.49);
    expect(peak).toBeLessThan(0.51);
  });
});

describe('WAV repairs: still an answer', () => {
  const vals = noise(100, 5);
  const fmt16 = fmtChunk({ formatTag: 1, channels: 1, sampleRateHz: 16000, bits: 16 });
  const golden = expectedMono('s16', vals, 1);

  it('reads to the end when data declares more than the file holds (also 4 GB, without allocating it)', async () => {
    for (const declared of [1000, 0xfffffffe, 0xffffffff]) {
      const file = write('long.wav', riff([fmt16, { id: 'data', body: encode('s16', vals), declared }]));
      const before = process.memoryUsage().arrayBuffers;
      const a = await readAudio(file);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
      expect(Array.from(a.samples)).toEqual(Array.from(golden));
      expect(a.info.warnings?.length).toBeGreaterThan(0);
    }
  });

  it('drops a partial last frame of a truncated data chunk', async () => {
    const body = encode('s16', noise(2 * 50, 9)).subarray(0, 2 * 2 * 50 - 3); // stereo, cut mid-frame
    const a = await readAudio(
      write('cut.wav', riff([fmtChunk({ formatTag: 1, channels: 2, sampleRateHz: 16000, bits: 16 }), { id: 'data', body, declared: 200 }])),
    );
    expect(a.samples.length).toBe(49);
    expect(a.info.warnings?.some((w) => w.includes('partial'))).toBe(true);
  });

  it('skips unknown and odd-sized chunks (with and without pad bytes) and reads data before fmt', async () => {
    const junk = [
      { id: 'LIST', body: ascii('INFOISFT\x05\x00\x00\x00abcd\x00') },
      { id: 'bext', body: new Uint8Array(3) },
      { id: 'fact', body: u32le(100) },
    ];
    const files = [
      riff([...junk, fmt16, { id: 'junk', body: new Uint8Array(7) }, { id: 'data', body: encode('s16', vals) }]),
      riff([{ id: 'data', body: encode('s16', vals) }, fmt16, ...junk]),
      riff([fmt16, { id: 'data', body: encode('s16', vals) }, { id: 'LIST', body: new Uint8Array(5) }]),
    ];
    for (const bytes of files) expect(Array.from((await readAudio(write('chunks.wav', bytes))).samples)).toEqual(Array.from(golden));
    // An odd chunk written without its pad byte: the walker notices the chunk id one byte earlier.
    const noPad = riff([{ id: 'bext', body: new Uint8Array(3), noPad: true }, fmt16, { id: 'data', body: encode('s16', vals) }]);
    expect(Array.from((await readAudio(write('nopad.wav', noPad))).samples)).toEqual(Array.from(golden));
  });

  it('reads RF64 with a ds64 chunk, and a RIFF whose data size is 0 (pipe writers)', async () => {
    const ds64 = { id: 'ds64', body: concat([u32le(0), u32le(0), u32le(200), u32le(0), u32le(100), u32le(0), u32le(0)]) };
    const rf64 = riff([ds64, fmt16, { id: 'data', body: encode('s16', vals), declared: 0xffffffff }], {
      container: 'RF64',
      riffSize: 0xffffffff,
    });
    const a = await readAudio(write('rf64.wav', rf64));
    expect(Array.from(a.samples)).toEqual(Array.from(golden));
    expect(a.info.warnings ?? []).toEqual([]);
    const zero = riff([fmt16, { id: 'data', body: encode('s16', vals), declared: 0 }]);
    expect(Array.from((await readAudio(write('zero.wav', zero))).samples)).toEqual(Array.from(golden));
  });

  it('reads a 3-sample file and an empty data chunk', async () => {
    const three = await readAudio(write('three.wav', pcmWav('s16', 1, 16000, [0.1, -0.2, 0.3])));
    expect(three.samples.length).toBe(3);
    const three48 = await readAudio(write('three48.wav', pcmWav('f32', 1, 48000, [0.1, -0.2, 0.3])));
    expect(three48.samples.length).toBe(1);
    const empty = await readAudio(write('empty-data.wav', riff([fmt16, { id: 'data', body: new Uint8Array(0) }])));
    expect(empty.samples.length).toBe(0);
    expect(empty.info.durationSec).toBe(0);
  });

  it('replaces NaN and infinite float samples by 0 and counts them; never outputs NaN', async () => {
    const v = [0.5, NaN, Infinity, -0.25, -Infinity, 1e300, 1e300, 0.125];
    for (const kind of ['f32', 'f64'] as const) {
      const a = await readAudio(write(`nan-${kind}.wav`, pcmWav(kind, 1, 16000, v)));
      expect(a.samples.every(Number.isFinite)).toBe(true);
      expect(a.samples[0]).toBe(0.5);
      expect(a.samples[1]).toBe(0);
      expect(a.samples[2]).toBe(0);
      expect(a.samples[3]).toBe(-0.25);
      // f32: 1e300 overflows to Inf on encode; f64: 1e300 cannot be a float32 output -> 0.
      expect(a.info.nonFiniteSamples).toBe(5);
      const r = await readAudio(write(`nan48-${kind}.wav`, pcmWav(kind, 2, 48000, [...v, ...v, ...v])));
      expect(r.samples.every(Number.isFinite)).toBe(true);
    }
  });

  it('decodes silence, DC and clipped integer signals as they are (valid input, not errors)', async () => {
    const n = 48000;
    const silence = await readAudio(write('silence.wav', pcmWav('s16', 2, 48000, new Float64Array(2 * n))));
    expect(silence.samples.length).toBe(16000);
    expect(silence.samples.every((v) => v === 0)).toBe(true);
    const dc = await readAudio(write('dc.wav', pcmWav('s16', 1, 48000, new Float64Array(n).fill(0.25))));
    for (let i = 200; i < 15800; i++) expect(dc.samples[i]).toBeCloseTo(0.25, 5);
    const clipped = await readAudio(write('clip.wav', pcmWav('s16', 1, 16000, [1, -1, 1, -1, 2, -2])));
    expect(Array.from(clipped.samples)).toEqual([32767 / 32768, -1, 32767 / 32768, -1, 32767 / 32768, -1]);
  });

  it('does not clip float samples above full scale', async () => {
    const a = await readAudio(write('loud.wav', pcmWav('f32', 1, 16000, [1.5, -2, 0.5])));
    expect(Array.from(a.samples)).toEqual([1.5, -2, 0.5]);
  });
});

describe('AudioStream', () => {
  it('streams blocks whose concatenation equals readAudio, for any blockSec', async () => {
    const n = 48000 * 3 + 17;
    const values = noise(n * 2, 21);
    const file = write('stream.wav', pcmWav('s24', 2, 48000, values));
    const whole = (await readAudio(file)).samples;
    for (const blockSec of [0.013, 0.5, 1, 10]) {
      const s = await openAudio(file, { blockSec });
      const parts: Float32Array[] = [];
      for await (const b of s.blocks()) parts.push(b);
      expect(parts.length).toBeGreaterThan(blockSec < 3 ? 1 : 0);
      expect(Array.from(concat(parts.map((p) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength))))).toEqual(
        Array.from(new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength)),
      );
    }
  });

  it('can be closed early and iterated only once', async () => {
    const file = write('early.wav', pcmWav('s16', 1, 16000, noise(64000, 2)));
    const s = await openAudio(file, { blockSec: 0.1 });
    for await (const b of s.blocks()) {
      expect(b.length).toBe(1600);
      break;
    }
    await s.close();
    await expect(async () => {
      for await (const _ of s.blocks()) void _;
    }).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it("frees the resampler's WASM table whether the stream is read to the end or left early", async () => {
    const probe = createWasmBackend();
    try {
      const before = probe.heapBytesInUse();
      const file = write('film.wav', pcmWav('s16', 2, 48000, noise(48000 * 2 * 2, 5)));
      for (let i = 0; i < 5; i++) await readAudio(file);
      expect(probe.heapBytesInUse()).toBe(before);
      const s = await openAudio(file, { blockSec: 0.25 });
      for await (const b of s.blocks()) {
        expect(b.length).toBeGreaterThan(0);
        expect(probe.heapBytesInUse()).toBeGreaterThan(before); // the table, while the stream runs
        break;
      }
      await s.close();
      expect(probe.heapBytesInUse()).toBe(before);
    } finally {
      probe.dispose();
    }
  });

  it('has frozen defaults', () => {
    expect(Object.isFrozen(DEFAULT_AUDIO_CONFIG)).toBe(true);
    expect(validateAudioConfig(undefined)).toEqual(DEFAULT_AUDIO_CONFIG);
    expect(() => validateAudioConfig({ resamplerStopbandDb: 10 })).toThrow(/audio.resamplerStopbandDb/);
    expect(() => validateAudioConfig({ ffmpegPath: '' })).toThrow(/audio.ffmpegPath/);
  });

  it('rejects bad options with a ConfigError naming the field', async () => {
    const file = write('cfg.wav', pcmWav('s16', 1, 16000, [0]));
    await expect(openAudio(file, { blockSec: 0 })).rejects.toMatchObject({ code: 'INVALID_CONFIG', field: 'audio.blockSec' });
    await expect(openAudio(file, { blocksec: 1 } as never)).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });
});
