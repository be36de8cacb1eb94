/** What the audio stage tells about an input file (public, seconds at boundaries). */
export interface AudioInfo {
  /** Path as given by the caller. */
  file: string;
  /** Container/codec as read, e.g. 'wav/pcm', 'wav/float', 'ffmpeg'. */
  format: string;
  /** Native sample rate of the file. */
  sampleRateHz: number;
  channels: number;
  /** Bits per sample of the stored samples (0 when decoded by ffmpeg and unknown). */
  bitsPerSample: number;
  /** Duration in seconds at the native rate (for a truncated data chunk: what is really there). */
  durationSec: number;
  /** Codec in ffmpeg's naming: 'pcm_s16le', 'pcm_f32le', 'pcm_alaw', 'mp3'... (set by the audio stage). */
  codec?: string;
  /**
   * NaN or infinite samples replaced by 0 (set by the audio stage; while streaming it grows,
   * final once the stream has ended).
   */
  nonFiniteSamples?: number;
  /** Repairs made while reading: data length past the end of the file, partial last frame dropped... */
  warnings?: string[];
}

/** The engine works on 16 kHz mono float32 in [-1, 1]. */
export const ENGINE_SAMPLE_RATE_HZ = 16000;

/** Whole-file audio at 16 kHz mono (short inputs, tests). */
export interface Audio16k {
  info: AudioInfo;
  samples: Float32Array;
  sampleRateHz: typeof ENGINE_SAMPLE_RATE_HZ;
}

/**
 * Streamed audio at 16 kHz mono: blocks arrive in order, each a fresh Float32Array
 * (the consumer may transfer its buffer). Used for long films so memory stays flat.
 */
export interface AudioStream {
  info: AudioInfo;
  blocks(): AsyncIterable<Float32Array>;
  close(): Promise<void>;
}
