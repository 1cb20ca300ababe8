/**
 * Pieces every gradient-based method shares: the gradient of one class's pre-softmax score with
 * respect to the input, the target's score and probability for the stats, and the conversion of a
 * result tensor into a plain `Attribution`. Later methods (SmoothGrad, IG, Grad-CAM) reuse these
 * rather than re-deriving them, so "the gradient" means the same thing in every figure.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone ships no gradient functions; '#tfjs-gradients' (package.json "imports") registers them.
import '#tfjs-gradients';
import type { Executor, ReluRule } from '../model/types';
import { z } from 'zod';
import type { Attribution, MethodDef } from './types';

/**
 * d logit[target] / d input for every image of the batch, shape of `input`. The batch items are
 * independent, so the gradient of the batch sum is each image's own gradient. Caller owns the result.
 */
export function targetGradient(
  model: Executor,
  input: tf.Tensor4D,
  target: number,
  reluRule: ReluRule = 'gradient',
): tf.Tensor4D {
  const score = (x: tf.Tensor): tf.Scalar => {
    const { logits } = model.forward(x as tf.Tensor4D, { reluRule });
    return tf.sum(tf.slice(logits, [0, target], [-1, 1]));
  };
  return tf.tidy(() => tf.grad(score)(input) as tf.Tensor4D);
}

export interface TargetScore {
  /** Pre-softmax score of the target for the first image of the batch. */
  logit: number;
  /** Softmax probability of the target for the first image. */
  probability: number;
  /** All logits of the first image (used to pick a default target). */
  logits: Float32Array;
}

/** Scores of the first image of `input`; one forward pass. */
export async function targetScore(model: Executor, input: tf.Tensor4D, target: number): Promise<TargetScore> {
  const logitsT = tf.tidy(() => tf.slice(model.forward(input).logits, [0, 0], [1, -1]));
  const logits = (await logitsT.data()) as Float32Array;
  logitsT.dispose();
  return { logits, logit: logits[target], probability: softmaxAt(logits, target) };
}

/** Numerically stable softmax of one entry (max subtracted before exp). */
export function softmaxAt(logits: ArrayLike<number>, index: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  return Math.exp(logits[index] - max) / sum;
}

export function minMax(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return values.length === 0 ? { min: 0, max: 0 } : { min, max };
}

export interface AttributionMeta {
  method: string;
  target: number;
  layer?: string;
  score: TargetScore;
  /** performance.now() when the method started. */
  startedAt: number;
  /** Input-dependent defaults the method filled in (Attribution.resolved). */
  resolved?: Record<string, number>;
}

/**
 * Reads the first image of a [1|batch, h, w, c] (or [h, w, c]) tensor into an Attribution and
 * disposes the tensor: callers hand it over and never touch it again.
 */
export async function toAttribution(result: tf.Tensor, meta: AttributionMeta): Promise<Attribution> {
  const shape = result.shape.length === 4 ? result.shape.slice(1) : result.shape;
  if (shape.length !== 3) {
    result.dispose();
    throw new Error(`${meta.method}: attribution must be [h, w, c]; got shape [${result.shape.join(', ')}]`);
  }
  const [height, width, channels] = shape as [number, number, number];
  const all = (await result.data()) as Float32Array;
  result.dispose();
  // Copy so the returned buffer is exactly one image and can be transferred on its own.
  const values = new Float32Array(all.subarray(0, height * width * channels));
  const { min, max } = minMax(values);
  return {
    values,
    width,
    height,
    channels,
    method: meta.method,
    ...(meta.layer === undefined ? {} : { layer: meta.layer }),
    target: meta.target,
    ...(meta.resolved === undefined ? {} : { resolved: meta.resolved }),
    stats: {
      min,
      max,
      targetLogit: meta.score.logit,
      targetProbability: meta.score.probability,
      elapsedMs: now() - meta.startedAt,
    },
  };
}

export function now(): number {
  return globalThis.performance.now();
}

/** Options of the plain gradient methods: none. */
const noOptions = z.object({}).strict();
export type NoOptions = z.infer<typeof noOptions>;

/**
 * A method that is the input gradient of the target's pre-softmax score under one ReLU backward
 * rule: vanilla gradient ('gradient'), guided backprop ('guided') and deconvnet ('deconvnet') differ
 * only in the rule and their metadata.
 */
export function reluRuleGradient(
  meta: Pick<MethodDef, 'id' | 'label' | 'paper'>,
  reluRule: ReluRule,
): MethodDef<NoOptions> {
  return {
    ...meta,
    kind: 'gradient',
    needsLayer: false,
    options: noOptions,
    display: { reduce: 'max-abs', signed: false },
    batchMaps: (model, input, target) => targetGradient(model, input, target, reluRule),
    async run(model, input, target) {
      const startedAt = now();
      const score = await targetScore(model, input, target);
      const grad = targetGradient(model, input, target, reluRule);
      return toAttribution(grad, { method: meta.id, target, score, startedAt });
    },
  };
}
