/**
 * Fallback decoder for everything that is not a WAV we decode ourselves: spawns ffmpeg,
 * which outputs 16 kHz mono float32 on stdout (no temp files), and streams it.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { AudioInputError } from '../errors/index.js';

export interface FfmpegProbe {
  codec: string;
  sampleRateHz: number;
  channels: number;
  /** NaN when ffmpeg does not know (streams without a duration). */
  durationSec: number;
}

/** Keep the end of ffmpeg's stderr only: it is where the reason is. */
const STDERR_KEEP = 8 * 1024;

function missing(file: string, ffmpegPath: string, what: string, cause: unknown): AudioInputError {
  return new AudioInputError(
    'FFMPEG_MISSING',
    file,
    `is ${what}, which is decoded with ffmpeg, but \`${ffmpegPath}\` was not found (expected ffmpeg on PATH).`,
    'Install ffmpeg (Debian/Ubuntu: `sudo apt-get install ffmpeg`; macOS: `brew install ffmpeg`; Windows: `winget install ffmpeg`) or convert the file to WAV.',
    cause,
  );
}

/**
 * The input as ffmpeg must be given it: with the file: protocol, since ffmpeg reads a name with a
 * colon as a protocol ("Film: Part 2.mkv" fails, "concat:x.mkv" opens something else).
 */
export function ffmpegInput(file: string): string {
  return `file:${file}`;
}

function lastLine(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return lines.length > 0 ? lines[lines.length - 1] : '(nothing)';
}

function channelsFromLayout(layout: string): number {
  const l = layout.trim().replace(/\(.*\)$/, '');
  const named: Record<string, number> = {
    mono: 1,
    stereo: 2,
    '2.1': 3,
    '3.0': 3,
    quad: 4,
    '4.0': 4,
    '4.1': 5,
    '5.0': 5,
    '5.1': 6,
    '6.0': 6,
    '6.1': 7,
    '7.0': 7,
    '7.1': 8,
    hexagonal: 6,
    octagonal: 8,
    downmix: 2,
  };
  if (l in named) return named[l];
  const m = /^(\d+) channels/.exec(l);
  return m ? Number(m[1]) : 0;
}

/** `ffmpeg -i file` with no output prints the streams on stderr; read the first audio stream. */
export async function probeWithFfmpeg(file: string, ffmpegPath: string, what: string): Promise<FfmpegProbe> {
  const stderr = await new Promise<string>((resolve, reject) => {
    let child: ChildProcessByStdio<null, null, Readable>;
    try {
      child = spawn(ffmpegPath, ['-hide_banner', '-nostdin', '-i', ffmpegInput(file)], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      reject(missing(file, ffmpegPath, what, e));
      return;
    }
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      err = (err + d).slice(-64 * 1024);
    });
    child.on('error', (e) => reject(missing(file, ffmpegPath, what, e)));
    child.on('close', () => resolve(err));
  });
  const audio = /Stream #\d+:\d+[^:]*: Audio: ([^\s,]+)[^,]*, (\d+) Hz, ([^,]+)/.exec(stderr);
  if (!audio) {
    const hasStreams = /Stream #\d+:\d+/.test(stderr);
    throw new AudioInputError(
      'FFMPEG_FAILED',
      file,
      hasStreams
        ? `contains no audio stream (expected at least one; ffmpeg found only other streams).`
        : `could not be read by ffmpeg as ${what} (ffmpeg said: ${JSON.stringify(lastLine(stderr))}).`,
      'Check that the file is a complete audio or video file; re-export or re-copy it.',
    );
  }
  const d = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(stderr);
  return {
    codec: audio[1],
    sampleRateHz: Number(audio[2]),
    channels: channelsFromLayout(audio[3]),
    durationSec: d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : NaN,
  };
}

export interface FfmpegDecoder {
  /** 16 kHz mono float32 blocks; NaN/Inf replaced by 0 (counted in `nonFinite`). */
  blocks(): AsyncGenerator<Float32Array>;
  readonly nonFinite: number;
  kill(): void;
}

/** Start the decoder; resolves once the process is running (or rejects with FFMPEG_MISSING). */
export async function startFfmpegDecoder(
  file: string,
  ffmpegPath: string,
  what: string,
  outRateHz: number,
  channels: number,
): Promise<FfmpegDecoder> {
  // ffmpeg's own -ac 1 mixes stereo at -3 dB per channel (0.707 L + 0.707 R); a pan filter gives
  // the plain mean of the channels, as the WAV path does, so levels match across formats.
  const mix =
    channels > 1 && channels <= 64
      ? ['-af', `pan=mono|c0=${Array.from({ length: channels }, (_, c) => `${1 / channels}*c${c}`).join('+')}`]
      : [];
  const child = spawn(
    ffmpegPath,
    ['-nostdin', '-v', 'error', '-i', ffmpegInput(file), '-vn', ...mix, '-f', 'f32le', '-ac', '1', '-ar', String(outRateHz), '-'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (e) => reject(missing(file, ffmpegPath, what, e)));
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    stderr = (stderr + d).slice(-STDERR_KEEP);
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let nonFinite = 0;
  let killed = false;

  async function* blocks(): AsyncGenerator<Float32Array> {
    let rest = new Uint8Array(0);
    try {
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        const joined = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
        const n = Math.floor(joined.length / 4);
        // Copy into a fresh aligned array (pipe chunks split floats anywhere).
        const out = new Float32Array(n);
        new Uint8Array(out.buffer).set(joined.subarray(0, n * 4));
        rest = Uint8Array.from(joined.subarray(n * 4));
        if (n === 0) continue;
        for (let i = 0; i < out.length; i++) {
          if (!Number.isFinite(out[i])) {
            out[i] = 0;
            nonFinite++;
          }
        }
        yield out;
      }
      const code = await exited;
      if (code !== 0 && !killed) {
        throw new AudioInputError(
          'FFMPEG_FAILED',
          file,
          `could not be decoded by ffmpeg (exit code ${code}; ffmpeg said: ${JSON.stringify(lastLine(stderr))}).`,
          'The file may be damaged or use a codec this ffmpeg build lacks; re-export it (e.g. as WAV) and retry.',
        );
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        killed = true;
        child.kill('SIGKILL');
      }
    }
  }

  return {
    blocks,
    get nonFinite() {
      return nonFinite;
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) {
        killed = true;
        child.kill('SIGKILL');
      }
    },
  };
}
