/**
 * Seeded randomness for the shapes data set. Every image draws from its own stream, derived by
 * hashing (seed, split, index, purpose), so image 7 is the same whether it is rendered alone, in a
 * batch, in another order or in another worker. mulberry32 is small, fast and good enough for
 * picking shapes and colours; it is not meant for statistics beyond that.
 */

import { mulberry32, type Rng } from '../../methods/random';

export { mulberry32, type Rng };

/** Finalizer of MurmurHash3: spreads every input bit over the 32-bit output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes a list of 32-bit integers into one 32-bit integer (order matters). */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) h = fmix32((h ^ fmix32(v >>> 0)) + 0x7f4a7c15);
  return h >>> 0;
}

/** hashInts for exactly three values, without the rest-array allocation (noise lattices call it a lot). */
export function hash3(a: number, b: number, c: number): number {
  let h = fmix32((0x9e3779b9 ^ fmix32(a >>> 0)) + 0x7f4a7c15);
  h = fmix32((h ^ fmix32(b >>> 0)) + 0x7f4a7c15);
  return fmix32((h ^ fmix32(c >>> 0)) + 0x7f4a7c15);
}

/** Independent sub-streams of one image: geometry and the spurious cue must not share draws. */
export const STREAM = { scene: 1, cue: 2 } as const;

/** The stream for one purpose of one image. */
export function streamFor(seed: number, splitId: number, index: number, purpose: number): Rng {
  return mulberry32(hashInts(seed, splitId, index, purpose));
}

export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** An integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[randInt(rng, items.length)];
}
