/**
 * Testing with Concept Activation Vectors (Kim et al., ICML 2018). For each (concept, layer):
 * `runs` CAVs against different random sets (cav.ts); TCAV score = fraction of the class's images
 * whose directional derivative of the class logit along the CAV is positive (the paper's
 * definition; tensorflow/tcav counts a negative derivative of the class's cross-entropy loss, i.e.
 * a positive one of log softmax: `sensitivity: 'loss'`). The null is `runs` random-vs-random CAVs
 * (random set 0 against 1..runs, tcav's random counterpart); a two-sided t-test (ttest.ts) with a
 * Bonferroni correction over every (concept, layer) pair of the call (the paper; the code has none)
 * decides significance. A failing pair is reported as not significant, never as a score.
 */
import * as tf from '@tensorflow/tfjs-core';
// tcav differentiates through forward() itself; see src/model/executor.ts for '#tfjs-gradients'.
import '#tfjs-gradients';
import { z } from 'zod';
import type { Executor } from '../model/types';
import type { ImageSource } from '../views/types';
import { cavOptions, trainCav, type Cav } from './cav';
import type { Rows } from './linear-classifier';
import { tTestIndependent } from './ttest';

export const tcavOptions = z.object({
  /** Layers whose activation space the CAVs live in (flattened). */
  layers: z.array(z.string()).min(1),
  /** Class index whose logit is differentiated. */
  target: z.number().int().min(0),
  /** CAVs per concept, each against its own random set; as many random-vs-random CAVs. */
  runs: z.number().int().min(2).max(500).default(10),
  /** Fewest images a concept or random set may have. */
  minImages: z.number().int().min(2).default(10),
  /** 'logit': d logit / d a (the paper); 'loss': d log softmax / d a (tensorflow/tcav). */
  sensitivity: z.enum(['logit', 'loss']).default('logit'),
  /** Significance level before the correction. */
  alpha: z.number().gt(0).lt(1).default(0.05),
  /** Divide alpha by the number of (concept, layer) pairs tested. */
  bonferroni: z.boolean().default(true),
  /** Comparisons for the correction when more pairs are tested than this call holds. */
  comparisons: z.number().int().min(1).optional(),
  cav: cavOptions.default({}),
  /** Images per forward / backward pass. */
  batchSize: z.number().int().min(1).max(1024).default(50),
}).strict();

export type TcavOptions = z.input<typeof tcavOptions>;

export interface ConceptSet {
  /** What the reader sees: 'colour:red', 'my upload'. */
  name: string;
  images: ImageSource;
}

export interface TcavInput {
  concepts: ConceptSet[];
  /** runs + 1 random sets: 0 is the null's counterpart, 1..runs pair with every concept. */
  randoms: ImageSource[];
  /** Images of the target class whose sensitivities are counted. */
  classImages: ImageSource;
}

export interface TcavPair {
  concept: string;
  layer: string;
  /** TCAV score of each run (concept vs random set r). */
  scores: number[];
  /** Scores of the random-vs-random CAVs. */
  nullScores: number[];
  mean: number;
  std: number;
  nullMean: number;
  nullStd: number;
  t: number;
  p: number;
  /** p < alpha / comparisons (NaN p counts as not significant). */
  significant: boolean;
  /** Held-out accuracy of each run's CAV. */
  cavAccuracy: number[];
  /** The first run's CAV (unit vector over the flattened layer), for top images and visualization. */
  direction: number[];
}

export interface TcavResult {
  model: string;
  target: number;
  targetLabel: string;
  sensitivity: 'logit' | 'loss';
  runs: number;
  comparisons: number;
  /** Per-pair significance level after the correction. */
  level: number;
  classImages: number;
  pairs: TcavPair[];
}

type Model = Pick<Executor, 'info' | 'forward'>;

/** Runs `f` over the set a batch at a time and stacks its [batch, d] outputs into rows. */
async function collectRows(images: ImageSource, batchSize: number, f: (x: tf.Tensor4D) => tf.Tensor): Promise<Rows> {
  let d = 0;
  const parts: Float32Array[] = [];
  for (let start = 0; start < images.count; start += batchSize) {
    const end = Math.min(images.count, start + batchSize);
    const out = tf.tidy(() => tf.reshape(f(images.batch(start, end)), [end - start, -1]));
    d = out.shape[1]!;
    parts.push((await out.data()) as Float32Array);
    out.dispose();
  }
  const data = new Float32Array(images.count * d);
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.length;
  }
  return { n: images.count, d, data };
}

/** Flattened activations of a layer over an image set. */
export function layerActivations(model: Model, images: ImageSource, layer: string, batchSize = 50): Promise<Rows> {
  return collectRows(images, batchSize, (x) => model.forward(x, { taps: [layer] }).taps[layer]);
}

