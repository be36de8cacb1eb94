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
  /** Threads for ONNX intra-op and feature workers. */
  threads?: number;
  onProgress?: (event: ProgressEvent) => void;
}
