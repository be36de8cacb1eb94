/**
 * Decide how to decode a file from its first bytes (magic numbers), the extension only
 * breaking ties for formats without a reliable magic.
 */
import path from 'node:path';

export type Sniffed =
  | { kind: 'wav' }
  /** RIFF/RF64 prefix but the file is shorter than the 12-byte header. */
  | { kind: 'truncated-riff' }
  /** "RIFF" followed by something that is not "WAVE" (nor a RIFF media form ffmpeg reads). */
  | { kind: 'riff-not-wave'; form: string }
  | { kind: 'media'; what: string }
  | { kind: 'unknown' };

/** Extensions of media files that ffmpeg decodes and that have no magic we check (raw AAC, AMR...). */
const MEDIA_EXTENSIONS = new Set([
  '.mp3',
  '.mp2',
  '.m4a',
  '.m4b',
  '.mp4',
  '.m4v',
  '.mov',
  '.aac',
  '.mkv',
  '.mka',
  '.webm',
  '.flac',
  '.ogg',
  '.oga',
  '.opus',
  '.wma',
  '.wmv',
  '.asf',
  '.avi',
  '.aif',
  '.aiff',
  '.aifc',
  '.caf',
  '.amr',
  '.3gp',
  '.3g2',
  '.ac3',
  '.eac3',
  '.dts',
  '.au',
  '.snd',
  '.wv',
  '.ape',
  '.mpg',
  '.mpeg',
  '.ts',
  '.mts',
  '.m2ts',
  '.vob',
  '.flv',
  '.spx',
  '.gsm',
]);

const ascii = (b: Uint8Array, at: number, s: string): boolean => {
  if (b.length < at + s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
};

export function sniff(head: Uint8Array, file: string): Sniffed {
  const riffLike = ['RIFF', 'RF64', 'BW64'];
  if (head.length > 0 && head.length < 12) {
    for (const magic of riffLike) if (ascii(head, 0, magic.slice(0, Math.min(4, head.length)))) return { kind: 'truncated-riff' };
  }
  for (const magic of riffLike) {
    if (ascii(head, 0, magic)) {
      if (ascii(head, 8, 'WAVE')) return { kind: 'wav' };
      const form = String.fromCharCode(...head.subarray(8, 12));
      if (form === 'AVI ' || form === 'AVIX' || form === 'RMID' || form === 'CDDA') return { kind: 'media', what: `RIFF ${form}` };
      return { kind: 'riff-not-wave', form };
    }
  }
  if (ascii(head, 0, 'RIFX')) return { kind: 'media', what: 'big-endian WAV (RIFX)' };
  if (ascii(head, 0, 'ID3')) return { kind: 'media', what: 'MP3 (ID3 tag)' };
  if (ascii(head, 0, 'fLaC')) return { kind: 'media', what: 'FLAC' };
  if (ascii(head, 0, 'OggS')) return { kind: 'media', what: 'Ogg' };
  if (ascii(head, 4, 'ftyp')) return { kind: 'media', what: 'MP4/MOV' };
  if (ascii(head, 0, 'FORM') && (ascii(head, 8, 'AIFF') || ascii(head, 8, 'AIFC'))) return { kind: 'media', what: 'AIFF' };
  if (ascii(head, 0, 'caff')) return { kind: 'media', what: 'CAF' };
  if (ascii(head, 0, '.snd')) return { kind: 'media', what: 'Sun AU' };
  if (ascii(head, 0, '#!AMR')) return { kind: 'media', what: 'AMR' };
  if (ascii(head, 0, 'wvpk')) return { kind: 'media', what: 'WavPack' };
  if (ascii(head, 0, 'MAC ')) return { kind: 'media', what: "Monkey's Audio" };
  if (ascii(head, 0, 'FLV')) return { kind: 'media', what: 'FLV' };
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    return { kind: 'media', what: 'Matroska/WebM' };
  }
  if (head.length >= 4 && head[0] === 0x30 && head[1] === 0x26 && head[2] === 0xb2 && head[3] === 0x75) {
    return { kind: 'media', what: 'ASF/WMA' };
  }
  if (head.length >= 4 && head[0] === 0x00 && head[1] === 0x00 && head[2] === 0x01 && (head[3] === 0xba || head[3] === 0xb3)) {
    return { kind: 'media', what: 'MPEG program stream' };
  }
  // MPEG audio / ADTS frame sync (11 set bits), only trusted with a media extension or no text look.
  const ext = path.extname(file).toLowerCase();
  if (head.length >= 2 && head[0] === 0xff && (head[1] & 0xe0) === 0xe0 && ext !== '.wav' && ext !== '.wave') {
    return { kind: 'media', what: 'MPEG audio / AAC' };
  }
  if (head.length >= 1 && head[0] === 0x47 && MEDIA_EXTENSIONS.has(ext)) return { kind: 'media', what: 'MPEG transport stream' };
  if (MEDIA_EXTENSIONS.has(ext)) return { kind: 'media', what: `${ext.slice(1)} (by extension)` };
  return { kind: 'unknown' };
}
