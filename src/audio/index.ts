/**
 * Audio stage: any input file -> 16 kHz mono float32, streamed in blocks so memory stays flat
 * for long films. WAV (RIFF/RF64, PCM 8-32 bit, float 32/64, A-law, mu-law, extensible) is
 * decoded here; every other container or codec goes through ffmpeg when it is on PATH.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { AudioInputError, CountSpeakersError, errnoText } from '../errors/index.js';
import { type AudioConfig, validateAudioConfig } from './config.js';
import { decodeFrames } from './decode.js';
import { type FfmpegProbe, probeWithFfmpeg, startFfmpegDecoder } from './ffmpeg.js';
import { StreamingResampler } from './resample.js';
import { sniff, type Sniffed } from './sniff.js';
import { type Audio16k, type AudioInfo, type AudioStream, ENGINE_SAMPLE_RATE_HZ } from './types.js';
import { ByteWindow, parseWav, type WavLayout } from './wav.js';

export type { Audio16k, AudioInfo, AudioStream } from './types.js';
export { ENGINE_SAMPLE_RATE_HZ } from './types.js';
export { type AudioConfig, DEFAULT_AUDIO_CONFIG, validateAudioConfig } from './config.js';
export { type ResamplerOptions, StreamingResampler, resample } from './resample.js';

/** Most bytes read per step, whatever blockSec says (an 8-channel 192 kHz float64 file...). */
const MAX_READ_BYTES = 8 * 1024 * 1024;

type Plan =
  | { kind: 'wav'; fh: FileHandle; layout: WavLayout; info: AudioInfo }
  | { kind: 'ffmpeg'; what: string; probe: FfmpegProbe; info: AudioInfo };

function codecName(l: WavLayout): string {
  if (l.codec === 'alaw') return 'pcm_alaw';
  if (l.codec === 'mulaw') return 'pcm_mulaw';
  if (l.codec === 'float') return l.sampleBytes === 8 ? 'pcm_f64le' : 'pcm_f32le';
  return l.sampleBytes === 1 ? 'pcm_u8' : `pcm_s${l.sampleBytes * 8}le`;
}

