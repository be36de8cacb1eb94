/**
 * Domain types shared by every stage and the public API (seconds at public boundaries). A
 * neutral module: it imports nothing, and any stage may import it.
 */
export type Sex = 'M' | 'F';

export interface SpeakerSummary {
  /** Speaker label, equal to the one written in RTTM (e.g. "SPK01"). */
  id: string;
  sex: Sex;
  /** Probability of the chosen sex, 0.5..1. */
  confidence: number;
  speechSec: number;
}

export interface TimeSpan {
  startSec: number;
  endSec: number;
}

/** The frames of a segmentation window's output, as segmentation hands them to reconstruction. */
export interface FrameGeometry {
  /** Samples between consecutive output frames (270 for segmentation-3.0 at 16 kHz). */
  stepSamples: number;
  /** Samples one output frame sees (its receptive field, 991). */
  durationSamples: number;
  frames: number;
  speakers: number;
}

/** A turn of a global speaker by index, before speakers are named (stages use it internally). */
export interface SpeakerTurn extends TimeSpan {
  speaker: number;
}

export interface Turn {
  startSec: number;
  endSec: number;
  speaker: string;
}

export interface Diarization {
  file: string;
  durationSec: number;
  /** Speakers kept (total speech >= minSpeechSec), longest first. */
  speakers: SpeakerSummary[];
  /** Turns of the kept speakers, sorted by start. */
  turns: Turn[];
  speechSecBySex: { M: number; F: number };
  counts: { M: number; F: number };
  /** Women's share of speech time (each speaker's overlapping turns counted once); null without speech. */
  speechShareF: number | null;
  /** Replies (a turn starting within exchangeGapSec after, or during, another speaker's turn) per sex pair, and the longest run between two women. */
  exchanges: Exchanges;
  /** The Bechdel test's questions that audio can answer (not what the women talk about), with the thresholds used. */
  bechdelVoice: BechdelVoice;
  /** What was odd about the input and may have cost speech (a truncated file, samples that are not numbers or far beyond full scale); absent when nothing was. */
  warnings?: string[];
}

export interface Counts {
  M: number;
  F: number;
}

export type ProgressStage = 'decode' | 'segmentation' | 'clustering' | 'done';

export interface ProgressEvent {
  file: string;
  stage: ProgressStage;
  /** 0..1 within the whole file's work. */
  fraction: number;
}

export interface DiarizeOptions {
  numSpeakers?: number;
  minSpeakers?: number;
  maxSpeakers?: number;
  /** A speaker with less total speech is not counted. */
  minSpeechSec?: number;
  /** A turn starting at most this long after another speaker's turn (or inside it) is a reply to it (default 2). */
  exchangeGapSec?: number;
  /** CPU threads the engine uses (default: the number of cores, at most 4): from 2 on, the speaker model runs on one of them beside segmentation and the sex features. */
  threads?: number;
  onProgress?: (event: ProgressEvent) => void;
}

// Per-film measures of who speaks to whom (computed by src/measures from speakers and turns).

/** What the measures need of a speaker and of a turn (a Diarization's speakers and turns fit). */
export interface MeasuredSpeaker {
  id: string;
  sex: Sex;
}

export interface MeasuredTurn {
  startSec: number;
  endSec: number;
  speaker: string;
}

/** The longest stretch where two women answer each other turn after turn. */
export interface WomenRun {
  startSec: number;
  endSec: number;
  /** The two women, in the order they first speak in the run. */
  speakers: [string, string];
  /** Turns of the run counted as changes of speaker + 1 (a speaker's turn split by a short pause counts once). */
  turns: number;
}

/**
 * Replies: a turn of speaker B that starts at most `gapSec` after the end of a turn of another
 * speaker A, or while A is still speaking, counted by the sexes of A then B.
 */
export interface Exchanges {
  gapSec: number;
  FF: number;
  FM: number;
  MF: number;
  MM: number;
  longestWomenRun: WomenRun | null;
}

export interface BechdelVoice {
  /** At least `minWomen` women speak. */
  atLeastTwoWomen: boolean;
  /** Two women answer each other over at least `minWomenRunTurns` turns (Exchanges.longestWomenRun). */
  womenTalkToEachOther: boolean;
  thresholds: { minWomen: number; minWomenRunTurns: number; exchangeGapSec: number };
}

export interface FilmMeasures {
  /** Women's share of speech time, each speaker's overlapping turns counted once; null without speech. */
  speechShareF: number | null;
  exchanges: Exchanges;
  bechdelVoice: BechdelVoice;
}
