/** Reports for people who measure who speaks in films: one film, and a catalogue of films. */
export { renderFilmReport, mergeIntervals, overlapIntervals, type FilmRecord, type FilmReportOptions } from './film.js';
export {
  bechdelAnswer,
  CATALOGUE_COLUMNS,
  catalogueCsv,
  catalogueRow,
  renderCatalogueReport,
  type CatalogueReportOptions,
  type CatalogueRow,
} from './catalogue.js';
