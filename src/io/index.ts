/** Annotation I/O: RTTM and UEM files (strict parsers, RTTM writer). */
export { parseRttm, readRttm, formatRttm, looksLikeRttm, rttmUriOf, type Rttm, type IgnoredRecord } from './rttm.js';
export { parseUem, readUem, formatUem, type Uem } from './uem.js';
export { readAnnotationText, type Interval } from './text.js';
