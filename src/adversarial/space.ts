/**
 * The pixel space attacks work in and the pieces every attack shares: the loss gradient (with an
 * error naming the layer when tfjs has no gradient for an op), projection onto the L-inf / L2 ball,
 * clamping to [0, 1] (the model's value range, mapped), per-image norms and early-stop masks.
 */
import * as tf from '@tensorflow/tfjs-core';
import '#tfjs-gradients';
import { ModelError } from '../model/errors';
import type { Executor, ModelInfo } from '../model/types';
import { toModelInput } from '../synthesis/objectives';
import type { Goal, Norm } from './types';

/** Throws unless the model's input range was stated: epsilon and clamping mean pixel values. */
export function checkRange(info: ModelInfo): void {
  if (info.rangeAssumed !== true) return;
  throw new ModelError(info.id, 'its input value range is unknown, and an attack needs it (epsilon and clamping are in pixel units); state it: preprocessing.range in a glimpse.json beside model.json, the preprocessing load option, or --range in the CLI; one of [0, 1], [0, 255], [-1, 1]');
}

/** The largest epsilon that means anything for a norm: the whole [0, 1] range, or the L2 norm of it. */
export function maxEps(info: ModelInfo, norm: Norm): number {
  const [h, w, c] = info.inputShape;
  return norm === 'linf' ? 1 : Math.sqrt(h * w * c);
}

export function checkEps(info: ModelInfo, norm: Norm, eps: number, name = 'eps'): void {
  const max = maxEps(info, norm);
  if (!Number.isFinite(eps) || eps < 0 || eps > max) {
    const unit = norm === 'linf' ? 'per pixel, in [0, 1] pixel units (8/255 = 0.0314 is the usual bound)' : 'in [0, 1] pixel units over the whole image';
    throw new ModelError(info.id, `${name} ${eps} is out of range for the ${norm === 'linf' ? 'L-inf' : 'L2'} norm: expected 0 <= ${name} <= ${+max.toFixed(4)}, ${unit}`);
  }
}

/** Pre-softmax scores of [0, 1] pixels. */
export function logitsOf(model: Executor, x: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => model.forward(toModelInput(x, model.info)).logits);
}

/** Runs a gradient; when tfjs has no gradient for an op, rethrows naming the model and the layer. */
export function explainGradient<T>(model: Executor, compute: () => T): T {
  try {
    return compute();
  } catch (err) {
    const op = /gradient function not found for (\w+)/.exec((err as Error).message)?.[1];
    if (op === undefined) throw err;
    const layer = firstNonDifferentiable(model);
    throw new ModelError(model.info.id, `op '${op}' has no gradient in tfjs, so the input gradient an attack needs cannot be computed through this layer; attacks need a differentiable model (replace the op, or export the model without it)`, layer);
  }
}

/** The first layer (in table order) whose output cannot be differentiated back to the input. */
function firstNonDifferentiable(model: Executor): string | undefined {
  const [h, w, c] = model.info.inputShape;
  const x = tf.fill([1, h, w, c], 0.5) as tf.Tensor4D;
  try {
    for (const layer of model.info.layers) {
      if (layer.kind === 'input') continue;
      try {
        tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(model.forward(v as tf.Tensor4D, { taps: [layer.name] }).taps[layer.name]!))(x));
      } catch {
        return layer.name;
      }
    }
    return undefined;
  } finally {
    x.dispose();
  }
}

/** Projects `delta` [n, h, w, c] onto the norm ball of radius eps[i] per image. */
export function project(delta: tf.Tensor4D, norm: Norm, eps: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const e = tf.reshape(eps, [-1, 1, 1, 1]);
    if (norm === 'linf') return tf.minimum(tf.maximum(delta, tf.neg(e)), e) as tf.Tensor4D;
    const l2 = tf.sqrt(tf.sum(tf.square(delta), [1, 2, 3], true));
    const factor = tf.minimum(tf.scalar(1), tf.div(e, tf.maximum(l2, 1e-12)));
    return tf.mul(delta, factor) as tf.Tensor4D;
  });
}

/** One ascent direction: sign(g) for L-inf, g / ||g||_2 per image for L2 (torchattacks' PGDL2). */
export function steepest(grad: tf.Tensor4D, norm: Norm): tf.Tensor4D {
  return tf.tidy(() => {
    if (norm === 'linf') return tf.sign(grad) as tf.Tensor4D;
    const l2 = tf.sqrt(tf.sum(tf.square(grad), [1, 2, 3], true));
    return tf.div(grad, tf.add(l2, 1e-10)) as tf.Tensor4D;
  });
}

export function clamp01(x: tf.Tensor4D): tf.Tensor4D {
  return tf.clipByValue(x, 0, 1) as tf.Tensor4D;
}

/** Per-image [n] eps tensor from one number or one per image. */
export function epsTensor(eps: number | number[], n: number): tf.Tensor1D {
  return tf.tensor1d(typeof eps === 'number' ? new Array<number>(n).fill(eps) : eps);
}

/** Per image: has the attack reached its goal, given the logits [n * k]? */
export function reached(logits: Float32Array, k: number, goal: Goal, confidence = 0): boolean[] {
  return goal.labels.map((label, i) => {
    const row = logits.subarray(i * k, (i + 1) * k);
    const top = argmaxRow(row);
    if (!goal.targeted) return top !== label;
    return top === label && softmaxRow(row)[label] >= confidence;
  });
}

export function argmaxRow(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

export function softmaxRow(row: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) max = Math.max(max, row[i]);
  const e = Array.from(row, (v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** L-inf and L2 norm of a perturbation. */
export function norms(delta: ArrayLike<number>): { linf: number; l2: number } {
  let linf = 0;
  let sq = 0;
  for (let i = 0; i < delta.length; i++) {
    linf = Math.max(linf, Math.abs(delta[i]));
    sq += delta[i] * delta[i];
  }
  return { linf, l2: Math.sqrt(sq) };
}
