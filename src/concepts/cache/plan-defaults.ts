/**
 * The settings of the site's dissection cache, browser-safe (plan.ts, which hashes them into cache
 * keys, needs node:crypto): the worker's 'dissection' operation compares a fetched index with them.
 */
import type { ShapesOptions } from '../../data/shapes';
import type { UpsampleMode } from '../upsample';

/** Settings of a cached dissection. */
export interface DissectionConfig {
  /** The shapes generator the probe draws from, and its range. */
  generator: ShapesOptions;
  start: number;
  count: number;
  quantile: number;
  iouThreshold: number;
  upsample: UpsampleMode;
  topK: number;
}

/** The site's probe: the biased test split (seed 1, a mark of a random class on every image, as in
 *  the shipped sample), the same for the clean and the biased model, so their mark IoUs compare. */
export const DISSECTION_DEFAULTS: DissectionConfig = {
  generator: { seed: 1, split: 'test', bias: { cue: 'corner-mark', strength: 0.95 } },
  start: 0,
  count: 10_000,
  quantile: 0.005,
  iouThreshold: 0.04,
  upsample: 'bilinear',
  topK: 4,
};
