/**
 * Layer-wise relevance propagation (Bach, Binder, Montavon, Klauschen, Müller & Samek 2015, "On
 * Pixel-Wise Explanations for Non-Linear Classifier Decisions by Layer-Wise Relevance Propagation";
 * rules as in Montavon et al. 2019, "Layer-Wise Relevance Propagation: An Overview"): the target's
 * logit is redistributed layer by layer down to the pixels (lrp/graph.ts walks the layers, lrp/rules.ts
 * holds the rules). One rule for every affine layer (epsilon by default, Captum's epsilon 1e-9; z+;
 * alpha-beta with alpha - beta = 1) or the overview's composite (epsilon for dense, alpha-beta for
 * conv), optionally another for the layer that reads the pixels (z^B with the model's input range as
 * bounds, w², flat); the overview's full recipe is rule 'composite' with firstLayer 'z-b'. BatchNorm is folded into the conv before it.
 * Conservation is reported: `relevanceSum` and `conservationError` = |sum R - logit| / |logit|.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { programOf, type Program } from '../model/executor';
import type { Executor } from '../model/types';
import { channelRange } from './baselines';
import { now, targetScore, toAttribution } from './common';
import { propagate, unsupportedLayers } from './lrp/graph';
import { OpPool } from './lrp/rules';
import type { MethodDef } from './types';

const options = z.object({
  /**
   * Rule for every conv / dense / batch-norm layer, or 'composite' (Montavon et al. 2019): epsilon
   * for dense layers, alpha-beta (the alpha and beta below; z+ at their defaults) for the others.
   */
  rule: z.enum(['epsilon', 'z-plus', 'alpha-beta', 'composite']).default('epsilon'),
  /** Stabiliser of every division (z + epsilon · sign z); the epsilon rule's epsilon. */
  epsilon: z.number().min(0).max(1e3).default(1e-9),
  /** alpha-beta weights of positive and negative contributions; alpha - beta must be 1. */
  alpha: z.number().min(1).max(100).default(1),
  beta: z.number().min(0).max(99).default(0),
  /** Rule for the layer(s) reading the image: 'same' (the rule above), 'z-b', 'w-square' or 'flat'. */
  firstLayer: z.enum(['same', 'z-b', 'w-square', 'flat']).default('same'),
}).strict().superRefine((o, ctx) => {
  if (Math.abs(o.alpha - o.beta - 1) > 1e-9) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['beta'], message: `alpha - beta must be 1 (relevance is conserved only then); got alpha ${o.alpha}, beta ${o.beta}` });
  }
});
export type LrpOptions = z.infer<typeof options>;

export const lrp: MethodDef<LrpOptions> = {
  id: 'lrp',
  label: 'Layer-wise relevance propagation',
  kind: 'gradient',
  needsLayer: false,
  paper: {
    title: 'On Pixel-Wise Explanations for Non-Linear Classifier Decisions by Layer-Wise Relevance Propagation',
    authors: 'Bach, Binder, Montavon, Klauschen, Müller, Samek',
    year: 2015,
    url: 'https://doi.org/10.1371/journal.pone.0130140',
  },
  options,
  display: { reduce: 'sum', signed: true },
  unsupported: unsupportedLayers,
  // Relevance of each image depends on that image alone: SmoothGrad can wrap LRP in one pass.
  batchMaps: (model, input, target, o) => relevanceOf(model, input, target, o).relevance,
  async run(model, input, target, o) {
    const startedAt = now();
    programFor(model);
    const score = await targetScore(model, input, target);
    const first = tf.slice(input, [0, 0, 0, 0], [1, -1, -1, -1]);
    let result: ReturnType<typeof relevanceOf>;
    try {
      result = relevanceOf(model, first, target, o);
    } finally {
      first.dispose();
    }
    const { relevance, nonReluActivations: nonRelu } = result;
    const sumT = tf.sum(relevance);
    const relevanceSum = (await sumT.data())[0];
    sumT.dispose();
    const attribution = await toAttribution(relevance, { method: 'lrp', target, score, startedAt });
    attribution.stats.extra = {
      relevanceSum,
      conservationError: Math.abs(relevanceSum - score.logit) / Math.max(Math.abs(score.logit), 1e-12),
      nonReluActivations: nonRelu,
    };
    return attribution;
  },
};

/** The executor's compiled program, or the error saying why LRP cannot run on this model. */
function programFor(model: Executor): Readonly<Program> {
  const program = programOf(model);
  const why = unsupportedLayers(model.info);
  if (why !== undefined || program === undefined) throw new Error(why ?? unsupportedLayers({ ...model.info, layers: [] }));
  return program;
}

/** Relevance maps of every image of `input` (the caller owns them), and the non-ReLU count. */
function relevanceOf(model: Executor, input: tf.Tensor4D, target: number, o: LrpOptions): { relevance: tf.Tensor4D; nonReluActivations: number } {
  const program = programFor(model);
  const range = channelRange(model.info);
  const bounds = {
    low: range.black.map((b, ch) => Math.min(b, range.white[ch])),
    high: range.black.map((b, ch) => Math.max(b, range.white[ch])),
  };
  const pool = new OpPool();
  try {
    let nonReluActivations = 0;
    const relevance = tf.tidy(() => {
      const result = propagate(program, model.info, input, target, { ...o, bounds }, pool);
      nonReluActivations = result.nonReluActivations;
      return result.relevance;
    });
    return { relevance, nonReluActivations };
  } finally {
    pool.dispose();
  }
}