/** Gradient of the target's logit (or log softmax) w.r.t. the layer's flattened activation, per image. */
export function layerGradients(model: Model, images: ImageSource, layer: string, target: number, sensitivity: 'logit' | 'loss', batchSize = 50): Promise<Rows> {
  return collectRows(images, batchSize, (x) => {
    const a = model.forward(x, { taps: [layer] }).taps[layer];
    return tf.grad((act: tf.Tensor) => {
      const logits = model.forward(x, { replace: { [layer]: act } }).logits;
      const own = tf.squeeze(tf.slice(logits, [0, target], [-1, 1]), [1]);
      return tf.sum(sensitivity === 'logit' ? own : tf.sub(own, tf.logSumExp(logits, 1)));
    })(a);
  });
}

/** Fraction of rows with a positive dot product with the direction. */
export function tcavScore(gradients: Rows, direction: Float32Array): number {
  if (gradients.n === 0) return NaN;
  let positive = 0;
  for (let i = 0; i < gradients.n; i++) {
    let dot = 0;
    for (let k = 0; k < gradients.d; k++) dot += gradients.data[i * gradients.d + k] * direction[k];
    if (dot > 0) positive++;
  }
  return positive / gradients.n;
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const std = (v: number[]) => {
  const m = mean(v);
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length);
};

function sameRows(a: Rows, b: Rows): boolean {
  if (a.n !== b.n || a.d !== b.d) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

export async function tcav(model: Model, input: TcavInput, options: TcavOptions, signal?: { aborted: boolean }): Promise<TcavResult> {
  const o = tcavOptions.parse(options);
  const info = model.info;
  if (o.target >= info.numClasses) throw new Error(`TCAV: model '${info.id}' has classes 0..${info.numClasses - 1} (${info.labels.join(', ')}); got target ${o.target}`);
  for (const layer of o.layers) {
    if (!info.layers.some((l) => l.name === layer) && info.layers.length > 0) {
      throw new Error(`TCAV: model '${info.id}' has no layer '${layer}'; layers: ${info.layers.filter((l) => l.kind !== 'input').map((l) => l.name).join(', ')}`);
    }
  }
  if (input.randoms.length < o.runs + 1) throw new Error(`TCAV: ${o.runs} runs need ${o.runs + 1} random sets (one is the null's counterpart); got ${input.randoms.length}`);
  if (input.classImages.count < 1) throw new Error(`TCAV: no images of class '${info.labels[o.target]}' to score`);
  const few = [...input.concepts.map((c) => [c.name, c.images.count] as const), ...input.randoms.slice(0, o.runs + 1).map((r, i) => [`random set ${i}`, r.count] as const)].filter(([, n]) => n < o.minImages);
  if (few.length > 0) throw new Error(`TCAV on model '${info.id}': each concept and random set needs at least ${o.minImages} images; ${few.map(([name, n]) => `'${name}' has ${n}`).join(', ')}`);
  const comparisons = o.comparisons ?? input.concepts.length * o.layers.length;
  const level = o.bonferroni ? o.alpha / comparisons : o.alpha;
  const pairs: TcavPair[] = [];
  for (const layer of o.layers) {
    const grads = await layerGradients(model, input.classImages, layer, o.target, o.sensitivity, o.batchSize);
    const randoms: Rows[] = [];
    for (const r of input.randoms.slice(0, o.runs + 1)) randoms.push(await layerActivations(model, r, layer, o.batchSize));
    const cav = (a: Rows, b: Rows, run: number): Cav => trainCav(a, b, { ...o.cav, seed: o.cav.seed + run });
    const nullScores: number[] = [];
    for (let r = 1; r <= o.runs; r++) nullScores.push(tcavScore(grads, cav(randoms[0], randoms[r], r).direction));
    for (const concept of input.concepts) {
      if (signal?.aborted) throw new Error('TCAV: cancelled');
      const acts = await layerActivations(model, concept.images, layer, o.batchSize);
      const equal = randoms.findIndex((r) => sameRows(r, acts));
      if (equal >= 0) throw new Error(`TCAV on model '${info.id}', layer '${layer}': concept '${concept.name}' has the same images as random set ${equal}; a CAV needs a concept set and a different random set`);
      const scores: number[] = [];
      const accuracies: number[] = [];
      let direction: Float32Array | undefined;
      for (let r = 1; r <= o.runs; r++) {
        const c = cav(acts, randoms[r], r);
        direction ??= c.direction;
        scores.push(tcavScore(grads, c.direction));
        accuracies.push(c.accuracy);
      }
      const test = tTestIndependent(scores, nullScores);
      pairs.push({
        concept: concept.name, layer, scores, nullScores,
        mean: mean(scores), std: std(scores), nullMean: mean(nullScores), nullStd: std(nullScores),
        t: test.t, p: Number.isNaN(test.p) ? 1 : test.p, significant: test.p < level,
        cavAccuracy: accuracies, direction: Array.from(direction!),
      });
    }
  }
  return { model: info.id, target: o.target, targetLabel: info.labels[o.target] ?? `class ${o.target}`, sensitivity: o.sensitivity, runs: o.runs, comparisons, level, classImages: input.classImages.count, pairs };
}
