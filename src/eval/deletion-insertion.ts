/**
 * Deletion and insertion curves (Petsiuk et al. 2018, "RISE"): take pixels in order of attribution,
 * highest first, and either remove them from the image (set to pixel value 0, mapped through the
 * model's preprocessing) or insert them into a blurred copy, a fixed fraction per step, scoring the
 * target's softmax probability after each step. A faithful map makes the deletion curve fall fast
 * (low AUC) and the insertion curve rise fast (high AUC). Every step's copy goes through the model in
 * batches (scoreBatches). Departure: Petsiuk moves one 224-px row of pixels per step (224 steps at
 * 224²); here the step count is an option, default 50 (2 % a step), whatever the image size.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gaussianBlur } from '../methods/occlusion';
import { pixelValueToInput, scoreBatches } from '../methods/perturbation';
import type { RunContext } from '../methods/types';
import type { Executor } from '../model/types';

export interface CurveOptions {
  /** Number of steps; the curve has steps + 1 points at fractions 0, 1/steps, ..., 1. Default 50. */
  steps?: number;
  /** Copies per forward pass. Default 16. */
  batchSize?: number;
  /** Insertion's blur sigma in pixels; default Petsiuk's 5 at 224 px scaled by the longer side, at least 1. */
  blurSigma?: number;
}

export interface Curve {
  /** Fraction of pixels removed (deletion) or inserted (insertion) at each point, 0..1. */
  fractions: Float32Array;
  /** Softmax probability of the target at each point. */
  scores: Float32Array;
  /** Trapezoid area under scores over fractions. */
  auc: number;
}

/**
 * Pixel indices by attribution, highest first. Ties keep row-major order (a stable sort), so equal
 * values are taken top-left first and the curves are deterministic. NaN counts as lowest.
 */
export function pixelOrder(map: ArrayLike<number>): Int32Array {
  const key = (p: number) => (Number.isNaN(map[p]) ? -Infinity : map[p]);
  const order = Array.from({ length: map.length }, (_, p) => p);
  order.sort((a, b) => key(b) - key(a) || a - b);
  return Int32Array.from(order);
}

/** Pixels changed after step i of `steps`: round(i · n / steps), so the last step changes all n. */
export function pixelCounts(n: number, steps: number): number[] {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer; got ${steps}`);
  return Array.from({ length: steps + 1 }, (_, i) => Math.round((i * n) / steps));
}

/** Trapezoid rule; fractions must increase. A constant curve c has area c · (last - first). */
export function trapezoidAuc(fractions: ArrayLike<number>, scores: ArrayLike<number>): number {
  if (fractions.length !== scores.length) throw new Error(`auc: ${fractions.length} fractions but ${scores.length} scores`);
  let area = 0;
  for (let i = 1; i < fractions.length; i++) area += ((scores[i] + scores[i - 1]) / 2) * (fractions[i] - fractions[i - 1]);
  return area;
}

export function defaultBlurSigma(height: number, width: number): number {
  return Math.max(1, (5 * Math.max(height, width)) / 224);
}

/**
 * The curve from `from` (fraction 0) to `to` (fraction 1): copy i takes the first counts[i] pixels
 * of `order` (all channels) from `to` and the rest from `from`.
 */
async function morphCurve(
  model: Executor, from: tf.Tensor4D, to: tf.Tensor4D, target: number, map: ArrayLike<number>,
  options: CurveOptions, ctx: RunContext, method: string,
): Promise<Curve> {
  const [, h, w] = from.shape;
  const steps = options.steps ?? 50;
  const batchSize = options.batchSize ?? 16;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer; got ${batchSize}`);
  const counts = pixelCounts(h * w, steps);
  const rankOf = new Int32Array(h * w);
  pixelOrder(map).forEach((p, rank) => { rankOf[p] = rank; });
  const makeBatch = (start: number, count: number) => tf.tidy(() => {
    const masks = new Float32Array(count * h * w);
    for (let i = 0; i < count; i++) {
      const n = counts[start + i];
      for (let p = 0; p < h * w; p++) if (rankOf[p] < n) masks[i * h * w + p] = 1;
    }
    const m = tf.tensor4d(masks, [count, h, w, 1]);
    return tf.add(tf.mul(from, tf.sub(1, m)), tf.mul(to, m)) as tf.Tensor4D;
  });
  const scores = await scoreBatches(model, target, 'probability', steps + 1, batchSize, makeBatch, ctx, method);
  const fractions = Float32Array.from(counts, (n) => n / (h * w));
  return { fractions, scores, auc: trapezoidAuc(fractions, scores) };
}

function checkInputs(model: Executor, input: tf.Tensor4D, map: ArrayLike<number>, method: string): void {
  const [b, h, w, c] = input.shape;
  const [mh, mw, mc] = model.info.inputShape;
  if (b !== 1 || h !== mh || w !== mw || c !== mc) {
    throw new Error(`${method}: input must be [1, ${mh}, ${mw}, ${mc}]; got [${input.shape.join(', ')}]`);
  }
  if (map.length !== h * w) throw new Error(`${method}: map has ${map.length} values; ${h}×${w} needs ${h * w} (reduce channels first)`);
}

/** Deletion: remove pixels (set to pixel value 0 in model-input space) in order of `map` (h×w). */
export async function deletionCurve(
  model: Executor, input: tf.Tensor4D, target: number, map: ArrayLike<number>,
  options: CurveOptions = {}, ctx: RunContext = { seed: 0 },
): Promise<Curve> {
  checkInputs(model, input, map, 'deletion');
  const zero = tf.tidy(() => tf.mul(tf.onesLike(input), tf.tensor1d(pixelValueToInput(model.info, 0))) as tf.Tensor4D);
  try {
    return await morphCurve(model, input, zero, target, map, options, ctx, 'deletion');
  } finally {
    zero.dispose();
  }
}

/** Insertion: put pixels of `input` into its Gaussian-blurred copy in order of `map` (h×w). */
export async function insertionCurve(
  model: Executor, input: tf.Tensor4D, target: number, map: ArrayLike<number>,
  options: CurveOptions = {}, ctx: RunContext = { seed: 0 },
): Promise<Curve> {
  checkInputs(model, input, map, 'insertion');
  const [, h, w] = input.shape;
  // Blur is linear, so blurring model input equals blurring pixels and then preprocessing.
  const blurred = gaussianBlur(input, options.blurSigma ?? defaultBlurSigma(h, w));
  try {
    return await morphCurve(model, blurred, input, target, map, options, ctx, 'insertion');
  } finally {
    blurred.dispose();
  }
}

/** Both curves for one map. */
export async function deletionInsertion(
  model: Executor, input: tf.Tensor4D, target: number, map: ArrayLike<number>,
  options: CurveOptions = {}, ctx: RunContext = { seed: 0 },
): Promise<{ deletion: Curve; insertion: Curve }> {
  const deletion = await deletionCurve(model, input, target, map, options, ctx);
  const insertion = await insertionCurve(model, input, target, map, options, ctx);
  return { deletion, insertion };
}
