/**
 * Speech/music stage config: how a chunk of speech is cut into the model's 0.68 s patches and
 * when the model's answer for a patch is "music".
 */
import { validateNumbers } from '../config/index.js';

export interface SpeechMusicConfig {
  /**
   * Frames (10 ms) between patch starts. Half a patch: a 3 s chunk gives 7 patches, so the
   * model's work stays small beside CAM++'s (0.9 ms a patch on one thread).
   */
  patchStepFrames: number;
  /**
   * A patch is music when the model is at least this sure. Not its argmax (0.5): under a film's
   * music bed the model gives speech 0.5-0.99 of music, while a song or an instrument alone
   * mostly gets more. On the 330 calibration files' clusters, of 1,127 real speakers and 12 music
   * clusters counted as speakers, 14 real speakers had no speech patch at all at 0.5, as many as
   * the music clusters; at 0.99 the music clusters kept at most 3.3 % speech patches and one real
   * speaker under 4.8 %. Chosen with the counting rule's musicSpeechShare by tools/calibrate.ts
   * on those 330 files (0.5 / 0.9 / 0.98 / 0.99 / 0.995; see PipelineConfig.musicSpeechShare).
   */
  musicProbability: number;
  /**
   * A chunk with fewer patches than this is not judged: one 0.68 s patch (a chunk under about
   * 1 s) is too little to tell. The 330 calibration files give the same figures at 1 and 2 (3:
   * 90.0 %, 4: 89.1 %); 2 was taken after seeing that the song alone kept a singer counted
   * through one such chunk (its only patch at 0.35 of music), so the song is no independent
   * check of this choice.
   */
  minPatches: number;
}

export const DEFAULT_SPEECH_MUSIC_CONFIG: Readonly<SpeechMusicConfig> = Object.freeze({
  patchStepFrames: 34,
  musicProbability: 0.995,
  minPatches: 2,
});

export function validateSpeechMusicConfig(partial?: Partial<SpeechMusicConfig>): SpeechMusicConfig {
  return validateNumbers('speechMusic', DEFAULT_SPEECH_MUSIC_CONFIG, partial, {
    patchStepFrames: { min: 1, max: 1000, integer: true },
    musicProbability: { min: 0, max: 1 },
    minPatches: { min: 1, max: 1000, integer: true },
  });
}

/** Share of a chunk's patches that are speech (music probability under `musicProbability`); NaN when it has fewer than `minPatches`. */
export function speechShare(musicProbs: ArrayLike<number>, config: Pick<SpeechMusicConfig, 'musicProbability' | 'minPatches'>): number {
  if (musicProbs.length === 0 || musicProbs.length < config.minPatches) return Number.NaN;
  let speech = 0;
  for (let i = 0; i < musicProbs.length; i++) if (musicProbs[i] < config.musicProbability) speech++;
  return speech / musicProbs.length;
}
