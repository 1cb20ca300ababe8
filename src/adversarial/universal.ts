/**
 * Universal adversarial perturbation (Moosavi-Dezfooli, Fawzi, Fawzi & Frossard, CVPR 2017): one
 * perturbation v for a whole set. Pass over the images in a seeded random order; for each image
 * x + v does not yet fool, find the minimal extra perturbation (DeepFool at x + v) and project
 * v + dv back onto the eps ball; stop when the fooling rate on the set reaches 1 - delta or after
 * `passes`. Fooling rate = share of images whose top-1 changes, as in the paper. Departs from the
 * paper by clamping x + v to [0, 1] (the paper adds v to unclamped images).
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { mulberry32 } from '../methods/random';
import type { Executor } from '../model/types';
import { deepFoolBatch } from './deepfool';
import { checkEps, checkRange, clamp01, epsTensor, logitsOf, project } from './space';
import type { AttackContext, Norm } from './types';

export const universalOptions = z.object({
  /** Norm of the ball v lives in (paper: L-inf 10 on [0, 255] images, L2 2000 on 224 px). */
  norm: z.enum(['linf', 'l2']).default('linf'),
  /** Radius of the ball in [0, 1] pixel units. */
  eps: z.number().default(16 / 255),
  /** Target fooling rate 1 - delta on the set (paper: delta 0.2). */
  delta: z.number().min(0).max(1).default(0.2),
  /** Most passes over the set (paper: stops on delta; we cap it). */
  passes: z.number().int().min(1).max(100).default(5),
  /** DeepFool steps per image and its overshoot. */
  deepFoolSteps: z.number().int().min(1).max(500).default(20),
  overshoot: z.number().min(0).max(1).default(0.02),
}).strict();

export type UniversalOptions = z.infer<typeof universalOptions>;

export interface UniversalResult {
  /** [h, w, c] perturbation in [0, 1] pixel units. */
  perturbation: Float32Array;
  shape: [number, number, number];
  norm: Norm;
  eps: number;
  /** Fooling rate on the set it was computed on, after each pass. */
  passRates: number[];
  passes: number;
  elapsedMs: number;
}

/** Top-1 per image of [0, 1] pixels [n, h, w, c], in batches. */
export async function predictLabels(model: Executor, x: tf.Tensor4D, batch = 64): Promise<number[]> {
  const out: number[] = [];
  for (let s = 0; s < x.shape[0]; s += batch) {
    const t = tf.tidy(() => tf.argMax(logitsOf(model, tf.slice(x, [s, 0, 0, 0], [Math.min(batch, x.shape[0] - s), -1, -1, -1])), 1));
    out.push(...(await t.data()));
    t.dispose();
  }
  return out;
}

/** Share of images whose top-1 differs between x and clamp(x + v). */
export async function foolingRate(model: Executor, x: tf.Tensor4D, v: tf.Tensor, clean?: number[]): Promise<number> {
  const before = clean ?? (await predictLabels(model, x));
  const moved = tf.tidy(() => clamp01(tf.add(x, v) as tf.Tensor4D));
  const after = await predictLabels(model, moved);
  moved.dispose();
  return after.filter((a, i) => a !== before[i]).length / before.length;
}

export async function universalPerturbation(model: Executor, x: tf.Tensor4D, options: unknown, ctx: AttackContext): Promise<UniversalResult> {
  const o = universalOptions.parse(options);
  checkRange(model.info);
  checkEps(model.info, o.norm, o.eps);
  const started = performance.now();
  const [n, h, w, c] = x.shape;
  const rng = mulberry32(ctx.seed);
  const clean = await predictLabels(model, x);
  const eps = epsTensor(o.eps, 1);
  let v = tf.zeros([1, h, w, c]) as tf.Tensor4D;
  const passRates: number[] = [];
  try {
    for (let pass = 0; pass < o.passes && !ctx.signal?.aborted; pass++) {
      const order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) { const j = Math.floor(rng() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
      for (const i of order) {
        if (ctx.signal?.aborted) break;
        const xi = tf.tidy(() => clamp01(tf.add(tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]), v) as tf.Tensor4D));
        const [now] = await predictLabels(model, xi);
        if (now !== clean[i]) { xi.dispose(); continue; }
        const df = await deepFoolBatch(model, xi, { labels: [clean[i]], targeted: false }, { norm: o.norm, steps: o.deepFoolSteps, overshoot: o.overshoot });
        const next = tf.tidy(() => project(tf.add(v, tf.sub(df.adversarial, xi)) as tf.Tensor4D, o.norm, eps));
        df.adversarial.dispose();
        xi.dispose();
        v.dispose();
        v = next;
      }
      const rate = await foolingRate(model, x, v, clean);
      passRates.push(rate);
      if (rate >= 1 - o.delta) break;
    }
    const perturbation = new Float32Array(await v.data());
    return { perturbation, shape: [h, w, c], norm: o.norm, eps: o.eps, passRates, passes: passRates.length, elapsedMs: performance.now() - started };
  } finally {
    v.dispose();
    eps.dispose();
  }
}
