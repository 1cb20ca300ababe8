/**
 * Deconvnet (Zeiler & Fergus 2014, "Visualizing and Understanding Convolutional Networks",
 * https://arxiv.org/abs/1311.2901): the target's pre-softmax score projected back to the input,
 * where every ReLU passes only the positive part of the incoming gradient, whatever its forward input
 * was. As in Springenberg 2015 and Captum, it is applied to the whole network rather than to one
 * feature map, and max-pools route through the forward argmax (the paper's "switches").
 */
import { reluRuleGradient, type NoOptions } from './common';
import { ZEILER_FERGUS_2014 } from './papers';

export type DeconvnetOptions = NoOptions;

export const deconvnet = reluRuleGradient(
  {
    id: 'deconvnet',
    label: 'Deconvnet',
    paper: ZEILER_FERGUS_2014,
  },
  'deconvnet',
);
