/**
 * Vanilla gradient (Simonyan, Vedaldi & Zisserman 2014, "Deep Inside Convolutional Networks",
 * https://arxiv.org/abs/1312.6034): the raw gradient of the target's pre-softmax score with respect
 * to the input, same shape as the input (Captum's Saliency with abs=False). The paper's saliency map,
 * max over channels of |grad|, is a display step and happens in src/render (`display.reduce`).
 */
import { reluRuleGradient, type NoOptions } from './common';

export type VanillaGradientOptions = NoOptions;

export const vanillaGradient = reluRuleGradient(
  {
    id: 'vanilla-gradient',
    label: 'Vanilla gradient',
    paper: {
      title: 'Deep Inside Convolutional Networks: Visualising Image Classification Models and Saliency Maps',
      authors: 'Simonyan, Vedaldi, Zisserman',
      year: 2014,
      url: 'https://arxiv.org/abs/1312.6034',
    },
  },
  'gradient',
);
