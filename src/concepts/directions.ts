/**
 * Directions in a layer's activation space and the images that go furthest along them: the CAV,
 * one unit (a channel summed over positions) and a seeded random direction, which Szegedy et al.
 * (2014, "Intriguing properties") found just as interpretable as a unit. Pure arrays, no tfjs.
 */
import { mulberry32, normal } from '../methods/random';
import type { Rows } from './linear-classifier';

/** Projection of every row on a direction of the same length. */
export function project(rows: Rows, direction: ArrayLike<number>): Float64Array {
  if (direction.length !== rows.d) throw new Error(`direction has ${direction.length} values; the activations have ${rows.d}`);
  const out = new Float64Array(rows.n);
  for (let i = 0; i < rows.n; i++) {
    let dot = 0;
    for (let k = 0; k < rows.d; k++) dot += rows.data[i * rows.d + k] * direction[k];
    out[i] = dot;
  }
  return out;
}

/** Indices of the k largest values, largest first (ties: the earlier index). */
export function topIndices(values: ArrayLike<number>, k: number): number[] {
  return Array.from(values, (v, i) => [v, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, k).map(([, i]) => i);
}

/** A unit-length Gaussian direction of d values from a seed. */
export function randomDirection(d: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const v = Float32Array.from({ length: d }, () => normal(rng));
  let sq = 0;
  for (const x of v) sq += x * x;
  const norm = Math.sqrt(sq);
  return v.map((x) => x / norm);
}

/** A flattened [.., channels] direction summed over positions: its weight on each channel. */
export function channelWeights(direction: ArrayLike<number>, channels: number): Float32Array {
  if (direction.length % channels !== 0) throw new Error(`direction of ${direction.length} values is not a multiple of ${channels} channels`);
  const out = new Float32Array(channels);
  for (let i = 0; i < direction.length; i++) out[i % channels] += direction[i];
  return out;
}

/** The one-unit direction over a flattened [positions, channels] space: 1 on every position of the channel. */
export function unitDirection(d: number, channels: number, unit: number): Float32Array {
  const out = new Float32Array(d);
  for (let i = unit; i < d; i += channels) out[i] = 1;
  return out;
}
