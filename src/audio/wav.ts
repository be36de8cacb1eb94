/**
 * RIFF/WAVE (and RF64/BW64) header walker working on an open file handle.
 *
 * Why our own and not `wavefile` (which the tests use to write and cross-check files):
 * wavefile parses a whole in-memory buffer, so a 1.4 GB film would be read at once, and it
 * throws generic `Error`s ("No 'data' chunk") that cannot tell a user which file was bad and
 * what to do. This walker reads only the chunk headers through a small window, never
 * allocates from a declared size, and maps every defect to an AudioInputError code.
 */
import type { FileHandle } from 'node:fs/promises';
import { AudioInputError, errnoText } from '../errors/index.js';
import { MAX_SAMPLE_RATE_HZ, MIN_SAMPLE_RATE_HZ } from './config.js';

export type WavCodec = 'pcm' | 'float' | 'alaw' | 'mulaw';

export interface WavLayout {
  container: 'RIFF' | 'RF64' | 'BW64';
  codec: WavCodec;
  /** Format tag after resolving WAVE_FORMAT_EXTENSIBLE to its subformat. */
  formatTag: number;
  extensible: boolean;
  channels: number;
  sampleRateHz: number;
  /** Bits per sample declared (valid bits for extensible). */
  bitsPerSample: number;
  /** Bytes each sample occupies in a frame (container size). */
  sampleBytes: number;
  frameBytes: number;
  /** Byte offset of the first sample. */
  dataOffset: number;
  /** Declared data length; null when it means "to end of file" (0xFFFFFFFF, RF64 without ds64). */
  declaredDataBytes: number | null;
  /** Whole frames really in the file. */
  frames: number;
  /** Bytes of a partial last frame that are dropped. */
  droppedBytes: number;
  warnings: string[];
}

/** A WAV whose codec we do not decode (ADPCM, MP3-in-WAV...): ffmpeg may. */
export interface WavForeignCodec {
  kind: 'foreign-codec';
  formatTag: number;
  name: string;
}

const FORMAT_NAMES: Record<number, string> = {
  0x0001: 'PCM',
  0x0002: 'Microsoft ADPCM',
  0x0003: 'IEEE float',
  0x0006: 'A-law',
  0x0007: 'mu-law',
  0x0011: 'IMA ADPCM',
  0x0022: 'TrueSpeech',
  0x0031: 'GSM 6.10',
  0x0040: 'G.721 ADPCM',
  0x0050: 'MPEG',
  0x0055: 'MP3',
  0x0160: 'WMA v1',
  0x0161: 'WMA v2',
  0x00ff: 'AAC',
  0x1610: 'AAC (ADTS)',
  0xf1ac: 'FLAC',
  0xfffe: 'WAVE_FORMAT_EXTENSIBLE',
};

export function formatName(tag: number): string {
  return FORMAT_NAMES[tag] ?? `format tag 0x${tag.toString(16).padStart(4, '0')}`;
}

/** The 14 bytes that follow the format tag in every KSDATAFORMAT_SUBTYPE_* GUID of a WAV codec. */
const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
/** Bound on chunks walked, so a file made of millions of empty chunks cannot stall us. */
const MAX_CHUNKS = 100_000;
const WINDOW_BYTES = 64 * 1024;
const UNKNOWN_SIZE = 0xffffffff;

/** Reads small ranges of a file through one reusable window (header walking only). */
export class ByteWindow {
  private readonly buf = new Uint8Array(WINDOW_BYTES);
  private start = 0;
  private len = 0;
  constructor(
    private readonly fh: FileHandle,
    readonly fileBytes: number,
    private readonly file: string,
  ) {}

