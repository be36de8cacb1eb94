import { checkNumber, mergeConfig } from '../config/index.js';
import { ConfigError } from '../errors/index.js';

/** Options of the audio stage. */
export interface AudioConfig {
  /** Seconds of native-rate audio read and decoded per step; bounds memory (a few MB at most). */
  blockSec: number;
  /** ffmpeg executable used for containers and codecs we do not decode ourselves (looked up on PATH). */
  ffmpegPath: string;
  /** Stopband attenuation of the resampler's anti-alias filter, dB. */
  resamplerStopbandDb: number;
}

export const DEFAULT_AUDIO_CONFIG: Readonly<AudioConfig> = Object.freeze({
  blockSec: 1,
  ffmpegPath: 'ffmpeg',
  resamplerStopbandDb: 80,
});

/**
 * Sample rates accepted in a WAV header. The resampler works for any rate; outside
 * 1 kHz..768 kHz the header is almost surely corrupt (and < 1 kHz carries no speech).
 */
export const MIN_SAMPLE_RATE_HZ = 1000;
export const MAX_SAMPLE_RATE_HZ = 768000;

export function validateAudioConfig(partial?: unknown): AudioConfig {
  const c = mergeConfig<AudioConfig>('audio', DEFAULT_AUDIO_CONFIG, partial);
  checkNumber('audio.blockSec', c.blockSec, { min: 0.01, max: 60 });
  if (typeof c.ffmpegPath !== 'string' || c.ffmpegPath.length === 0) {
    throw new ConfigError('audio.ffmpegPath', 'a non-empty path or command name', c.ffmpegPath);
  }
  checkNumber('audio.resamplerStopbandDb', c.resamplerStopbandDb, { min: 40, max: 150 });
  return c;
}
