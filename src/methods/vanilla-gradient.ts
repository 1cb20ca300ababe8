/**
 * Vanilla gradient (Simonyan, Vedaldi & Zisserman 2014, "Deep Inside Convolutional Networks",
 * https://arxiv.org/abs/1312.6034): the raw gradient of the target's pre-softmax score with respect
 * to the input, same shape as the input (Captum's Saliency with abs=False). The paper's saliency map,
 * max over channels of |grad|, is a display step and happens in src/render (`display.reduce`).
 */
import { z } from 'zod';
import { now, targetGradient, targetScore, toAttribution } from './common';
import type { MethodDef } from './types';

const options = z.object({}).strict();
export type VanillaGradientOptions = z.infer<typeof options>;

export const vanillaGradient: MethodDef<VanillaGradientOptions> = {
  id: 'vanilla-gradient',
  label: 'Vanilla gradient',
  kind: 'gradient',
  needsLayer: false,
  paper: {
    title: 'Deep Inside Convolutional Networks: Visualising Image Classification Models and Saliency Maps',
    authors: 'Simonyan, Vedaldi, Zisserman',
    year: 2014,
    url: 'https://arxiv.org/abs/1312.6034',
  },
  options,
  display: { reduce: 'max-abs', signed: false },
  batchMaps: (model, input, target) => targetGradient(model, input, target),
  async run(model, input, target) {
    const startedAt = now();
    const score = await targetScore(model, input, target);
    const grad = targetGradient(model, input, target);
    return toAttribution(grad, { method: 'vanilla-gradient', target, score, startedAt });
  },
};
