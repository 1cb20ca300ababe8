/**
 * The query images: a square occluder of `fraction` of the image side, filled with the per-channel
 * mean colour of the patch it covers, at every position of a `stride` grid that lies inside the
 * image (x, y = 0, stride, 2 stride, ... <= side - occluder). The search evaluates every position in
 * batches and returns the activation of each; the correct query is the arg-max, the wrong one the
 * arg-min, over the occluded images only (the authors' code also put the unoccluded image in the
 * min/max array, and its "last element" trick dropped a real position when no padding was needed).
 * Images are bytes, so what is measured is exactly what the PNG shows.
 */
import type { ImageBatch } from './activation';

export interface Position {
  /** Top-left corner of the occluder, model-input pixels. */
  x: number;
  y: number;
}

export interface Geometry {
  height: number;
  width: number;
  channels: number;
}

/** Occluder side in pixels: round(fraction * shorter side), at least 1. */
export function occluderSide(g: Geometry, fraction: number): number {
  return Math.max(1, Math.round(fraction * Math.min(g.height, g.width)));
}

/** Step of the blur condition's sharp-patch search: explicit, else max(occluder stride, side / 4). */
export function blurStride(occluderStride: number, side: number, explicit?: number): number {
  return explicit ?? Math.max(occluderStride, Math.round(side / 4));
}

/** Every grid position with the square inside the image, row by row (y outer, x inner). */
export function gridPositions(g: Geometry, side: number, stride: number): Position[] {
  if (side > g.height || side > g.width) throw new Error(`occluder of ${side} px does not fit a ${g.width}x${g.height} image`);
  const out: Position[] = [];
  for (let y = 0; y + side <= g.height; y += stride) for (let x = 0; x + side <= g.width; x += stride) out.push({ x, y });
  return out;
}

/** A copy of `image` with the square at `p` filled with its own per-channel mean (rounded to a byte). */
export function occlude(image: Uint8Array, g: Geometry, p: Position, side: number): Uint8Array {
  const { width: w, channels: c } = g;
  const out = Uint8Array.from(image);
  for (let k = 0; k < c; k++) {
    let sum = 0;
    for (let y = p.y; y < p.y + side; y++) for (let x = p.x; x < p.x + side; x++) sum += image[(y * w + x) * c + k];
    const mean = Math.round(sum / (side * side));
    for (let y = p.y; y < p.y + side; y++) for (let x = p.x; x < p.x + side; x++) out[(y * w + x) * c + k] = mean;
  }
  return out;
}

/** `background` with the square at `p` copied from `sharp` (the blur condition's one sharp patch). */
export function pastePatch(background: Uint8Array, sharp: Uint8Array, g: Geometry, p: Position, side: number): Uint8Array {
  const { width: w, channels: c } = g;
  const out = Uint8Array.from(background);
  for (let y = p.y; y < p.y + side; y++) {
    const row = (y * w + p.x) * c;
    out.set(sharp.subarray(row, row + side * c), row);
  }
  return out;
}

/** Index of the largest and of the smallest value; ties go to the first position. */
export function argMaxMin(values: ArrayLike<number>): { max: number; min: number } {
  let max = 0;
  let min = 0;
  for (let i = 1; i < values.length; i++) {
    if (values[i] > values[max]) max = i;
    if (values[i] < values[min]) min = i;
  }
  return { max, min };
}

export interface SearchResult {
  /** Activation at every position, in `positions` order. */
  values: Float32Array;
  max: number;
  min: number;
}

/**
 * Evaluates `make(p)` at every position, `batch` images per call of `activation`, and finds the
 * positions of the highest and the lowest activation.
 */
export async function searchPositions(
  activation: (images: ImageBatch) => Promise<Float32Array>,
  make: (p: Position) => Uint8Array,
  positions: Position[],
  size: number,
  batch = 64,
): Promise<SearchResult> {
  if (positions.length === 0) throw new Error('searchPositions: no positions');
  const values = new Float32Array(positions.length);
  for (let start = 0; start < positions.length; start += batch) {
    const n = Math.min(batch, positions.length - start);
    const data = new Uint8Array(n * size);
    for (let i = 0; i < n; i++) data.set(make(positions[start + i]), i * size);
    values.set(await activation({ data, count: n }), start);
  }
  return { values, ...argMaxMin(values) };
}
