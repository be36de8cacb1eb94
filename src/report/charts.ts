/**
 * Charts as inline SVG: Vega-Lite specs compiled by vega-lite and rendered by vega's headless
 * View (no browser, no canvas), so a report is one file that needs no network to be read.
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Colours by sex (a colour-blind-safe pair) and for the other layers. */
export const COLOURS = Object.freeze({ F: '#e66101', M: '#5e3c99', overlap: '#555555', womenTalk: '#fdb863' });

/** Shared look; ARIA labels per mark are off (they doubled the size of a film's timeline). */
const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  aria: false,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'top' },
} as const;

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vl = compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec).spec;
  const view = new View(parse(vl), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Vega-Lite colour scale of the sexes. */
export const SEX_SCALE = { domain: ['F', 'M'], range: [COLOURS.F, COLOURS.M] };
