/**
 * Guided Grad-CAM (Selvaraju et al. 2017, https://arxiv.org/abs/1610.02391, section 3.1): guided
 * backpropagation (Springenberg 2015: the input gradient with every ReLU passing only positive
 * gradient where its input was positive) times the Grad-CAM map upsampled bilinearly to the input
 * size, element-wise per channel, so the result has the input's shape. The paper upsamples the
 * same way; it shows |result| as an image, hence the max-abs display.
 */
import * as tf from '@tensorflow/tfjs-core';
import { now, targetGradient, targetScore, toAttribution } from './common';
import { GRAD_CAM_PAPER, upsampledGradCam } from './grad-cam';
import { layerOptions, noSpatialLayer, resolveLayer, type LayerOptions } from './layer-maps';
import type { MethodDef } from './types';

export type GuidedGradCamOptions = LayerOptions;

export const guidedGradCam: MethodDef<GuidedGradCamOptions> = {
  id: 'guided-grad-cam',
  label: 'Guided Grad-CAM',
  kind: 'layer',
  needsLayer: true,
  paper: GRAD_CAM_PAPER,
  options: layerOptions,
  display: { reduce: 'max-abs', signed: false },
  unsupported: (info) => noSpatialLayer(info, 'guided-grad-cam'),
  async run(model, input, target, options) {
    const startedAt = now();
    const layer = resolveLayer(model.info, options.layer, 'guided-grad-cam').name;
    const score = await targetScore(model, input, target);
    const map = upsampledGradCam(model, input, layer, target);
    const guided = targetGradient(model, input, target, 'guided');
    // + 0 turns the -0 of (negative gradient) x (zero map) into 0, so min/max stats are plain zeros.
    const product = tf.tidy(() => tf.add(tf.mul(guided, map), 0) as tf.Tensor4D);
    map.dispose();
    guided.dispose();
    return toAttribution(product, { method: 'guided-grad-cam', target, layer, score, startedAt });
  },
};
