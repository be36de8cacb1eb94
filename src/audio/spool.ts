/**
 * The decoded 16 kHz mono stream kept on disk between the pipeline's two passes, so the second
 * pass neither decodes (ffmpeg) nor resamples again: for a 48 kHz film, resampling alone costs
 * ~9 s per hour per pass. Raw float32 in a private temp folder (230 MB per audio hour of disk,
 * no memory), removed by dispose(). Writing is best effort: if the disk refuses, seal()
 * returns false and the caller reads the source again.
 */
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CountSpeakersError } from '../errors/index.js';
import type { AudioInfo, AudioStream } from './types.js';

/** Re-reading is as cheap as the spool when the file is already 16 kHz mono PCM/float WAV. */
export function spoolWorthwhile(info: AudioInfo): boolean {
  return !(info.format.startsWith('wav') && info.sampleRateHz === 16000 && info.channels === 1);
}

const READ_SAMPLES = 16000 * 4;

export class AudioSpool {
  private samples = 0;
  private failed = false;
  private constructor(
    private readonly dir: string,
    private readonly file: string,
    private fh: FileHandle | null,
  ) {}

  static async create(): Promise<AudioSpool | null> {
    try {
      // The pid in the name lets a later run remove the folder if this process is killed.
      const dir = await mkdtemp(path.join(tmpdir(), `count-speakers-${process.pid}-`));
      const file = path.join(dir, 'audio16k.f32');
      return new AudioSpool(dir, file, await open(file, 'w'));
    } catch {
      return null; // no temp space: the caller decodes twice
    }
  }

  async write(block: Float32Array): Promise<void> {
    if (this.failed || this.fh === null || block.length === 0) return;
    try {
      await this.fh.write(new Uint8Array(block.buffer, block.byteOffset, block.byteLength));
      this.samples += block.length;
    } catch {
      this.failed = true; // disk full or similar: drop the spool, nothing else is lost
      await this.fh.close().catch(() => undefined);
      this.fh = null;
    }
  }

  /** Finish writing; true when every block was written. */
  async seal(): Promise<boolean> {
    if (this.fh !== null) {
      await this.fh.close().catch(() => {
        this.failed = true;
      });
      this.fh = null;
    }
    return !this.failed;
  }

  /**
   * The spooled samples as an AudioStream (info copied from the source's). Unlike a decoder's,
   * its blocks are views of ONE reused buffer, valid until the next block is requested (the
   * pipeline copies what it keeps): reading a 2 h spool into fresh arrays outpaced the garbage
   * collector and added up to 100 MB of peak RSS (bench:scale, sparse 2 h film).
   */
  stream(info: AudioInfo): AudioStream {
    const file = this.file;
    const total = this.samples;
    let handle: FileHandle | null = null;
    return {
      info,
      async *blocks() {
        handle = await open(file, 'r');
        const block = new Float32Array(Math.min(READ_SAMPLES, total));
        const bytes = new Uint8Array(block.buffer);
        let pos = 0;
        while (pos < total) {
          const n = Math.min(READ_SAMPLES, total - pos);
          const { bytesRead } = await handle.read(bytes, 0, n * 4, pos * 4);
          if (bytesRead !== n * 4) {
            throw new CountSpeakersError(
              'INTERNAL',
              `Temporary audio spool ${file}: expected ${n * 4} bytes at sample ${pos}, received ${bytesRead} (was the temp folder cleaned meanwhile?). Run again, or set TMPDIR to a folder nothing else cleans.`,
            );
          }
          pos += n;
          yield block.subarray(0, n);
        }
      },
      async close() {
        await handle?.close().catch(() => undefined);
        handle = null;
      },
    };
  }

  async dispose(): Promise<void> {
    await this.fh?.close().catch(() => undefined);
    this.fh = null;
    await rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
