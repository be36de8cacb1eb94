/**
 * Pipeline configuration: the counting rule, threads, and each stage's own config (each stage
 * validates its part). Defaults are frozen; the calibrated thresholds live in their stages and
 * say which set chose them.
 */
import { availableParallelism } from 'node:os';
import { checkNumber, mergeConfig } from '../config/index.js';
import { ConfigError } from '../errors/index.js';
import { DEFAULT_CLUSTERING_CONFIG, validateClusteringConfig, type ClusteringConfig } from '../clustering/index.js';
import { DEFAULT_MEASURES_CONFIG, validateMeasuresConfig, type MeasuresConfig } from '../measures/index.js';
import { DEFAULT_SPEECH_MUSIC_CONFIG, validateSpeechMusicConfig, type SpeechMusicConfig } from '../music/config.js';
import { DEFAULT_RECONSTRUCTION_CONFIG, validateReconstructionConfig, type ReconstructionConfig } from '../reconstruction/index.js';
import { DEFAULT_SEGMENTATION_CONFIG, validateSegmentationConfig, type SegmentationConfig } from '../segmentation/config.js';
import type { DiarizeOptions } from '../types.js';

export interface PipelineConfig {
  /** A speaker with less total speech is not counted. */
  minSpeechSec: number;
  /**
   * A voice whose speech is this many dB quieter than the loudest speaker's (median chunk level)
   * is in the background (a singer in the score, a radio, a crowd): not counted. 0 = off.
   * Off by default: on the 180 film-style calibration conversations (tools/calibrate.ts), with
   * the not-a-voice rules below doing its work on music, 15 dB gave 93.3 % exact M/F counts
   * against 95.0 % off (20 dB: as off), and on their 30 s excerpts 72.5 % against 75.0 %:
   * it dropped real speakers whose turns were quiet.
   */
  backgroundLevelDb: number;
  /**
   * Not a voice: a cluster at least this many dB quieter than the loudest speaker whose speech
   * lies, for at least isolatedShare of it, farther than isolatedGapSec from every other voice
   * is a sound heard where nobody speaks (music between scenes, a bed after the dialogue ends)
   * and is not counted. 0 = off. Chosen on film-calib only (tools/calibrate.ts): 6 dB, 10 s, 0.6 took the M/F counts exact from 88.3 to 93.3 % and
   * DER from 14.17 to 12.51 % (gone: a song's singer and a trumpet playing on after the
   * dialogue, a 2 s piece of another bed; no real speaker lost). Every point of 10-12 s, shares
   * 0.5-0.7 and 3-9 dB gave the same; most points at 5-8 s lost real speakers (85-91.7 %).
   * Its risk: a speaker heard only in scenes of their own, 6 dB under the loudest voice (one
   * such on film-test, 089). film-test, scored after: 82.0 -> 86.0 % exact, DER 16.69 -> 15.25 %
   * (a second look: a sex-confidence test scored with it the first time was then removed).
   * With the fine-tuned segmentation model it still earns its keep on the 330 calibration files:
   * off, M/F exact 89.1 % and DER 8.96 % against 91.8 % and 7.58 %.
   */
  isolatedLevelDb: number;
  isolatedGapSec: number;
  isolatedShare: number;
  /**
   * Not a voice: a cluster of at least uniformMinChunks chunks whose embeddings, two by two,
   * are this alike on average (cosine) is a sound that does not change as speech does (a
   * sustained instrument), not counted; 0 = off. On film-calib, clusters of real speakers
   * reached at most 0.88 (one-man sessions 0.75, fixtures/example 0.81) and the trumpet's
   * 0.90-0.99 (the one counted as a speaker without it: 0.99): 0.93 lies between. Fewer
   * than 4 chunks are too few to judge (two chunks of one turn can be alike; the trumpet's
   * clusters had 6 or more).
   */
  uniformCosine: number;
  uniformMinChunks: number;
  /**
   * Not a voice: a cluster whose chunks' level moves less than this from one 10 ms frame to the
   * next (median standard deviation, dB; features/level.ts) is a sustained sound, not speech,
   * which rises and falls with every syllable; 0 = off. On film-calib (re-analysed), the
   * clusters of real speakers had medians of 2.3 dB (under a whale-song bed) to 14 dB and a
   * whale-song cluster 0.14 dB; alone, the whale song's pieces give 0.1-0.3 dB. Every value
   * between gives the same calib figures; 1 dB keeps more than twice the margin to the voices.
   */
  steadySpreadDb: number;
  /**
   * Not a voice: a cluster whose chunks inaSpeechSegmenter's speech/music model (music/) hears as
   * speech in less than this share of their 0.68 s patches (mean weighted by seconds; a patch is
   * music from speechMusic.musicProbability on) is music: a singer, an instrument; 0 = off.
   * Chosen by tools/calibrate.ts on the 330 calibration files (film-calib, film-calib2, their 30 s
   * excerpts, film-calib-many): 0.05 at musicProbability 0.995 took M/F exact from 87.3 to 90.6 %
   * and DER from 13.27 to 12.91 %, sex right 97.5 % as off. Every point of 0.02-0.08 at 0.99-0.995
   * gave 90.0-90.6 %; at the model's argmax (0.5) 87.0-88.8 % and sex right down to 95.5 %, as real
   * speakers under loud beds were dropped. With the fine-tuned segmentation model, off: 88.2 % /
   * 7.99 % against 91.8 % / 7.58 %.
   */
  musicSpeechShare: number;
  /** CPU threads of the engine: from 2 on, one runs the speaker model (Engine.create) and the rest segmentation. */
  threads: number;
  segmentation: SegmentationConfig;
  clustering: ClusteringConfig;
  reconstruction: ReconstructionConfig;
  measures: MeasuresConfig;
  speechMusic: SpeechMusicConfig;
}