function describeHead(head: Uint8Array): string {
  const b = head.subarray(0, 12);
  const text = Array.from(b, (c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.')).join('');
  const hex = Array.from(b, (c) => c.toString(16).padStart(2, '0')).join(' ');
  return `${JSON.stringify(text)} (${hex})`;
}

async function openChecked(file: string): Promise<{ fh: FileHandle; size: number }> {
  let st;
  try {
    st = await stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new AudioInputError(
        'FILE_NOT_FOUND',
        file,
        'does not exist (expected a path to an audio file).',
        'Check the path and its spelling.',
        e,
      );
    }
    throw new AudioInputError('FILE_UNREADABLE', file, `cannot be accessed (${errnoText(e)}).`, 'Check the path and its permissions.', e);
  }
  if (st.isDirectory()) {
    throw new AudioInputError('IS_A_DIRECTORY', file, 'is a directory (expected an audio file).', 'Pass the path of a file inside it.');
  }
  if (!st.isFile()) {
    throw new AudioInputError(
      'FILE_UNREADABLE',
      file,
      'is not a regular file (expected an audio file; received a device, socket or pipe).',
      'Save the audio to a file first.',
    );
  }
  if (st.size === 0) {
    throw new AudioInputError(
      'EMPTY_FILE',
      file,
      'is empty (expected audio data, received 0 bytes).',
      'The file was not written; re-export or re-copy it.',
    );
  }
  try {
    return { fh: await open(file, 'r'), size: st.size };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AudioInputError(
      'FILE_UNREADABLE',
      file,
      `cannot be opened for reading (${code ?? 'error'}: ${(e as Error).message}).`,
      code === 'EACCES' || code === 'EPERM'
        ? 'Grant read permission (e.g. `chmod +r`) or run as a user who can read it.'
        : 'Check the file and retry.',
      e,
    );
  }
}

async function plan(file: string, cfg: AudioConfig): Promise<Plan> {
  const { fh, size } = await openChecked(file);
  let keep = false;
  try {
    const win = new ByteWindow(fh, size, file);
    const head = await win.bytes(0, 64);
    const s: Sniffed = sniff(head, file);
    if (s.kind === 'truncated-riff') {
      throw new AudioInputError(
        'TRUNCATED_HEADER',
        file,
        `the WAV header is cut short (expected at least 12 bytes of RIFF header, received ${size}).`,
        'The file was not written completely; re-export or re-copy it.',
      );
    }
    if (s.kind === 'riff-not-wave') {
      throw new AudioInputError(
        'NOT_A_WAV',
        file,
        `starts with RIFF but is not WAVE audio (expected "WAVE" at byte 8, received ${JSON.stringify(s.form)}).`,
        'The file is corrupt or another RIFF format; re-export it as WAV.',
      );
    }
    if (s.kind === 'unknown') {
      throw new AudioInputError(
        'NOT_A_WAV',
        file,
        `is not a WAV file nor a media format we recognise (expected "RIFF....WAVE" at the start, received ${describeHead(head)}).`,
        'Pass a WAV file, or a media file (mp3, mp4, flac...) with ffmpeg installed.',
      );
    }
    if (s.kind === 'media') {
      const probe = await probeWithFfmpeg(file, cfg.ffmpegPath, s.what);
      return { kind: 'ffmpeg', what: s.what, probe, info: ffmpegInfo(file, probe) };
    }
    const layout = await parseWav(win, file);
    if ('kind' in layout) {
      const what = `a WAV holding ${layout.name} audio`;
      let probe: FfmpegProbe;
      try {
        probe = await probeWithFfmpeg(file, cfg.ffmpegPath, what);
      } catch (e) {
        if (e instanceof AudioInputError && e.code === 'FFMPEG_MISSING') {
          throw new AudioInputError(
            'UNSUPPORTED_CODEC',
            file,
            `is a WAV holding ${layout.name} audio (expected PCM, IEEE float, A-law or mu-law), and ffmpeg, which could decode it, is not installed.`,
            'Install ffmpeg (`sudo apt-get install ffmpeg` / `brew install ffmpeg`) or convert it: `ffmpeg -i in.wav -c:a pcm_s16le out.wav`.',
          );
        }
        throw e;
      }
      return { kind: 'ffmpeg', what, probe, info: ffmpegInfo(file, probe) };
    }
    keep = true;
    const info: AudioInfo = {
      file,
      format: `wav/${layout.codec}`,
      sampleRateHz: layout.sampleRateHz,
      channels: layout.channels,
      bitsPerSample: layout.bitsPerSample,
      durationSec: layout.frames / layout.sampleRateHz,
      codec: codecName(layout),
      nonFiniteSamples: 0,
      warnings: layout.warnings,
    };
    return { kind: 'wav', fh, layout, info };
  } finally {
    if (!keep) await fh.close().catch(() => undefined);
  }
}

function ffmpegInfo(file: string, p: FfmpegProbe): AudioInfo {
  return {
    file,
    format: 'ffmpeg',
    sampleRateHz: p.sampleRateHz,
    channels: p.channels,
    bitsPerSample: 0,
    durationSec: Number.isFinite(p.durationSec) ? p.durationSec : 0,
    codec: p.codec,
    nonFiniteSamples: 0,
    warnings: Number.isFinite(p.durationSec) ? [] : ['duration unknown before decoding'],
  };
}

/** Describe a file without decoding its samples (WAV: header only; others: ffmpeg's probe). */
export async function probeAudio(file: string, options?: Partial<AudioConfig>): Promise<AudioInfo> {
  const cfg = validateAudioConfig(options);
  const p = await plan(file, cfg);
  if (p.kind === 'wav') await p.fh.close();
  return p.info;
}

/**
 * Open a file as a stream of 16 kHz mono float32 blocks. Memory is bounded by `blockSec`
 * whatever the file's length. `info.nonFiniteSamples` is final once blocks() has ended.
 * Call close() if you stop before the end (it is called for you at the end).
 */
export async function openAudio(file: string, options?: Partial<AudioConfig>): Promise<AudioStream> {
  const cfg = validateAudioConfig(options);
  const p = await plan(file, cfg);
  return p.kind === 'wav' ? wavStream(file, p.fh, p.layout, p.info, cfg) : ffmpegStream(file, p.what, p.info, cfg);
}

function onceGuard(file: string): () => void {
  let used = false;
  return () => {
    if (used) {
      throw new CountSpeakersError('INTERNAL', `${file}: blocks() of an AudioStream can be iterated only once; open the file again.`, {
        file,
      });
    }
    used = true;
  };
}

function wavStream(file: string, fh: FileHandle, layout: WavLayout, info: AudioInfo, cfg: AudioConfig): AudioStream {
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await fh.close().catch(() => undefined);
  };
  const claim = onceGuard(file);
  const framesPerRead = Math.max(
    1,
    Math.min(Math.round(cfg.blockSec * layout.sampleRateHz), Math.floor(MAX_READ_BYTES / layout.frameBytes), layout.frames),
  );

  async function* blocks(): AsyncGenerator<Float32Array> {
    claim();
    const resampler = new StreamingResampler(layout.sampleRateHz, ENGINE_SAMPLE_RATE_HZ, {
      stopbandDb: cfg.resamplerStopbandDb,
      transitionFraction: 0.15,
    });
    const bytes = new Uint8Array(framesPerRead * layout.frameBytes);
    const mono = new Float32Array(framesPerRead);
    let framesLeft = layout.frames;
    let pos = layout.dataOffset;
    let nonFinite = 0;
    try {
      while (framesLeft > 0) {
        if (closed) return;
        const want = Math.min(framesPerRead, framesLeft) * layout.frameBytes;
        let got = 0;
        try {
          while (got < want) {
            const { bytesRead } = await fh.read(bytes, got, want - got, pos + got);
            if (bytesRead === 0) break;
            got += bytesRead;
          }
        } catch (e) {
          throw new AudioInputError(
            'FILE_UNREADABLE',
            file,
            `reading the samples failed at byte ${pos + got} (${errnoText(e)}).`,
            'Check that the file is readable and the disk healthy, then retry.',
            e,
          );
        }
        const frames = Math.floor(got / layout.frameBytes);
        nonFinite += decodeFrames(bytes, frames, layout, mono);
        info.nonFiniteSamples = nonFinite;
        const out = resampler.process(mono.subarray(0, frames));
        if (out.length > 0) yield out;
        pos += got;
        framesLeft -= frames;
        if (got < want) {
          // The file shrank while we read it: keep what was there.
          info.warnings?.push(`file ended early; read ${layout.frames - framesLeft} of ${layout.frames} frames`);
          break;
        }
      }
      const tail = resampler.flush();
      if (tail.length > 0) yield tail;
    } finally {
      // An abandoned or failed stream never reaches flush(): free the resampler's WASM table here.
      resampler.dispose();
      await close();
    }
  }
  return { info, blocks, close };
}

