/**
 * Grad-CAM (Selvaraju et al. 2017, "Grad-CAM: Visual Explanations from Deep Networks via
 * Gradient-based Localization", https://arxiv.org/abs/1610.02391): channel weights
 * alpha_k = spatial mean of d S_c / d A_k at a layer (default: the last with a 4-D output), map =
 * ReLU(sum_k alpha_k A_k), upsampled bilinearly to the input size, so the result is H x W x 1.
 * As in the paper and pytorch-grad-cam, the raw map is returned; no normalization to [0, 1].
 */
import * as tf from '@tensorflow/tfjs-core';
import { now, targetScore, toAttribution } from './common';
import { layerGradient, layerOptions, noSpatialLayer, resolveLayer, upsample, weightedMaps, type LayerOptions } from './layer-maps';
import type { Executor } from '../model/types';
import type { MethodDef } from './types';

export type GradCamOptions = LayerOptions;

/** ReLU(sum_k alpha_k A_k) at `layer`'s resolution, [batch, h, w, 1]; caller owns it. */
export function gradCamMap(model: Executor, input: tf.Tensor4D, layer: string, target: number): tf.Tensor4D {
  const { activation, grad } = layerGradient(model, input, layer, target);
  const map = tf.tidy(() => tf.relu(weightedMaps(activation, tf.mean(grad, [1, 2]) as tf.Tensor2D)) as tf.Tensor4D);
  activation.dispose();
  grad.dispose();
  return map;
}

/** Grad-CAM upsampled to the input size, [batch, H, W, 1]; caller owns it. Guided Grad-CAM reuses it. */
export function upsampledGradCam(model: Executor, input: tf.Tensor4D, layer: string, target: number): tf.Tensor4D {
  const map = gradCamMap(model, input, layer, target);
  const [h, w] = model.info.inputShape;
  const up = upsample(map, [h, w]);
  map.dispose();
  return up;
}

export const GRAD_CAM_PAPER = {
  title: 'Grad-CAM: Visual Explanations from Deep Networks via Gradient-based Localization',
  authors: 'Selvaraju, Cogswell, Das, Vedantam, Parikh, Batra',
  year: 2017,
  url: 'https://arxiv.org/abs/1610.02391',
};

export const gradCam: MethodDef<GradCamOptions> = {
  id: 'grad-cam',
  label: 'Grad-CAM',
  kind: 'layer',
  needsLayer: true,
  paper: GRAD_CAM_PAPER,
  options: layerOptions,
  display: { reduce: 'sum', signed: false },
  unsupported: (info) => noSpatialLayer(info, 'grad-cam'),
  async run(model, input, target, options) {
    const startedAt = now();
    const layer = resolveLayer(model.info, options.layer, 'grad-cam').name;
    const score = await targetScore(model, input, target);
    const up = upsampledGradCam(model, input, layer, target);
    return toAttribution(up, { method: 'grad-cam', target, layer, score, startedAt });
  },
};
