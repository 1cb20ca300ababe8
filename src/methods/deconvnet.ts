/**
 * Deconvnet (Zeiler & Fergus 2014, "Visualizing and Understanding Convolutional Networks",
 * https://arxiv.org/abs/1311.2901): the target's pre-softmax score projected back to the input,
 * where every ReLU passes only the positive part of the incoming gradient, whatever its forward input
 * was. As in Springenberg 2015 and Captum, it is applied to the whole network rather than to one
 * feature map, and max-pools route through the forward argmax (the paper's "switches").
 */
import { z } from 'zod';
import { now, targetGradient, targetScore, toAttribution } from './common';
import type { MethodDef } from './types';

const options = z.object({}).strict();
export type DeconvnetOptions = z.infer<typeof options>;

export const deconvnet: MethodDef<DeconvnetOptions> = {
  id: 'deconvnet',
  label: 'Deconvnet',
  kind: 'gradient',
  needsLayer: false,
  paper: {
    title: 'Visualizing and Understanding Convolutional Networks',
    authors: 'Zeiler, Fergus',
    year: 2014,
    url: 'https://arxiv.org/abs/1311.2901',
  },
  options,
  display: { reduce: 'max-abs', signed: false },
  batchMaps: (model, input, target) => targetGradient(model, input, target, 'deconvnet'),
  async run(model, input, target) {
    const startedAt = now();
    const score = await targetScore(model, input, target);
    const map = targetGradient(model, input, target, 'deconvnet');
    return toAttribution(map, { method: 'deconvnet', target, score, startedAt });
  },
};