function ffmpegStream(file: string, what: string, info: AudioInfo, cfg: AudioConfig): Promise<AudioStream> {
  return startFfmpegDecoder(file, cfg.ffmpegPath, what, ENGINE_SAMPLE_RATE_HZ, info.channels).then((dec) => {
    const claim = onceGuard(file);
    async function* blocks(): AsyncGenerator<Float32Array> {
      claim();
      let n = 0;
      try {
        for await (const b of dec.blocks()) {
          n += b.length;
          info.nonFiniteSamples = dec.nonFinite;
          yield b;
        }
        info.nonFiniteSamples = dec.nonFinite;
        if (info.durationSec === 0) info.durationSec = n / ENGINE_SAMPLE_RATE_HZ;
      } finally {
        dec.kill();
      }
    }
    return { info, blocks, close: async () => dec.kill() };
  });
}

/** Whole file at 16 kHz mono (built on the stream). */
/**
 * Write `block` after the first `used` samples of `buffer`, doubling it when full; returns the
 * buffer now holding them (the same one unless it grew).
 */
export function appendSamples(buffer: Float32Array<ArrayBuffer>, used: number, block: Float32Array): Float32Array<ArrayBuffer> {
  let out = buffer;
  if (used + block.length > buffer.length) {
    out = new Float32Array(Math.max(buffer.length * 2, used + block.length));
    out.set(buffer.subarray(0, used));
  }
  out.set(block, used);
  return out;
}

export async function readAudio(file: string, options?: Partial<AudioConfig>): Promise<Audio16k> {
  const stream = await openAudio(file, options);
  const expected =
    stream.info.format === 'ffmpeg'
      ? 0
      : StreamingResampler.outputLength(
          Math.round(stream.info.durationSec * stream.info.sampleRateHz),
          stream.info.sampleRateHz,
          ENGINE_SAMPLE_RATE_HZ,
        );
  // At least one second before the first growth.
  let samples = new Float32Array(Math.max(expected, ENGINE_SAMPLE_RATE_HZ));
  let n = 0;
  try {
    for await (const b of stream.blocks()) {
      samples = appendSamples(samples, n, b);
      n += b.length;
    }
  } finally {
    await stream.close();
  }
  return { info: stream.info, samples: n === samples.length ? samples : samples.slice(0, n), sampleRateHz: ENGINE_SAMPLE_RATE_HZ };
}