  /** Up to `length` (<= 64 KiB) bytes at `offset`; shorter at end of file. */
  async bytes(offset: number, length: number): Promise<Uint8Array> {
    if (offset >= this.fileBytes || length <= 0) return new Uint8Array(0);
    const want = Math.min(length, this.fileBytes - offset);
    if (offset < this.start || offset + want > this.start + this.len) {
      this.start = offset;
      this.len = 0;
      const toRead = Math.min(WINDOW_BYTES, this.fileBytes - offset);
      try {
        while (this.len < toRead) {
          const { bytesRead } = await this.fh.read(this.buf, this.len, toRead - this.len, offset + this.len);
          if (bytesRead === 0) break;
          this.len += bytesRead;
        }
      } catch (e) {
        throw readError(this.file, e);
      }
    }
    const at = offset - this.start;
    return this.buf.subarray(at, at + Math.min(want, this.len - at));
  }
}

export function readError(file: string, cause: unknown): AudioInputError {
  return new AudioInputError(
    'FILE_UNREADABLE',
    file,
    `reading failed (${errnoText(cause)}).`,
    'Check that the file is readable and the disk healthy, then retry.',
    cause,
  );
}

const u16 = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
const u64 = (b: Uint8Array, o: number): number => u32(b, o) + u32(b, o + 4) * 0x100000000;
/** Chunk ids are four printable ASCII characters. */
const plausibleId = (b: Uint8Array, o: number): boolean => {
  for (let i = o; i < o + 4; i++) if (b[i] < 0x20 || b[i] > 0x7e) return false;
  return true;
};
export const fourcc = (b: Uint8Array, o: number): string => String.fromCharCode(b[o], b[o + 1], b[o + 2], b[o + 3]);

interface Fmt {
  formatTag: number;
  extensible: boolean;
  channels: number;
  sampleRateHz: number;
  blockAlign: number;
  bitsPerSample: number;
  validBits: number;
}

/**
 * Walk the chunks of a RIFF/RF64 WAVE file whose first 12 bytes were checked by the sniffer.
 * Returns the layout, or `foreign-codec` for a well-formed WAV holding a codec we don't decode.
 */
