/**
 * Gradient x input (Shrikumar, Greenside, Shcherbina & Kundaje 2016, "Not Just a Black Box",
 * https://arxiv.org/abs/1605.01713): gradient of the target's pre-softmax score times the input,
 * element-wise, in the model's input space (after preprocessing). For a linear model it is each
 * input's exact contribution w_i * x_i to the score, hence a signed map summed over channels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { now, targetGradient, targetScore, toAttribution } from './common';
import type { MethodDef } from './types';

const options = z.object({}).strict();
export type GradientXInputOptions = z.infer<typeof options>;

export const gradientXInput: MethodDef<GradientXInputOptions> = {
  id: 'gradient-x-input',
  label: 'Gradient × input',
  kind: 'gradient',
  needsLayer: false,
  paper: {
    title: 'Not Just a Black Box: Learning Important Features Through Propagating Activation Differences',
    authors: 'Shrikumar, Greenside, Shcherbina, Kundaje',
    year: 2016,
    url: 'https://arxiv.org/abs/1605.01713',
  },
  options,
  display: { reduce: 'sum', signed: true },
  batchMaps: (model, input, target) => tf.tidy(() => tf.mul(targetGradient(model, input, target), input) as tf.Tensor4D),
  async run(model, input, target) {
    const startedAt = now();
    const score = await targetScore(model, input, target);
    const grad = targetGradient(model, input, target);
    const product = tf.mul(grad, input);
    grad.dispose();
    return toAttribution(product, { method: 'gradient-x-input', target, score, startedAt });
  },
};
