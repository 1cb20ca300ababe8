/**
 * Guided backpropagation (Springenberg, Dosovitskiy, Brox & Riedmiller 2015, "Striving for
 * Simplicity: The All Convolutional Net", https://arxiv.org/abs/1412.6806): the input gradient of the
 * target's pre-softmax score where every ReLU passes gradient only where its forward input is > 0 AND
 * the incoming gradient is > 0. The executor applies the rule to every ReLU (layers, fused
 * activations, capped ReLUs such as ReLU6); leaky ReLUs and other nonlinearities keep their true
 * gradient, as in Captum, which overrides nn.ReLU only.
 */
import { reluRuleGradient, type NoOptions } from './common';

export type GuidedBackpropOptions = NoOptions;

export const guidedBackprop = reluRuleGradient(
  {
    id: 'guided-backprop',
    label: 'Guided backprop',
    paper: {
      title: 'Striving for Simplicity: The All Convolutional Net',
      authors: 'Springenberg, Dosovitskiy, Brox, Riedmiller',
      year: 2015,
      url: 'https://arxiv.org/abs/1412.6806',
    },
  },
  'guided',
);