export async function parseWav(win: ByteWindow, file: string): Promise<WavLayout | WavForeignCodec> {
  const size = win.fileBytes;
  const head = await win.bytes(0, 12);
  if (head.length < 12) {
    throw new AudioInputError(
      'TRUNCATED_HEADER',
      file,
      `the WAV header is cut short (expected at least 12 bytes of RIFF header, received ${size}).`,
      'The file was not written completely; re-export or re-copy it.',
    );
  }
  const container = fourcc(head, 0) as WavLayout['container'];
  const warnings: string[] = [];
  let fmt: Fmt | null = null;
  let ds64DataBytes: number | null = null;
  let data: { offset: number; declared: number | null } | null = null;

  let pos = 12;
  for (let chunks = 0; ; chunks++) {
    if (chunks > MAX_CHUNKS) {
      throw new AudioInputError(
        'NOT_A_WAV',
        file,
        `has more than ${MAX_CHUNKS} chunks before its audio (expected a few), so it is corrupt or not a WAV.`,
        'Re-export the file as a standard WAV.',
      );
    }
    if (pos >= size) break;
    const h = await win.bytes(pos, 8);
    if (h.length < 8) {
      if (data !== null) break; // trailing junk after the audio: harmless
      throw new AudioInputError(
        'TRUNCATED_HEADER',
        file,
        `ends inside a chunk header at byte ${pos} (expected 8 bytes, received ${h.length}) before any 'data' chunk.`,
        'The file was not written completely; re-export or re-copy it.',
      );
    }
    const id = fourcc(h, 0);
    const declared = u32(h, 4);
    const bodyAt = pos + 8;
    const available = size - bodyAt;

    if (id === 'data') {
      let declaredBytes: number | null = declared;
      if (declared === UNKNOWN_SIZE) declaredBytes = container !== 'RIFF' && ds64DataBytes !== null ? ds64DataBytes : null;
      else if (declared === 0 && available > 0 && fmt !== null) {
        // Streaming writers (pipes) leave 0 when they cannot seek back: the audio runs to the end.
        declaredBytes = null;
        warnings.push('data chunk declares 0 bytes but audio follows; read to the end of the file');
      }
      data = { offset: bodyAt, declared: declaredBytes };
      if (fmt !== null) break;
      // 'data' before 'fmt ' (legal, rare): keep walking only if the data chunk really fits.
      if (declaredBytes === null || declaredBytes > available) break;
      pos = bodyAt + declaredBytes + (declaredBytes & 1);
      continue;
    }

    if (id === 'fmt ') {
      if (declared < 16) {
        throw new AudioInputError(
          'TRUNCATED_HEADER',
          file,
          `has a 'fmt ' chunk of ${declared} bytes (expected at least 16).`,
          'The header is corrupt; re-export the file as WAV.',
        );
      }
      const body = await win.bytes(bodyAt, Math.min(declared, 40));
      if (body.length < Math.min(declared, 40)) {
        throw new AudioInputError(
          'TRUNCATED_HEADER',
          file,
          `ends inside its 'fmt ' chunk (expected ${Math.min(declared, 40)} bytes, received ${body.length}).`,
          'The file was not written completely; re-export or re-copy it.',
        );
      }
      fmt = readFmt(body, declared, file);
    } else if (id === 'ds64' && declared >= 16) {
      const body = await win.bytes(bodyAt, 16);
      if (body.length === 16) ds64DataBytes = u64(body, 8);
    }

    if (data !== null && fmt !== null) break;
    // Skip the chunk (odd sizes carry one pad byte). A size past the end just ends the walk.
    pos = bodyAt + declared;
    if ((declared & 1) === 1) {
      // Some writers omit the pad byte: keep the unpadded position when only it starts a chunk id.
      const probe = await win.bytes(pos, 5);
      if (probe.length < 5 || !(plausibleId(probe, 0) && !plausibleId(probe, 1))) pos += 1;
    }
  }

  if (fmt === null) {
    throw new AudioInputError(
      'NOT_A_WAV',
      file,
      `has no 'fmt ' chunk (expected one describing the samples${data === null ? ', and a data chunk' : ''}).`,
      'The header is corrupt; re-export the file as WAV.',
    );
  }
  if (data === null) {
    throw new AudioInputError(
      'MISSING_DATA_CHUNK',
      file,
      `has no 'data' chunk (expected the samples after the 'fmt ' chunk; the file is ${size} bytes).`,
      'The file holds no audio or was cut before it; re-export or re-copy it.',
    );
  }
  return layoutFrom(fmt, data, container, size, warnings, file);
}

function readFmt(body: Uint8Array, declared: number, file: string): Fmt {
  let formatTag = u16(body, 0);
  const channels = u16(body, 2);
  const sampleRateHz = u32(body, 4);
  const blockAlign = u16(body, 12);
  const bitsPerSample = u16(body, 14);
  let validBits = bitsPerSample;
  const extensible = formatTag === 0xfffe;
  if (extensible) {
    if (declared < 40 || body.length < 40) {
      throw new AudioInputError(
        'TRUNCATED_HEADER',
        file,
        `has a WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk of ${declared} bytes (expected 40).`,
        'The header is corrupt; re-export the file as WAV.',
      );
    }
    const vb = u16(body, 18);
    if (vb !== 0) validBits = vb;
    formatTag = u16(body, 24);
    for (let i = 0; i < GUID_TAIL.length; i++) {
      if (body[26 + i] !== GUID_TAIL[i]) {
        formatTag = -1; // a vendor GUID: not a codec we know
        break;
      }
    }
  }
  return { formatTag, extensible, channels, sampleRateHz, blockAlign, bitsPerSample, validBits };
}

