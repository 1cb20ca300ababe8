/**
 * Objectives (Lucid's `objectives`): what the optimizer ascends, as composable values. Each
 * objective maps one forward pass to a value per batch item ([batch]); the optimizer maximizes the
 * sum, so batch items never interact except through objectives that mean to (diversity, BN stats).
 * Unit objectives take a channel (and class) per item as an array, which is how the gallery renders
 * sixteen channels in one batched pass. Penalties (L2, TV, feature distance) return the positive
 * penalty, as in Lucid: combine them with `scale(penalty, -lambda)`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelInfo } from '../model/types';
import { crop } from '../model/ops/layout';

export interface ObjectiveInputs {
  /** The optimizer's image, [b, h, w, c] in [0, 1], before transforms. */
  pixels: tf.Tensor4D;
  /** The model's input after transforms and preprocessing. */
  input: tf.Tensor4D;
  logits: tf.Tensor2D;
  /** Outputs of every layer named in `layers`. */
  taps: Record<string, tf.Tensor>;
}

export interface Objective {
  /** Short description, e.g. "channel conv2:7"; names the objective in errors and the gallery. */
  name: string;
  /** Layers whose outputs `value` reads (the optimizer taps them). */
  layers: string[];
  /** A value per batch item, [b]. */
  value(inputs: ObjectiveInputs): tf.Tensor1D;
}

/** `index` for batch item i: one number for all items or one per item. */
function perItem(index: number | number[], b: number, what: string): number[] {
  if (typeof index === 'number') return new Array<number>(b).fill(index);
  if (index.length !== b) throw new Error(`${what}: ${index.length} indices for a batch of ${b}`);
  return index;
}

function tap(inputs: ObjectiveInputs, layer: string): tf.Tensor {
  const t = inputs.taps[layer];
  if (t === undefined) throw new Error(`objective needs layer '${layer}', which was not tapped`);
  return t;
}

/** Picks element idx[i] of the last axis of row i of a [b, n] tensor -> [b]. */
function pickPerRow(t: tf.Tensor2D, idx: number[]): tf.Tensor1D {
  const mask = tf.oneHot(tf.tensor1d(idx, 'int32'), t.shape[1]);
  return tf.sum(tf.mul(t, mask), 1) as tf.Tensor1D;
}

/** Spatial mean of one channel of a 4-D layer (Lucid's `channel`). */
export function channel(layer: string, index: number | number[]): Objective {
  return {
    name: `channel ${layer}:${Array.isArray(index) ? index.join(',') : index}`,
    layers: [layer],
    value: (inputs) => {
      const a = tap(inputs, layer);
      if (a.rank !== 4 && a.rank !== 2) throw new Error(`channel: layer '${layer}' has rank ${a.rank}; expected 4 (conv) or 2 (dense)`);
      const means = (a.rank === 4 ? tf.mean(a, [1, 2]) : a) as tf.Tensor2D;
      return pickPerRow(means, perItem(index, a.shape[0], 'channel'));
    },
  };
}

/** One neuron: channel `index` at spatial position (x, y) of a 4-D layer; the centre by default. */
export function neuron(layer: string, index: number | number[], x?: number, y?: number): Objective {
  return {
    name: `neuron ${layer}:${Array.isArray(index) ? index.join(',') : index}@${x ?? 'c'},${y ?? 'c'}`,
    layers: [layer],
    value: (inputs) => {
      const a = tap(inputs, layer);
      if (a.rank !== 4) throw new Error(`neuron: layer '${layer}' has rank ${a.rank}; expected 4 (conv)`);
      const [b, h, w, c] = a.shape;
      const py = y ?? Math.floor(h / 2);
      const px = x ?? Math.floor(w / 2);
      if (px < 0 || px >= w || py < 0 || py >= h) throw new Error(`neuron: (${px}, ${py}) is outside layer '${layer}' (${w}x${h})`);
      const at = tf.reshape(tf.slice(a, [0, py, px, 0], [b, 1, 1, c]), [b, c]) as tf.Tensor2D;
      return pickPerRow(at, perItem(index, b, 'neuron'));
    },
  };
}

