/**
 * DeepFool (Moosavi-Dezfooli, Fawzi & Frossard 2016): linearize the classifier at x, step to the
 * nearest linearized decision boundary (L2: |f_k| w_k / ||w_k||^2; L-inf: |f_k| sign(w_k) / ||w_k||_1),
 * repeat until the label changes, then overshoot by (1 + overshoot) (paper: 0.02). Untargeted only.
 * Departs from the paper by clamping to [0, 1] after each step, so the image stays an image.
 */
import * as tf from '@tensorflow/tfjs-core';
import '#tfjs-gradients';
import { z } from 'zod';
import type { Executor } from '../model/types';
import { toModelInput } from '../synthesis/objectives';
import { clamp01, explainGradient } from './space';
import type { AttackDef, Goal, Norm, Perturbed } from './types';

const options = z.object({
  /** Norm of the minimal perturbation. */
  norm: z.enum(['linf', 'l2']).default('l2'),
  /** Most linearization steps (paper: 50). */
  steps: z.number().int().min(1).max(500).default(50),
  /** Final push past the boundary (paper: 0.02). */
  overshoot: z.number().min(0).max(1).default(0.02),
}).strict();

export type DeepFoolOptions = z.infer<typeof options>;

/** Logits [n, k] and their input gradients [n, k, h, w, c] (one pass over k copies of each image). */
function jacobian(model: Executor, x: tf.Tensor4D): { logits: tf.Tensor2D; grads: tf.Tensor } {
  const [n, h, w, c] = x.shape;
  const k = model.info.numClasses;
  let logits: tf.Tensor2D | undefined;
  const grads = explainGradient(model, () => tf.tidy(() => {
    const tiled = tf.reshape(tf.tile(tf.expandDims(x, 1), [1, k, 1, 1, 1]), [n * k, h, w, c]) as tf.Tensor4D;
    const eye = tf.tile(tf.eye(k), [n, 1]);
    const g = tf.grad((v: tf.Tensor) => {
      const out = model.forward(toModelInput(v as tf.Tensor4D, model.info)).logits;
      logits = tf.keep(tf.reshape(tf.slice(tf.reshape(out, [n, k, k]), [0, 0, 0], [n, 1, k]), [n, k]) as tf.Tensor2D);
      return tf.sum(tf.mul(out, eye)) as tf.Scalar;
    })(tiled);
    return tf.reshape(g, [n, k, h, w, c]);
  }));
  return { logits: logits!, grads };
}

/** One DeepFool step per image: the perturbation to the nearest linearized boundary of `labels`. */
async function boundaryStep(grads: tf.Tensor, logits: Float32Array, labels: number[], k: number, norm: Norm): Promise<tf.Tensor4D> {
  const [n, , h, w, c] = grads.shape;
  const gradData = (await grads.data()) as Float32Array;
  const size = h * w * c;
  const out = new Float32Array(n * size);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    const gy = gradData.subarray((i * k + y) * size, (i * k + y + 1) * size);
    let best = Infinity;
    let bestK = -1;
    let bestNorm = 0;
    for (let j = 0; j < k; j++) {
      if (j === y) continue;
      const gj = gradData.subarray((i * k + j) * size, (i * k + j + 1) * size);
      let dn = 0;
      for (let p = 0; p < size; p++) { const d = gj[p] - gy[p]; dn += norm === 'l2' ? d * d : Math.abs(d); }
      const wn = norm === 'l2' ? Math.sqrt(dn) : dn;
      const dist = Math.abs(logits[i * k + j] - logits[i * k + y]) / (wn + 1e-8);
      if (dist < best) { best = dist; bestK = j; bestNorm = wn; }
    }
    if (bestK < 0) continue;
    const gj = gradData.subarray((i * k + bestK) * size, (i * k + bestK + 1) * size);
    const r = out.subarray(i * size, (i + 1) * size);
    const scale = (best + 1e-4) / (norm === 'l2' ? bestNorm + 1e-8 : 1);
    for (let p = 0; p < size; p++) { const d = gj[p] - gy[p]; r[p] = norm === 'l2' ? scale * d : scale * Math.sign(d); }
  }
  return tf.tensor4d(out, [n, h, w, c]);
}

export async function deepFoolBatch(model: Executor, x0: tf.Tensor4D, goal: Goal, o: DeepFoolOptions, signal?: { aborted: boolean }): Promise<Perturbed> {
  const k = model.info.numClasses;
  const n = x0.shape[0];
  let total = tf.zerosLike(x0);
  let x = tf.clone(x0);
  const stepLogits: Float32Array[] = [];
  let active = new Array<boolean>(n).fill(true);
  let steps = 0;
  try {
    for (; !signal?.aborted; steps++) {
      const { logits, grads } = jacobian(model, x);
      const values = (await logits.data()) as Float32Array;
      logits.dispose();
      stepLogits.push(values);
      active = active.map((a, i) => {
        let top = 0;
        for (let j = 1; j < k; j++) if (values[i * k + j] > values[i * k + top]) top = j;
        return a && top === goal.labels[i];
      });
      if (!active.some(Boolean) || steps === o.steps) { grads.dispose(); break; }
      const r = await boundaryStep(grads, values, goal.labels, k, o.norm);
      grads.dispose();
      const next = tf.tidy(() => {
        const mask = tf.reshape(tf.tensor1d(active.map(Number)), [-1, 1, 1, 1]);
        const t = tf.add(total, tf.mul(r, mask)) as tf.Tensor4D;
        return { t, x: clamp01(tf.add(x0, tf.mul(t, 1 + o.overshoot)) as tf.Tensor4D) };
      });
      r.dispose();
      total.dispose();
      x.dispose();
      total = next.t;
      x = next.x;
    }
  } finally {
    total.dispose();
  }
  return { adversarial: x, stepLogits, steps };
}

export const deepfool: AttackDef<DeepFoolOptions> = {
  id: 'deepfool',
  label: 'DeepFool',
  paper: { title: 'DeepFool: a simple and accurate method to fool deep neural networks', authors: 'Moosavi-Dezfooli, Fawzi, Frossard', year: 2016, url: 'https://arxiv.org/abs/1511.04599' },
  targeted: 'none',
  options,
  norm: (o) => o.norm,
  perturb: (model, x, goal, o, ctx) => deepFoolBatch(model, x, goal, o, ctx.signal),
};