function layoutFrom(
  fmt: Fmt,
  data: { offset: number; declared: number | null },
  container: WavLayout['container'],
  fileBytes: number,
  warnings: string[],
  file: string,
): WavLayout | WavForeignCodec {
  const codec: WavCodec | null =
    fmt.formatTag === 1 ? 'pcm' : fmt.formatTag === 3 ? 'float' : fmt.formatTag === 6 ? 'alaw' : fmt.formatTag === 7 ? 'mulaw' : null;
  if (codec === null) {
    const name = fmt.formatTag === -1 ? 'an unknown WAVE_FORMAT_EXTENSIBLE subformat' : formatName(fmt.formatTag);
    return { kind: 'foreign-codec', formatTag: fmt.formatTag, name };
  }
  if (fmt.channels === 0) {
    throw new AudioInputError(
      'BAD_CHANNEL_COUNT',
      file,
      'declares 0 channels (expected 1 or more).',
      'The header is corrupt; re-export the file as WAV.',
    );
  }
  if (fmt.sampleRateHz < MIN_SAMPLE_RATE_HZ || fmt.sampleRateHz > MAX_SAMPLE_RATE_HZ) {
    throw new AudioInputError(
      'BAD_SAMPLE_RATE',
      file,
      `declares a sample rate of ${fmt.sampleRateHz} Hz (expected ${MIN_SAMPLE_RATE_HZ}..${MAX_SAMPLE_RATE_HZ} Hz).`,
      'The header is corrupt or the rate is unusable; re-export the file at 16-48 kHz.',
    );
  }
  const bits = fmt.bitsPerSample;
  const needBytes = Math.ceil(bits / 8);
  let ok: boolean;
  let sampleBytes = needBytes;
  if (codec === 'pcm') {
    ok = bits >= 8 && bits <= 32;
    // Samples may sit left-justified in a wider container (e.g. 24 valid bits in 4 bytes): the
    // block alignment tells. A bogus block alignment is ignored rather than trusted.
    const perChannel = fmt.blockAlign / fmt.channels;
    if (ok && Number.isInteger(perChannel) && perChannel > needBytes && perChannel <= 4) sampleBytes = perChannel;
  } else if (codec === 'float') {
    ok = bits === 32 || bits === 64;
  } else {
    ok = bits === 8;
  }
  if (!ok) {
    const expected = codec === 'pcm' ? '8, 16, 24 or 32' : codec === 'float' ? '32 or 64' : '8';
    throw new AudioInputError(
      'UNSUPPORTED_BIT_DEPTH',
      file,
      `stores ${codec === 'float' ? 'float' : codec === 'pcm' ? 'integer PCM' : codec} samples of ${bits} bits (expected ${expected}).`,
      'Convert it, e.g. `ffmpeg -i in.wav -c:a pcm_s16le out.wav`.',
    );
  }
  const frameBytes = sampleBytes * fmt.channels;
  const available = Math.max(0, fileBytes - data.offset);
  let usable = available;
  if (data.declared === null) {
    warnings.push('data length unknown (0xFFFFFFFF or RF64 without ds64); read to the end of the file');
  } else if (data.declared > available) {
    warnings.push(`data chunk declares ${data.declared} bytes but only ${available} are in the file; read to the end`);
  } else {
    usable = data.declared;
  }
  const frames = Math.floor(usable / frameBytes);
  const droppedBytes = usable - frames * frameBytes;
  if (droppedBytes > 0) warnings.push(`dropped a partial last frame of ${droppedBytes} bytes`);
  return {
    container,
    codec,
    formatTag: fmt.formatTag,
    extensible: fmt.extensible,
    channels: fmt.channels,
    sampleRateHz: fmt.sampleRateHz,
    bitsPerSample: codec === 'pcm' && fmt.validBits > 0 && fmt.validBits <= bits ? fmt.validBits : bits,
    sampleBytes,
    frameBytes,
    dataOffset: data.offset,
    declaredDataBytes: data.declared,
    frames,
    droppedBytes,
    warnings,
  };
}