/** Pre-softmax score of a class (Simonyan 2014 maximize S_c, not the softmax). */
export function classLogit(index: number | number[]): Objective {
  return {
    name: `class ${Array.isArray(index) ? index.join(',') : index}`,
    layers: [],
    value: (inputs) => pickPerRow(inputs.logits, perItem(index, inputs.logits.shape[0], 'class')),
  };
}

/** Mean of squared activations of a layer: DeepDream (Mordvintsev 2015), Lucid's `deepdream`. */
export function layerL2(layer: string): Objective {
  return {
    name: `deepdream ${layer}`,
    layers: [layer],
    value: (inputs) => {
      const a = tap(inputs, layer);
      return tf.mean(tf.reshape(tf.square(a), [a.shape[0], -1]), 1) as tf.Tensor1D;
    },
  };
}

/** Spatial mean of the dot product with a direction in the layer's channel space (Lucid's `direction`). */
export function direction(layer: string, vector: number[]): Objective {
  return {
    name: `direction ${layer}`,
    layers: [layer],
    value: (inputs) => {
      const a = tap(inputs, layer);
      const c = a.shape[a.rank - 1];
      if (vector.length !== c) throw new Error(`direction: layer '${layer}' has ${c} channels; the vector has ${vector.length}`);
      const dots = tf.sum(tf.mul(a, tf.tensor1d(vector)), -1);
      return tf.mean(tf.reshape(dots, [a.shape[0], -1]), 1) as tf.Tensor1D;
    },
  };
}

/**
 * Diversity (Olah 2017): minus the mean cosine similarity of item i's Gram matrix to every other
 * item's, so the sum over the batch is Lucid's -diversity(layer). 0 for a batch of one.
 */
export function diversity(layer: string): Objective {
  return {
    name: `diversity ${layer}`,
    layers: [layer],
    value: (inputs) => {
      const a = tap(inputs, layer);
      const b = a.shape[0];
      if (b < 2) return tf.zeros([b]) as tf.Tensor1D;
      const c = a.shape[a.rank - 1];
      const flat = tf.reshape(a, [b, -1, c]);
      const grams = tf.reshape(tf.matMul(flat, flat, true, false), [b, c * c]);
      const unit = tf.div(grams, tf.add(tf.norm(grams, 2, 1, true), 1e-10));
      const sims = tf.matMul(unit, unit, false, true); // [b, b]
      const offDiagonal = tf.sub(tf.sum(sims, 1), tf.sum(tf.mul(sims, tf.eye(b)), 1));
      return tf.div(tf.neg(offDiagonal), b) as tf.Tensor1D;
    },
  };
}

/** sum_i |p - centre|^p over the image's pixels ([0, 1] space): L2 (p = 2, Simonyan) or L6 (Mahendran). */
export function lpNorm(p = 2, centre = 0.5): Objective {
  return {
    name: `L${p}`,
    layers: [],
    value: ({ pixels }) => tf.sum(tf.reshape(tf.pow(tf.abs(tf.sub(pixels, centre)), p), [pixels.shape[0], -1]), 1) as tf.Tensor1D,
  };
}

/** Total variation sum ((dx)^2 + (dy)^2)^(beta / 2) (Mahendran-Vedaldi 2015; beta = 2 by default). */
export function totalVariation(beta = 2): Objective {
  return {
    name: `TV beta=${beta}`,
    layers: [],
    value: ({ pixels }) => {
      const [b, h, w] = pixels.shape;
      // crop: 3-D slices, the same values as tf.slice's 4-D ones, which wasm copies element by element.
      const base = crop(pixels, 0, 0, h - 1, w - 1);
      const dx = tf.sub(crop(pixels, 0, 1, h - 1, w - 1), base);
      const dy = tf.sub(crop(pixels, 1, 0, h - 1, w - 1), base);
      const sq = tf.add(tf.square(dx), tf.square(dy));
      // +1e-8 keeps d/dx of sq^(beta/2) finite where the image is flat and beta < 2.
      const terms = beta === 2 ? sq : tf.pow(tf.add(sq, 1e-8), beta / 2);
      return tf.sum(tf.reshape(terms, [b, -1]), 1) as tf.Tensor1D;
    },
  };
}

