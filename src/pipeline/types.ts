/** Public result types of the engine (seconds at public boundaries). */
import type { BechdelVoice, Exchanges } from '../measures/types.js';

export type Sex = 'M' | 'F';

export interface SpeakerSummary {
  /** Speaker label, equal to the one written in RTTM (e.g. "SPK01"). */
  id: string;
  sex: Sex;
  /** Probability of the chosen sex, 0.5..1. */
  confidence: number;
  speechSec: number;
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
}

export interface Counts {
  M: number;
  F: number;
}

export type ProgressStage = 'decode' | 'vad' | 'embedding' | 'clustering' | 'sex' | 'done';

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
  /** Threads for ONNX intra-op and feature workers. */
  threads?: number;
  onProgress?: (event: ProgressEvent) => void;
}