type Stages = 'segmentation' | 'clustering' | 'reconstruction' | 'measures' | 'speechMusic';

export const DEFAULT_PIPELINE_CONFIG: Readonly<PipelineConfig> = Object.freeze({
  minSpeechSec: 2,
  backgroundLevelDb: 0,
  isolatedLevelDb: 6,
  isolatedGapSec: 10,
  isolatedShare: 0.6,
  uniformCosine: 0.93,
  uniformMinChunks: 4,
  steadySpreadDb: 1,
  musicSpeechShare: 0.05,
  // onnxruntime gains little past 4 intra-op threads on these small models.
  threads: Math.max(1, Math.min(availableParallelism(), 4)),
  segmentation: DEFAULT_SEGMENTATION_CONFIG,
  clustering: DEFAULT_CLUSTERING_CONFIG,
  reconstruction: DEFAULT_RECONSTRUCTION_CONFIG,
  measures: DEFAULT_MEASURES_CONFIG,
  speechMusic: DEFAULT_SPEECH_MUSIC_CONFIG,
});

export type PipelineOverrides = Partial<Omit<PipelineConfig, Stages>> & { [S in Stages]?: Partial<PipelineConfig[S]> };

export function validatePipelineConfig(partial: PipelineOverrides = {}): PipelineConfig {
  const { segmentation, clustering, reconstruction, measures, speechMusic, ...rest } = partial;
  const { segmentation: _s, clustering: _c, reconstruction: _r, measures: _m, speechMusic: _sm, ...defaults } = DEFAULT_PIPELINE_CONFIG;
  const base = mergeConfig<Omit<PipelineConfig, Stages>>('pipeline', defaults, rest);
  checkNumber('minSpeechSec', base.minSpeechSec, { min: 0, max: 3600 });
  checkNumber('backgroundLevelDb', base.backgroundLevelDb, { min: 0, max: 120 });
  checkNumber('isolatedLevelDb', base.isolatedLevelDb, { min: 0, max: 120 });
  checkNumber('isolatedGapSec', base.isolatedGapSec, { min: 0, max: 3600 });
  checkNumber('isolatedShare', base.isolatedShare, { min: 0, max: 1 });
  checkNumber('uniformCosine', base.uniformCosine, { min: 0, max: 1 });
  checkNumber('steadySpreadDb', base.steadySpreadDb, { min: 0, max: 60 });
  checkNumber('musicSpeechShare', base.musicSpeechShare, { min: 0, max: 1 });
  checkNumber('uniformMinChunks', base.uniformMinChunks, { min: 2, max: 10000, integer: true });
  checkNumber('threads', base.threads, { min: 1, max: 256, integer: true });
  return {
    ...base,
    segmentation: validateSegmentationConfig({ ...DEFAULT_SEGMENTATION_CONFIG, ...segmentation }),
    clustering: validateClusteringConfig({ ...DEFAULT_CLUSTERING_CONFIG, ...clustering }),
    reconstruction: validateReconstructionConfig({ ...DEFAULT_RECONSTRUCTION_CONFIG, ...reconstruction }),
    measures: validateMeasuresConfig({ ...DEFAULT_MEASURES_CONFIG, ...measures }),
    speechMusic: validateSpeechMusicConfig({ ...DEFAULT_SPEECH_MUSIC_CONFIG, ...speechMusic }),
  };
}

/** Merge overrides stage by stage (a later partial stage config adds to, not replaces, an earlier one). */
export function mergeOverrides(a: PipelineOverrides, b: PipelineOverrides): PipelineOverrides {
  return {
    ...a,
    ...b,
    segmentation: { ...a.segmentation, ...b.segmentation },
    clustering: { ...a.clustering, ...b.clustering },
    reconstruction: { ...a.reconstruction, ...b.reconstruction },
    measures: { ...a.measures, ...b.measures },
    speechMusic: { ...a.speechMusic, ...b.speechMusic },
  };
}

/**
 * Public options (DiarizeOptions) -> pipeline overrides, validated with the option names users
 * typed. minSpeakers <= maxSpeakers is the clustering config's rule (validateClusteringConfig).
 */
export function overridesFromOptions(options: DiarizeOptions = {}): PipelineOverrides {
  const known = ['numSpeakers', 'minSpeakers', 'maxSpeakers', 'minSpeechSec', 'exchangeGapSec', 'threads', 'onProgress'];
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new ConfigError(k, `one of the options ${known.join(', ')}`, 'an unknown option');
  }
  const clustering: Partial<ClusteringConfig> = {};
  if (options.numSpeakers !== undefined)
    clustering.numSpeakers = checkNumber('numSpeakers', options.numSpeakers, { min: 1, max: 1000, integer: true });
  if (options.minSpeakers !== undefined)
    clustering.minSpeakers = checkNumber('minSpeakers', options.minSpeakers, { min: 1, max: 1000, integer: true });
  if (options.maxSpeakers !== undefined)
    clustering.maxSpeakers = checkNumber('maxSpeakers', options.maxSpeakers, { min: 1, max: 1000, integer: true });
  const out: PipelineOverrides = { clustering };
  if (options.minSpeechSec !== undefined) out.minSpeechSec = checkNumber('minSpeechSec', options.minSpeechSec, { min: 0, max: 3600 });
  if (options.exchangeGapSec !== undefined)
    out.measures = { exchangeGapSec: checkNumber('exchangeGapSec', options.exchangeGapSec, { min: 0, max: 60 }) };
  if (options.threads !== undefined) out.threads = checkNumber('threads', options.threads, { min: 1, max: 256, integer: true });
  return out;
}
