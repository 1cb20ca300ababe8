/**
 * What the class activation map methods (cam, grad-cam, grad-cam-plus-plus, guided-grad-cam) share:
 * the `layer` option and its default (the last layer with a 4-D output, as tf-explain and
 * tf-keras-vis choose), the gradient of the target score with respect to that layer's output, the
 * channel-weighted sum of its maps, and the bilinear upsampling of a map to the input size.
 */
import * as tf from '@tensorflow/tfjs-core';
import '#tfjs-gradients';
import { z } from 'zod';
import { ModelError, listNames } from '../model/errors';
import type { Executor, LayerInfo, ModelInfo } from '../model/types';

/** The options of every CAM method: the layer whose maps are weighted (default: see defaultLayer). */
export const layerOptions = z.object({
  /** Layer name from the model's layer table; must have a [height, width, channels] output. */
  layer: z.string().min(1).optional(),
}).strict();
export type LayerOptions = z.infer<typeof layerOptions>;

/** Layers whose output is [batch, h, w, c], in table (topological) order; the input is not one. */
export function spatialLayers(info: ModelInfo): LayerInfo[] {
  return info.layers.filter((l) => l.kind !== 'input' && l.outputShape.length === 3);
}

/** Why `method` cannot run on this model at all (no 4-D layer), or undefined. */
export function noSpatialLayer(info: ModelInfo, method: string): string | undefined {
  if (spatialLayers(info).length > 0) return undefined;
  return new ModelError(info.id, `${method} needs a layer with a [height, width, channels] output; the model has none (layers: ${listNames(info.layers.map((l) => l.name)) || 'no layer table'})`).message;
}

/**
 * The named layer, or the last 4-D one. Throws "unknown layer 'x' for grad-cam; layers with a
 * [height, width, channels] output: conv1, ..." so the reader sees what can be chosen.
 */
export function resolveLayer(info: ModelInfo, layer: string | undefined, method: string): LayerInfo {
  const spatial = spatialLayers(info);
  const none = noSpatialLayer(info, method);
  if (none !== undefined) throw new Error(none);
  if (layer === undefined) return spatial[spatial.length - 1];
  const found = spatial.find((l) => l.name === layer);
  if (found !== undefined) return found;
  const exists = info.layers.some((l) => l.name === layer);
  const why = exists ? `layer '${layer}' has no [height, width, channels] output` : `unknown layer '${layer}' for ${method}`;
  throw new ModelError(info.id, `${why}; layers with a [height, width, channels] output: ${listNames(spatial.map((l) => l.name), 200)}`);
}

/**
 * The layer's output A and d(score of `target`)/dA, both [batch, h, w, k]; caller owns both. The
 * forward pass is split at the layer (ForwardOptions.replace), so the gradient is taken with
 * respect to the activation itself, whatever branches bypass it.
 */
export function layerGradient(model: Executor, input: tf.Tensor4D, layer: string, target: number): { activation: tf.Tensor4D; grad: tf.Tensor4D } {
  const activation = tf.tidy(() => model.forward(input, { taps: [layer] }).taps[layer] as tf.Tensor4D);
  const score = (a: tf.Tensor): tf.Scalar => {
    const { logits } = model.forward(input, { replace: { [layer]: a } });
    return tf.sum(tf.slice(logits, [0, target], [-1, 1]));
  };
  try {
    const grad = tf.tidy(() => tf.grad(score)(activation) as tf.Tensor4D);
    return { activation, grad };
  } catch (err) {
    activation.dispose();
    throw err;
  }
}

/** sum_k weights[b, k] * A[b, :, :, k] -> [batch, h, w, 1]. */
export function weightedMaps(activation: tf.Tensor4D, weights: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, , , k] = activation.shape;
    return tf.sum(tf.mul(activation, tf.reshape(weights, [b, 1, 1, k])), 3, true) as tf.Tensor4D;
  });
}

/**
 * Bilinear upsampling of [batch, h, w, c] maps to `size` with half-pixel centres and no corner
 * alignment (OpenCV's cv2.resize and PyTorch's align_corners=False, which pytorch-grad-cam and
 * tf-explain use): output pixel i samples the source at (i + 0.5) * h / H - 0.5, clamped to the
 * edge. A 2x2 map [[0, 1], [2, 3]] becomes rows [0, .25, .75, 1], [.5, .75, 1.25, 1.5], ...
 */
export function upsample(maps: tf.Tensor4D, [height, width]: [number, number]): tf.Tensor4D {
  return tf.image.resizeBilinear(maps, [height, width], false, true);
}
