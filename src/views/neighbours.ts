/**
 * Nearest neighbours by exhaustive search (the sets are a few thousand points): L2 or cosine
 * distance, in feature space or in pixel space. Ties go to the lower index, so results are stable.
 */
import { z } from 'zod';
import type { ViewDef } from './types';
import { extractFeatures } from './features';

export const METRICS = ['l2', 'cosine'] as const;
export type Metric = (typeof METRICS)[number];

export interface Neighbours {
  index: number[];
  distance: number[];
}

function distance(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number, dim: number, metric: Metric): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let d = 0; d < dim; d++) {
    const x = a[ai + d];
    const y = b[bi + d];
    if (metric === 'l2') {
      dot += (x - y) * (x - y);
    } else {
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
  }
  if (metric === 'l2') return Math.sqrt(dot);
  const norm = Math.sqrt(na * nb);
  return norm === 0 ? 1 : 1 - dot / norm;
}

/** The k rows of `data` ([n, dim]) nearest to `query` ([dim]), nearest first; `exclude` skips one row. */
export function nearest(data: ArrayLike<number>, dim: number, query: ArrayLike<number>, k: number, metric: Metric, exclude = -1): Neighbours {
  if (!METRICS.includes(metric)) throw new Error(`unknown metric '${metric}'; known: ${METRICS.join(', ')}`);
  if (query.length !== dim) throw new Error(`query has ${query.length} values; the data has ${dim} per row`);
  const n = Math.floor(data.length / dim);
  const best: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    if (i === exclude) continue;
    const d = distance(data, i * dim, query, 0, dim, metric);
    if (best.length === k && d >= best[k - 1][0]) continue;
    let r = best.length < k ? best.length : k - 1;
    if (best.length < k) best.push([d, i]);
    while (r > 0 && best[r - 1][0] > d) {
      best[r] = best[r - 1];
      r--;
    }
    best[r] = [d, i];
  }
  return { index: best.map((b) => b[1]), distance: best.map((b) => b[0]) };
}

/** Every row's k nearest other rows: flat [n * k] indices and distances. */
export function allNearest(data: ArrayLike<number>, dim: number, k: number, metric: Metric): { index: number[]; distance: number[] } {
  const n = Math.floor(data.length / dim);
  const index: number[] = [];
  const dist: number[] = [];
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) row[d] = data[i * dim + d];
    const r = nearest(data, dim, row, k, metric, i);
    index.push(...r.index);
    dist.push(...r.distance);
  }
  return { index, distance: dist };
}

export const neighboursOptions = z.object({
  k: z.number().int().min(1).max(100).default(8),
  metric: z.enum(METRICS).default('l2'),
}).strict();

export type NeighboursOptions = z.infer<typeof neighboursOptions>;

export const neighboursView: ViewDef<NeighboursOptions, Neighbours> = {
  id: 'neighbours',
  label: 'Nearest neighbours',
  kind: 'activation',
  needsLayer: false,
  needs: 'images',
  paper: { title: 'ImageNet Classification with Deep Convolutional Neural Networks', authors: 'Krizhevsky, Sutskever, Hinton', year: 2012, url: 'https://papers.nips.cc/paper/2012/hash/c399862d3b9d6b76c8436e924a68c45b-Abstract.html' },
  options: neighboursOptions,
  async run(model, input, options) {
    if (input.images === undefined || input.image === undefined) throw new Error('neighbours need a query image and an image set');
    const set = await extractFeatures(model, input.images);
    const image = input.image;
    const query = await extractFeatures(model, { count: 1, batch: () => image.clone() });
    return nearest(set.values, set.dim, query.values, options.k, options.metric);
  },
};
