/**
 * Multifaceted feature visualization (Nguyen, Yosinski & Clune 2016): a unit often responds to
 * several kinds of input ("facets"). Cluster the unit's top-activating images by their features at
 * a late layer (k-means, seeded k-means++ start), then optimize the unit starting from each
 * cluster's mean image, so each run settles near one facet. The paper clusters fc7 features of the
 * top 2,000 ImageNet images into k = 10 facets and adds a centre-biased regularizer; Glimpse's sample
 * has 120 images, so k defaults to 3 and the centre bias is left out (the Lucid transforms keep the
 * image centred enough at 28-64 px).
 */
import * as tf from '@tensorflow/tfjs-core';
import { mulberry32, type Rng } from '../../methods/random';
import type { Executor } from '../../model/types';
import { toModelInput, type Objective } from '../objectives';
import { optimize, type OptimizeOptions } from '../optimize';

/** k-means on rows of `points` (n x d); returns the cluster of each row. Deterministic for a seed. */
export function kMeans(points: Float32Array[], k: number, rng: Rng, iterations = 25): number[] {
  const n = points.length;
  const kk = Math.min(k, n);
  const dist = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);
  // k-means++: each next centre drawn with probability proportional to its squared distance.
  const centres = [Float32Array.from(points[Math.floor(rng() * n)])];
  while (centres.length < kk) {
    const d = points.map((p) => Math.min(...centres.map((c) => dist(p, c))));
    const total = d.reduce((a, b) => a + b, 0);
    let r = rng() * total;
    let pick = d.findIndex((v) => (r -= v) <= 0);
    if (pick < 0) pick = n - 1;
    centres.push(Float32Array.from(points[pick]));
  }
  let assign = new Array<number>(n).fill(0);
  for (let it = 0; it < iterations; it++) {
    const next = points.map((p) => centres.reduce((best, c, j) => (dist(p, c) < dist(p, centres[best]) ? j : best), 0));
    const same = next.every((a, i) => a === assign[i]);
    assign = next;
    centres.forEach((c, j) => {
      const members = points.filter((_, i) => assign[i] === j);
      if (members.length === 0) return;
      c.fill(0);
      for (const m of members) m.forEach((v, i) => (c[i] += v / members.length));
    });
    if (same && it > 0) break;
  }
  return assign;
}

export interface MultifacetedOptions {
  objective: Objective;
  /** Top-activating images of the unit, [n, h, w, c] pixels in [0, 1] (n x h x w x c values). */
  examples: Float32Array;
  count: number;
  /** Layer whose features are clustered (the paper: fc7; default: the layer before the logits). */
  featureLayer: string;
  facets?: number;
  seed?: number;
  /** The unit optimization (recipe, steps); init and batch are set here. */
  optimize: Omit<OptimizeOptions, 'objective' | 'init' | 'batch'>;
}

export async function multifaceted(model: Executor, options: MultifacetedOptions) {
  const [h, w, c] = model.info.inputShape;
  const size = h * w * c;
  const feats = tf.tidy(() => {
    const x = toModelInput(tf.tensor4d(options.examples, [options.count, h, w, c]), model.info);
    const f = model.forward(x, { taps: [options.featureLayer] }).taps[options.featureLayer];
    return tf.reshape(f, [options.count, -1]).arraySync() as number[][];
  });
  const assign = kMeans(feats.map((r) => Float32Array.from(r)), options.facets ?? 3, mulberry32(options.seed ?? 0));
  const facets = [...new Set(assign)].sort((a, b) => a - b);
  const init = new Float32Array(facets.length * size);
  facets.forEach((f, j) => {
    const members = assign.map((a, i) => (a === f ? i : -1)).filter((i) => i >= 0);
    for (const i of members) for (let p = 0; p < size; p++) init[j * size + p] += options.examples[i * size + p] / members.length;
  });
  const result = await optimize(model, { ...options.optimize, objective: options.objective, init, batch: facets.length });
  return { ...result, assignments: assign, facetSizes: facets.map((f) => assign.filter((a) => a === f).length) };
}
