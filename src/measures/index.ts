/**
 * Per-film measures for representation studies, as pure functions of a diarization's speakers
 * and turns: women's share of speech, replies per sex pair, and the two questions of the
 * Bechdel test that audio can answer (do at least two women speak; do they talk to each other).
 */
import type { Sex } from '../types.js';
import { validateMeasuresConfig, type MeasuresConfig } from './config.js';
import { countExchanges } from './exchanges.js';
import { speechSecBySex, speechShareF } from './speech.js';
import type { FilmMeasures, MeasuredSpeaker, MeasuredTurn } from './types.js';

export { DEFAULT_MEASURES_CONFIG, validateMeasuresConfig, type MeasuresConfig } from './config.js';
export { byStart, countExchanges, previousTurns, replies } from './exchanges.js';
export { speechSecBySex, speechShareF, unionSec } from './speech.js';
export type * from './types.js';

export function measureFilm(
  speakers: readonly MeasuredSpeaker[],
  turns: readonly MeasuredTurn[],
  config: Partial<MeasuresConfig> = {},
): FilmMeasures {
  const cfg = validateMeasuresConfig(config);
  const sexOf = new Map<string, Sex>(speakers.map((s) => [s.id, s.sex]));
  const share = speechShareF(speechSecBySex(turns, sexOf));
  const exchanges = countExchanges(turns, sexOf, cfg.exchangeGapSec);
  const women = speakers.filter((s) => s.sex === 'F').length;
  const run = exchanges.longestWomenRun;
  if (run) {
    run.startSec = round(run.startSec, 3);
    run.endSec = round(run.endSec, 3);
  }
  return {
    speechShareF: share === null ? null : round(share, 4),
    exchanges,
    bechdelVoice: {
      atLeastTwoWomen: women >= cfg.minWomen,
      womenTalkToEachOther: women >= 2 && run !== null && run.turns >= cfg.minWomenRunTurns,
      thresholds: { minWomen: cfg.minWomen, minWomenRunTurns: cfg.minWomenRunTurns, exchangeGapSec: cfg.exchangeGapSec },
    },
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
