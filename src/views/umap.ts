/**
 * UMAP (McInnes-Healy-Melville 2018) through umap-js, the PAIR port, with its random source drawn
 * from the seed so that the same seed gives the same layout. Defaults are umap-learn's.
 */
import { UMAP } from 'umap-js';
import { mulberry32 } from '../methods/random';

export interface UmapOptions {
  nNeighbors: number;
  minDist: number;
  seed: number;
}

export const UMAP_DEFAULTS: UmapOptions = { nNeighbors: 15, minDist: 0.1, seed: 0 };

/** 2-D embedding of `data` ([n, dim] row-major): flat [n * 2]. */
export function umap(data: ArrayLike<number>, dim: number, options: Partial<UmapOptions> = {}): Float64Array {
  const o = { ...UMAP_DEFAULTS, ...options };
  const n = Math.floor(data.length / dim);
  const rows = Array.from({ length: n }, (_, i) => Array.from({ length: dim }, (_, d) => data[i * dim + d]));
  const model = new UMAP({ nComponents: 2, nNeighbors: Math.min(o.nNeighbors, n - 1), minDist: o.minDist, random: mulberry32(o.seed) });
  const coords = model.fit(rows);
  return Float64Array.from(coords.flat());
}
