/**
 * The live dissection figure's defaults, shared by DissectionFigure.astro (which writes them as
 * attributes), dissection-element.ts (which falls back to them in a script-tag embed) and the
 * build's figure check. `count`: 2,000 probe images, 7-12 s for one layer of shapes-cnn in
 * Chromium on wasm on the 2-core build machine (docs/concepts.md, "Live dissection"; the bench's
 * "Concepts" section times conv2).
 */
export const DISSECTION_FIGURE_DEFAULTS = {
  models: ['shapes-cnn', 'shapes-cnn-biased'],
  layer: 'conv2',
  count: 2000,
  /** Probe sizes the reader can pick. */
  counts: [500, 1000, 2000, 5000, 10000],
  /** Units drawn as cards with their top images (the rest are listed). */
  units: 12,
};

/** Bounds the build's figure check enforces on `count` and `units`. */
export const DISSECTION_FIGURE_LIMITS = { count: [10, 10_000], units: [1, 64] } as const;
