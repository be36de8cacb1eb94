/** Per-film measures of who speaks to whom, computed from the speakers and turns of a diarization. */
import type { Sex } from '../pipeline/types.js';

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
