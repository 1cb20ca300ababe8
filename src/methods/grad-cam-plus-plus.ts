/**
 * Grad-CAM++ (Chattopadhay, Sarkar, Howlader & Balasubramanian 2018, https://arxiv.org/abs/1710.11063):
 * Grad-CAM with pixel-wise weights. With Y = exp(S_c) the paper's closed form writes the second and
 * third derivatives as powers of the first, g = d S_c / d A:
 *   alpha_kij = g^2 / (2 g^2 + sum_ab A_kab g^3),  w_k = sum_ij alpha_kij ReLU(dY/dA_kij),
 *   map = ReLU(sum_k w_k A_k), upsampled bilinearly to the input size (H x W x 1).
 * dY/dA = exp(S_c) g; the positive factor exp(S_c) is common to every weight, so it is dropped (as
 * in pytorch-grad-cam): it would overflow float32 for S_c > 88 and only rescales the map.
 * alpha is 0 where g = 0 or the denominator is 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import { now, targetScore, toAttribution } from './common';
import { layerGradient, layerOptions, noSpatialLayer, resolveLayer, upsample, weightedMaps, type LayerOptions } from './layer-maps';
import type { MethodDef } from './types';

export type GradCamPlusPlusOptions = LayerOptions;

/** The channel weights w_k, [batch, k], from A and g = dS/dA ([batch, h, w, k]). */
export function gradCamPlusPlusWeights(activation: tf.Tensor4D, grad: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const g2 = tf.square(grad);
    const g3 = tf.mul(g2, grad);
    const sumA = tf.sum(activation, [1, 2], true);
    const denom = tf.add(tf.mul(2, g2), tf.mul(sumA, g3));
    const safe = tf.where(tf.equal(denom, 0), tf.onesLike(denom), denom);
    const alpha = tf.where(tf.logicalOr(tf.equal(grad, 0), tf.equal(denom, 0)), tf.zerosLike(g2), tf.div(g2, safe));
    return tf.sum(tf.mul(alpha, tf.relu(grad)), [1, 2]) as tf.Tensor2D;
  });
}

export const gradCamPlusPlus: MethodDef<GradCamPlusPlusOptions> = {
  id: 'grad-cam-plus-plus',
  label: 'Grad-CAM++',
  kind: 'layer',
  needsLayer: true,
  paper: {
    title: 'Grad-CAM++: Improved Visual Explanations for Deep Convolutional Networks',
    authors: 'Chattopadhay, Sarkar, Howlader, Balasubramanian',
    year: 2018,
    url: 'https://arxiv.org/abs/1710.11063',
  },
  options: layerOptions,
  display: { reduce: 'sum', signed: false },
  unsupported: (info) => noSpatialLayer(info, 'grad-cam-plus-plus'),
  async run(model, input, target, options) {
    const startedAt = now();
    const layer = resolveLayer(model.info, options.layer, 'grad-cam-plus-plus').name;
    const score = await targetScore(model, input, target);
    const { activation, grad } = layerGradient(model, input, layer, target);
    const [h, w] = model.info.inputShape;
    const up = tf.tidy(() => upsample(tf.relu(weightedMaps(activation, gradCamPlusPlusWeights(activation, grad))) as tf.Tensor4D, [h, w]));
    activation.dispose();
    grad.dispose();
    return toAttribution(up, { method: 'grad-cam-plus-plus', target, layer, score, startedAt });
  },
};
