/** Per-film measures' types live with the other domain types. */
export type { MeasuredSpeaker, MeasuredTurn, WomenRun, Exchanges, BechdelVoice, FilmMeasures } from '../types.js';
