/**
 * The loop FGSM, BIM and PGD share (Madry et al. 2018's projected gradient descent): optional
 * random start in the ball, then per step x <- clamp(x0 + project(x + step * dir(grad) - x0)),
 * where dir is sign(g) under L-inf and g / ||g||_2 under L2. Each step's forward pass also gives the
 * logits that are recorded and that stop an image once it is fooled (torchattacks runs all steps;
 * stopping early returns a smaller perturbation with the same success, and is what `earlyStop: false`
 * turns off).
 */
import * as tf from '@tensorflow/tfjs-core';
import '#tfjs-gradients';
import { mulberry32, normal } from '../methods/random';
import type { Executor } from '../model/types';
import { toModelInput } from '../synthesis/objectives';
import { clamp01, epsTensor, explainGradient, logitsOf, project, reached, steepest } from './space';
import type { AttackContext, Goal, Norm, Perturbed } from './types';

export interface IterateConfig {
  norm: Norm;
  /** Radius of the ball, per image or for all. */
  eps: number | number[];
  /** Step size (alpha) in pixel units. */
  stepSize: number;
  steps: number;
  randomStart: boolean;
  earlyStop: boolean;
  /** Targeted goals count as reached only at this softmax probability of the target (default 0: top-1). */
  confidence?: number;
  /** What a step ascends: cross-entropy (torchattacks; default) or the target's pre-softmax score (the seeds' "maximize that class"). */
  loss?: 'cross-entropy' | 'logit';
}

/** Uniform in the L-inf ball, or a random direction with uniform radius in the L2 ball (torchattacks). */
function randomStart(shape: [number, number, number, number], norm: Norm, eps: tf.Tensor1D, seed: number): tf.Tensor4D {
  const rng = mulberry32(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  if (norm === 'linf') {
    for (let i = 0; i < size; i++) values[i] = 2 * rng() - 1;
    return tf.tidy(() => tf.mul(tf.tensor4d(values, shape), tf.reshape(eps, [-1, 1, 1, 1])) as tf.Tensor4D);
  }
  for (let i = 0; i < size; i++) values[i] = normal(rng);
  const radius = Float32Array.from({ length: shape[0] }, () => rng());
  return tf.tidy(() => {
    const d = tf.tensor4d(values, shape);
    const unit = tf.div(d, tf.sqrt(tf.sum(tf.square(d), [1, 2, 3], true)));
    return tf.mul(unit, tf.reshape(tf.mul(tf.tensor1d(radius), eps), [-1, 1, 1, 1])) as tf.Tensor4D;
  });
}

/** Logits (kept) and the loss gradient of every image of `x` in one forward/backward pass. */
function logitsAndGradient(model: Executor, x: tf.Tensor4D, goal: Goal, loss: IterateConfig['loss']): { logits: tf.Tensor2D; grad: tf.Tensor4D } {
  let logits: tf.Tensor2D | undefined;
  const grad = explainGradient(model, () => tf.tidy(() => tf.grad((v: tf.Tensor) => {
    const out = model.forward(toModelInput(v as tf.Tensor4D, model.info)).logits;
    logits = tf.keep(tf.clone(out));
    const onehot = tf.oneHot(tf.tensor1d(goal.labels, 'int32'), out.shape[1]);
    if (loss === 'logit') return tf.mul(tf.sum(tf.mul(onehot, out)), goal.targeted ? 1 : -1) as tf.Scalar;
    const ce = tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(out))));
    return (goal.targeted ? tf.neg(ce) : ce) as tf.Scalar;
  })(x) as tf.Tensor4D));
  return { logits: logits!, grad };
}

export async function iterate(model: Executor, x0: tf.Tensor4D, goal: Goal, cfg: IterateConfig, ctx: AttackContext): Promise<Perturbed> {
  const n = x0.shape[0];
  const k = model.info.numClasses;
  const eps = epsTensor(cfg.eps, n);
  let x = cfg.randomStart
    ? tf.tidy(() => clamp01(tf.add(x0, randomStart(x0.shape as [number, number, number, number], cfg.norm, eps, ctx.seed)) as tf.Tensor4D))
    : tf.clone(x0);
  const stepLogits: Float32Array[] = [];
  let active = new Array<boolean>(n).fill(true);
  let steps = 0;
  let cancelled = false;
  try {
    for (;;) {
      if (ctx.signal?.aborted) {
        cancelled = true;
        break;
      }
      if (steps === cfg.steps) {
        stepLogits.push(await read(logitsOf(model, x)));
        break;
      }
      const { logits, grad } = logitsAndGradient(model, x, goal, cfg.loss);
      const values = await read(logits);
      stepLogits.push(values);
      if (cfg.earlyStop) {
        const done = reached(values, k, goal, cfg.confidence ?? 0);
        active = active.map((a, i) => a && !done[i]);
        if (!active.some(Boolean)) {
          grad.dispose();
          break;
        }
      }
      const next = tf.tidy(() => {
        const moved = tf.add(x, tf.mul(steepest(grad, cfg.norm), cfg.stepSize));
        const projected = clamp01(tf.add(x0, project(tf.sub(moved, x0) as tf.Tensor4D, cfg.norm, eps)) as tf.Tensor4D);
        if (active.every(Boolean)) return projected;
        const mask = tf.reshape(tf.tensor1d(active.map(Number)), [-1, 1, 1, 1]);
        return tf.add(tf.mul(projected, mask), tf.mul(x, tf.sub(1, mask))) as tf.Tensor4D;
      });
      grad.dispose();
      x.dispose();
      x = next;
      steps++;
    }
  } catch (err) {
    x.dispose();
    throw err;
  } finally {
    eps.dispose();
  }
  return { adversarial: x, stepLogits, steps, ...(cancelled ? { cancelled } : {}) };
}

async function read(t: tf.Tensor): Promise<Float32Array> {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}
