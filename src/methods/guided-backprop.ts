/**
 * Guided backpropagation (Springenberg, Dosovitskiy, Brox & Riedmiller 2015, "Striving for
 * Simplicity: The All Convolutional Net", https://arxiv.org/abs/1412.6806): the input gradient of the
 * target's pre-softmax score where every ReLU passes gradient only where its forward input is > 0 AND
 * the incoming gradient is > 0. The executor applies the rule to every ReLU (layers, fused
 * activations, capped ReLUs such as ReLU6); leaky ReLUs and other nonlinearities keep their true
 * gradient, as in Captum, which overrides nn.ReLU only.
 */
import { z } from 'zod';
import { now, targetGradient, targetScore, toAttribution } from './common';
import type { MethodDef } from './types';

const options = z.object({}).strict();
export type GuidedBackpropOptions = z.infer<typeof options>;

export const guidedBackprop: MethodDef<GuidedBackpropOptions> = {
  id: 'guided-backprop',
  label: 'Guided backprop',
  kind: 'gradient',
  needsLayer: false,
  paper: {
    title: 'Striving for Simplicity: The All Convolutional Net',
    authors: 'Springenberg, Dosovitskiy, Brox, Riedmiller',
    year: 2015,
    url: 'https://arxiv.org/abs/1412.6806',
  },
  options,
  display: { reduce: 'max-abs', signed: false },
  batchMaps: (model, input, target) => targetGradient(model, input, target, 'guided'),
  async run(model, input, target) {
    const startedAt = now();
    const score = await targetScore(model, input, target);
    const map = targetGradient(model, input, target, 'guided');
    return toAttribution(map, { method: 'guided-backprop', target, score, startedAt });
  },
};