/**
 * ||phi(x) - phi0||^2 / ||phi0||^2 at `layer` (Mahendran-Vedaldi 2015's loss; a penalty, so invert
 * by ascending its negation). `target` is phi0 for one image [1, ...] or per item, owned by the caller.
 */
export function featureDistance(layer: string, target: tf.Tensor): Objective {
  return {
    name: `feature distance ${layer}`,
    layers: [layer],
    value: (inputs) => {
      const a = tap(inputs, layer);
      const b = a.shape[0];
      const diff = tf.reshape(tf.squaredDifference(a, target), [b, -1]);
      return tf.div(tf.sum(diff, 1), tf.add(tf.sum(tf.square(target)), 1e-12)) as tf.Tensor1D;
    },
  };
}

/**
 * DeepInversion's feature-statistics prior (Yin 2020): for each BN layer l, the distance of the
 * batch's per-channel mean and variance of its input (over batch and space) from the layer's
 * running statistics, ||mu - mu_l||_2 + ||var - var_l||_2, summed over layers with the first layer
 * weighted `firstWeight` (the reference code's 10x). A batch quantity: each item gets 1/b of it.
 */
export function bnStatistics(stats: Array<{ input: string; mean: Float32Array; variance: Float32Array }>, firstWeight = 10): Objective {
  return {
    name: 'BN statistics',
    layers: [...new Set(stats.map((s) => s.input))],
    value: (inputs) => {
      const terms = stats.map((s, l) => {
        const a = tap(inputs, s.input);
        const axes = Array.from({ length: a.rank - 1 }, (_, i) => i);
        const { mean, variance } = tf.moments(a, axes);
        const d = tf.add(tf.norm(tf.sub(mean, tf.tensor1d(s.mean))), tf.norm(tf.sub(variance, tf.tensor1d(s.variance))));
        return l === 0 ? tf.mul(d, firstWeight) : d;
      });
      const b = inputs.pixels.shape[0];
      return tf.mul(tf.fill([b], 1 / b), tf.addN(terms)) as tf.Tensor1D;
    },
  };
}

export function sum(...objectives: Objective[]): Objective {
  if (objectives.length === 0) throw new Error('sum: needs at least one objective');
  return {
    name: objectives.map((o) => o.name).join(' + '),
    layers: [...new Set(objectives.flatMap((o) => o.layers))],
    value: (inputs) => tf.addN(objectives.map((o) => o.value(inputs))) as tf.Tensor1D,
  };
}

export function scale(objective: Objective, factor: number): Objective {
  return { name: `${factor} * (${objective.name})`, layers: objective.layers, value: (inputs) => tf.mul(objective.value(inputs), factor) as tf.Tensor1D };
}

export function neg(objective: Objective): Objective {
  return { name: `-(${objective.name})`, layers: objective.layers, value: (inputs) => tf.neg(objective.value(inputs)) as tf.Tensor1D };
}

/** [0, 1] pixels -> the model's input: range, then (x - mean) / std per channel (as preprocess.ts). */
export function toModelInput(pixels: tf.Tensor4D, info: ModelInfo): tf.Tensor4D {
  const { range: [lo, hi], mean, std } = info.preprocessing;
  let x: tf.Tensor = hi - lo === 1 && lo === 0 ? pixels : tf.add(tf.mul(pixels, hi - lo), lo);
  if (mean !== undefined) x = tf.sub(x, tf.tensor1d(mean));
  if (std !== undefined) x = tf.div(x, tf.tensor1d(std));
  return x as tf.Tensor4D;
}

/** Model input -> [0, 1] pixels (inverse of toModelInput), for starting from a given image. */
export function fromModelInput(input: Float32Array, info: ModelInfo): Float32Array {
  const { range: [lo, hi], mean, std } = info.preprocessing;
  const c = info.inputShape[2];
  return input.map((v, i) => ((v * (std?.[i % c] ?? 1) + (mean?.[i % c] ?? 0)) - lo) / (hi - lo));
}
