/**
 * Embeddings of penultimate features (the t-SNE figures of Donahue et al. 2014 / Karpathy's CNN
 * codes): PCA (exact), t-SNE or UMAP to 2-D, deterministic for a seed.
 */
import { z } from 'zod';
import { extractFeatures } from './features';
import { pca, project } from './pca';
import { tsne, TSNE_DEFAULTS } from './tsne';
import type { ViewDef } from './types';
import { umap, UMAP_DEFAULTS } from './umap';

export const EMBED_METHODS = ['pca', 'tsne', 'umap'] as const;
export type EmbedMethod = (typeof EMBED_METHODS)[number];

export const embedOptions = z.object({
  method: z.enum(EMBED_METHODS).default('pca'),
  seed: z.number().int().default(0),
  perplexity: z.number().positive().default(TSNE_DEFAULTS.perplexity),
  iterations: z.number().int().min(1).default(TSNE_DEFAULTS.iterations),
  nNeighbors: z.number().int().min(2).default(UMAP_DEFAULTS.nNeighbors),
  minDist: z.number().min(0).default(UMAP_DEFAULTS.minDist),
}).strict();

export type EmbedOptions = z.infer<typeof embedOptions>;

export interface Embedding {
  method: EmbedMethod;
  count: number;
  /** Flat [count * 2]. */
  coords: Float32Array;
  /** PCA only: share of variance on each axis. */
  explained?: number[];
}

/** 2-D embedding of feature rows ([n, dim] row-major). */
export function embed(data: ArrayLike<number>, dim: number, options: Partial<EmbedOptions> = {}): Embedding {
  const o = embedOptions.parse(options);
  const count = Math.floor(data.length / dim);
  if (o.method === 'pca') {
    const p = pca(data, dim, 2);
    return { method: 'pca', count, coords: Float32Array.from(project(p, data)), explained: p.explained };
  }
  const coords = o.method === 'tsne'
    ? tsne(data, dim, { perplexity: o.perplexity, iterations: o.iterations, seed: o.seed })
    : umap(data, dim, { nNeighbors: o.nNeighbors, minDist: o.minDist, seed: o.seed });
  return { method: o.method, count, coords: Float32Array.from(coords) };
}

export const embedView: ViewDef<EmbedOptions, Embedding> = {
  id: 'embed',
  label: 'Feature embedding',
  kind: 'activation',
  needsLayer: false,
  needs: 'images',
  paper: { title: 'Visualizing Data using t-SNE', authors: 'van der Maaten, Hinton', year: 2008, url: 'https://www.jmlr.org/papers/v9/vandermaaten08a.html' },
  options: embedOptions,
  async run(model, input, options) {
    if (input.images === undefined) throw new Error('an embedding needs an image set');
    const f = await extractFeatures(model, input.images);
    return embed(f.values, f.dim, options);
  },
};
