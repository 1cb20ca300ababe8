/**
 * Fooling images (Nguyen, Yosinski & Clune, CVPR 2015, "Deep Neural Networks are Easily Fooled"):
 * gradient ascent from random noise on a class's log-probability until the network gives it at
 * least `confidence`, one image per class in one batch. `recipe` picks the image prior from the
 * feature-visualization code (src/synthesis): 'naive' is the paper's gradient-ascent variant with no
 * prior; 'simonyan', 'yosinski-*' and 'lucid' add regularizers / a Fourier parameterization and
 * transforms, so an article can show how priors change the images. The evolutionary CPPN variant is
 * not implemented. Ascends log p (not the logit) because the paper's criterion is a confidence.
 */
import { z } from 'zod';
import type { Executor } from '../model/types';
import type { Objective } from '../synthesis/objectives';
import { evaluate, optimize } from '../synthesis/optimize';
import { recipeOptions, recipeSchema } from '../synthesis/methods/recipes';
import * as tf from '@tensorflow/tfjs-core';
import { checkRange, logitsOf } from './space';
import type { AttackContext } from './types';

export const foolingOptions = z.object({
  /** Classes to fool into; all classes when left out. */
  classes: z.array(z.number().int().min(0)).optional(),
  /** Softmax probability to reach (paper: >= 99.6 % for most classes). */
  confidence: z.number().min(0).max(0.99999).default(0.99),
  /** The image prior: a feature-visualization recipe ('naive' = none). */
  recipe: recipeSchema.default('naive'),
  /** Most optimizer steps. */
  steps: z.number().int().min(1).max(5000).default(256),
}).strict();

export type FoolingOptions = z.input<typeof foolingOptions>;

/** log softmax of one class per batch item. */
export function classLogProbability(classes: number[]): Objective {
  return {
    name: `log p(class ${classes.join(',')})`,
    layers: [],
    value: ({ logits }) => tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.tensor1d(classes, 'int32'), logits.shape[1])), 1) as tf.Tensor1D,
  };
}

export interface FoolingImages {
  classes: number[];
  /** [n, h, w, c] pixels in [0, 1], image i fooling into classes[i]. */
  pixels: Float32Array;
  shape: [number, number, number, number];
  /** Softmax probability of each image's class, measured on the final image without transforms. */
  confidence: number[];
  /** Top-1 class of each final image. */
  predicted: number[];
  steps: number;
  recipe: string;
  elapsedMs: number;
}

export async function foolingImages(model: Executor, options: FoolingOptions, ctx: AttackContext): Promise<FoolingImages> {
  const o = foolingOptions.parse(options);
  checkRange(model.info);
  const k = model.info.numClasses;
  const classes = o.classes ?? Array.from({ length: k }, (_, i) => i);
  const bad = classes.find((c) => c >= k);
  if (bad !== undefined) throw new Error(`model '${model.info.id}': class ${bad} is out of range; valid classes 0..${k - 1}`);
  const started = performance.now();
  const objective = classLogProbability(classes);
  const base = recipeOptions(o.recipe, model.info.inputShape[0], objective);
  const stop = { aborted: false };
  const goal = Math.log(o.confidence);
  const result = await optimize(model, {
    ...base, steps: o.steps, batch: classes.length, seed: ctx.seed, signal: stop,
    onProgress: ({ values }) => {
      // Transformed views reach the goal first; a small margin keeps the plain image above it too.
      if (ctx.signal?.aborted || values.every((v) => v >= goal + 0.005)) stop.aborted = true;
    },
  });
  const logP = await evaluate(model, objective, result.pixels, result.shape);
  const probs = tf.tidy(() => tf.argMax(logitsOf(model, tf.tensor4d(result.pixels, result.shape)), 1));
  const predicted = Array.from(await probs.data());
  probs.dispose();
  return {
    classes, pixels: result.pixels, shape: result.shape, confidence: logP.map(Math.exp), predicted,
    steps: result.steps, recipe: o.recipe, elapsedMs: performance.now() - started,
  };
}
