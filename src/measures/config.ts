/**
 * Config of the per-film measures. These are definitions, not fitted thresholds: they say what
 * counts as a reply and as two women talking to each other, and every result reports them.
 */
import { checkNumber, mergeConfig } from '../config/index.js';

export interface MeasuresConfig {
  /** A turn that starts at most this long after another speaker's turn ends (or inside it) replies to it. */
  exchangeGapSec: number;
  /** "At least two women speak": counted women >= this. */
  minWomen: number;
  /** "Women talk to each other": some run of alternating turns between two women has at least this many turns (3 = she speaks, the other replies, she answers). */
  minWomenRunTurns: number;
}

export const DEFAULT_MEASURES_CONFIG: Readonly<MeasuresConfig> = Object.freeze({
  exchangeGapSec: 2,
  minWomen: 2,
  minWomenRunTurns: 3,
});

export function validateMeasuresConfig(partial?: Partial<MeasuresConfig>): MeasuresConfig {
  const c = mergeConfig<MeasuresConfig>('measures', DEFAULT_MEASURES_CONFIG, partial);
  checkNumber('exchangeGapSec', c.exchangeGapSec, { min: 0, max: 60 });
  checkNumber('minWomen', c.minWomen, { min: 1, max: 1000, integer: true });
  checkNumber('minWomenRunTurns', c.minWomenRunTurns, { min: 2, max: 1000, integer: true });
  return c;
}
