/**
 * Does the map point at the object? Pointing game (Zhang et al. 2016, "Top-down Neural Attention by
 * Excitation Backprop") and relevance mass (Arras et al. 2022, "CLEVR-XAI"), against a ground-truth
 * mask such as `conceptMask` of a shapes sample. Maps are 2-D (reduce an Attribution first with
 * its display spec; `attributionMap` does that).
 */
import type { Attribution, DisplaySpec } from '../methods/types';
import { reduceChannels } from '../render/heatmap';

/** Zhang et al.'s tolerance: 15 px on 224 px images. */
export const POINTING_TOLERANCE_AT_224 = 15;

/** The 2-D map of an attribution, reduced over channels as its method displays it. */
export function attributionMap(a: Attribution, display: DisplaySpec): Float32Array {
  return reduceChannels(a, display);
}

/**
 * The tolerance radius in pixels for an h×w map: 15 px scaled by the longer side, 15 · max(h, w)/224
 * (not rounded), so a 28 px map gets 1.875 px and a 224 px map Zhang's 15.
 */
export function pointingTolerance(height: number, width: number): number {
  return (POINTING_TOLERANCE_AT_224 * Math.max(height, width)) / 224;
}

function checkSizes(map: ArrayLike<number>, mask: ArrayLike<number>, height: number, width: number, what: string): void {
  const n = height * width;
  if (map.length !== n || mask.length !== n) {
    throw new Error(`${what}: map has ${map.length} and mask ${mask.length} values; ${height}×${width} needs ${n} (resize the mask to the map)`);
  }
}

export interface PointingResult {
  hit: boolean;
  /** Row-major indices of the map's maximum (all of them when tied). */
  maxima: number[];
  tolerance: number;
}

/**
 * Pointing game: a hit if the map's maximum lies within `tolerance` px (Euclidean, pixel centres) of
 * a mask pixel (mask value > 0). Tied maxima must all be hits, so a flat map does not score by
 * luck of which pixel comes first; a map with no finite value is a miss.
 */
export function pointingGame(
  map: ArrayLike<number>,
  mask: ArrayLike<number>,
  height: number,
  width: number,
  tolerance = pointingTolerance(height, width),
): PointingResult {
  checkSizes(map, mask, height, width, 'pointing game');
  let best = -Infinity;
  for (let p = 0; p < map.length; p++) if (map[p] > best) best = map[p];
  const maxima: number[] = [];
  if (Number.isFinite(best)) for (let p = 0; p < map.length; p++) if (map[p] === best) maxima.push(p);
  const r = Math.floor(tolerance);
  const near = (p: number) => {
    const y0 = Math.floor(p / width);
    const x0 = p % width;
    for (let y = Math.max(0, y0 - r); y <= Math.min(height - 1, y0 + r); y++) {
      for (let x = Math.max(0, x0 - r); x <= Math.min(width - 1, x0 + r); x++) {
        if (mask[y * width + x] > 0 && (y - y0) ** 2 + (x - x0) ** 2 <= tolerance * tolerance) return true;
      }
    }
    return false;
  };
  return { hit: maxima.length > 0 && maxima.every(near), maxima, tolerance };
}

/**
 * Relevance mass accuracy: positive attribution inside the mask over all positive attribution
 * (negative values are ignored, as Arras et al. do). 0 when the map has no positive value.
 */
export function relevanceMass(map: ArrayLike<number>, mask: ArrayLike<number>, height: number, width: number): number {
  checkSizes(map, mask, height, width, 'relevance mass');
  let inside = 0;
  let total = 0;
  for (let p = 0; p < map.length; p++) {
    const v = map[p];
    if (!(v > 0)) continue;
    total += v;
    if (mask[p] > 0) inside += v;
  }
  return total > 0 ? inside / total : 0;
}
