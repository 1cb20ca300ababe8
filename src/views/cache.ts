/**
 * The precomputed views cache (docs/views-cache.md): what scripts/precompute-views.ts writes to
 * public/data/views/<model>/ and figures read. Plain JSON, browser-safe, no tfjs.
 *
 *   const top = await (await fetch('/data/views/shapes-cnn/top-examples.json')).json() as TopExamplesFile;
 *   for (const e of channelExamples(top, 'conv3', 12)) ... e.image, e.value, e.box
 *   // pixels of image e.image: pixelReader(top.images, sampleBinIfAny)(e.image)
 */
import type { ImageSetSpec } from './image-set';
import type { TopExamples } from './top-examples';

/** Bump when the files' shape or meaning changes: every model is then recomputed. */
export const VIEWS_CACHE_VERSION = 1;

export interface ViewsManifest {
  version: number;
  model: string;
  /** sha256 over the model files, its sample, the image-set spec and the src/views sources. */
  key: string;
  /** Wall times of the precompute steps, ms, on the machine that wrote the cache. */
  timings: Record<string, number>;
  backend: string;
  files: string[];
}

/** top-examples.json: TopExamples (k per channel of every conv layer) over `images`. */
export interface TopExamplesFile extends TopExamples {
  version: number;
  images: ImageSetSpec;
}

export interface EmbeddingEntry {
  /** Flat [count * 2], rounded to 4 significant digits. */
  coords: number[];
  seed?: number;
  /** PCA: share of variance of the two axes. */
  explained?: number[];
  params?: Record<string, number>;
}

export const NEIGHBOUR_SPACES = ['feature-l2', 'feature-cosine', 'pixel-l2'] as const;
export type NeighbourSpace = (typeof NEIGHBOUR_SPACES)[number];

/** gallery.json: the shipped sample's embeddings and neighbours in feature and pixel space. */
export interface GalleryFile {
  version: number;
  model: string;
  images: ImageSetSpec;
  labels: number[];
  classNames: string[];
  /** The model's predicted class per image. */
  predicted: number[];
  featureLayer: string;
  embeddings: { pca: EmbeddingEntry; tsne: EmbeddingEntry; umap: EmbeddingEntry };
  /** k nearest other images per image, flat [count * k], nearest first. */
  neighbours: { k: number } & Record<NeighbourSpace, number[]>;
}

export interface ChannelExample {
  rank: number;
  image: number;
  value: number;
  y: number;
  x: number;
  /** Patch in input pixels [top, left, bottom, right) (the clipped receptive field). */
  box: [number, number, number, number];
}

/** The ranked examples of one channel of one conv layer, best first (entries with no image left out). */
export function channelExamples(file: TopExamples, layer: string, channel: number): ChannelExample[] {
  const l = file.layers.find((x) => x.layer === layer);
  if (l === undefined) throw new Error(`no top examples for layer '${layer}'; layers: ${file.layers.map((x) => x.layer).join(', ')}`);
  if (!Number.isInteger(channel) || channel < 0 || channel >= l.channels) {
    throw new Error(`layer '${layer}' has channels 0..${l.channels - 1}; got ${channel}`);
  }
  const out: ChannelExample[] = [];
  for (let r = 0; r < file.k; r++) {
    const e = channel * file.k + r;
    if (l.image[e] < 0) continue;
    out.push({ rank: r, image: l.image[e], value: l.value[e], y: l.y[e], x: l.x[e], box: l.box.slice(e * 4, e * 4 + 4) as ChannelExample['box'] });
  }
  return out;
}

/** Site path of a cache file: /data/views/<model>/<file>. */
export function viewsCachePath(model: string, file: string): string {
  return `/data/views/${model}/${file}`;
}

/** 4 significant digits: embeddings need no more, and the JSON halves. */
export function round4(v: number): number {
  return Number(v.toPrecision(4));
}
