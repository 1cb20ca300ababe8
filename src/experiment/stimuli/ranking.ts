/**
 * Natural references and query bases from a unit's activations over the pool, as the authors'
 * notebooks do: images sorted by activation (highest first), the top `binSize * (count + 1)` kept and
 * cut into rank bins of `binSize` (ranks 1-20, 21-40, ..., 181-200 by default). The top bin gives the
 * query bases, the other `count` bins the references; image set b takes the b-th image (in rank
 * order) of every bin. The order in which the reference bins are shown is shuffled once per unit
 * (seeded by the study seed and the unit), the same for every image set, so a reference's place on
 * the screen does not tell its rank. Pure functions, no tfjs.
 */
import { createHash } from 'node:crypto';
import { mulberry32, randInt } from '../../methods/random';

/** Pool indices sorted by activation, highest first; ties keep the lower index first. */
export function rankImages(activations: ArrayLike<number>): number[] {
  return Array.from({ length: activations.length }, (_, i) => i).sort((a, b) => activations[b] - activations[a] || a - b);
}

export interface BinSpec {
  /** Images per rank bin (20). */
  binSize: number;
  /** Reference bins, one reference each (9). */
  count: number;
  imageSets: number;
}

export interface SetSelection {
  /** Pool index of the query base and its 1-based activation rank. */
  base: { index: number; rank: number };
  /** Pool indices of the references in display order, with their ranks. */
  references: Array<{ index: number; rank: number }>;
}

/** A 32-bit seed from the study seed and a unit id, so units get unrelated shuffles. */
export function unitSeed(seed: number, unit: string): number {
  return createHash('sha256').update(`${seed}:${unit}`).digest().readUInt32LE(0);
}

/** Fisher-Yates with a seeded generator. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const rng = mulberry32(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randInt(rng, i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The display order of the reference bins (1..count) for a unit. */
export function binOrder(count: number, seed: number): number[] {
  return shuffled(Array.from({ length: count }, (_, k) => k + 1), seed);
}

/**
 * Base and references of every image set. `ranked` is rankImages' output; throws when the pool is
 * too small (the caller names the study field).
 */
export function selectSets(ranked: number[], spec: BinSpec, seed: number): SetSelection[] {
  const needed = spec.binSize * (spec.count + 1);
  if (ranked.length < needed) throw new Error(`${ranked.length} images, but ${spec.count + 1} bins of ${spec.binSize} need ${needed}`);
  if (spec.imageSets > spec.binSize) throw new Error(`${spec.imageSets} image sets, but a bin holds ${spec.binSize} images`);
  const order = binOrder(spec.count, seed);
  const at = (bin: number, b: number): { index: number; rank: number } => {
    const r = bin * spec.binSize + b;
    return { index: ranked[r], rank: r + 1 };
  };
  return Array.from({ length: spec.imageSets }, (_, b) => ({ base: at(0, b), references: order.map((bin) => at(bin, b)) }));
}
