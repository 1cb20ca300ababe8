/**
 * Feature inversion (Mahendran & Vedaldi 2015, "Understanding Deep Image Representations by
 * Inverting Them"): find an image whose features at a layer match those of a given image, by
 * minimizing ||phi(x) - phi0||^2 / ||phi0||^2 + lambda_6 ||x||_6^6 + lambda_tv TV_beta(x), beta = 2.
 * The paper's lambdas are normalized by image size and range; here both penalties are sums over
 * [0, 1] pixels (centred at 0.5) divided by the pixel count, with weights chosen so that a 28 px and
 * a 64 px image get the same relative pull. Adam instead of the paper's momentum SGD.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Executor } from '../../model/types';
import { featureDistance, lpNorm, neg, scale, sum, toModelInput, totalVariation } from '../objectives';
import { optimize, type OptimizeResult, type Progress } from '../optimize';

export interface InversionOptions {
  layer: string;
  /** [h, w, c] pixels in [0, 1] at the model's input size. */
  image: Float32Array;
  steps?: number;
  learningRate?: number;
  /** Weight of TV_2 per pixel; 0 turns it off (the article's toggle). */
  tvWeight?: number;
  /** Weight of ||x - 0.5||_6^6 per pixel. */
  l6Weight?: number;
  seed?: number;
  snapshotAt?: number[];
  onProgress?: (p: Progress) => void | Promise<void>;
  signal?: { aborted: boolean };
}

/** The features phi0 of `image` at `layer`, [1, ...]; caller disposes. */
export function featuresOf(model: Executor, layer: string, image: Float32Array): tf.Tensor {
  const [h, w, c] = model.info.inputShape;
  return tf.tidy(() => model.forward(toModelInput(tf.tensor4d(image, [1, h, w, c]), model.info), { taps: [layer] }).taps[layer]);
}

export async function invert(model: Executor, options: InversionOptions): Promise<OptimizeResult> {
  const [h, w, c] = model.info.inputShape;
  const n = h * w * c;
  const target = featuresOf(model, options.layer, options.image);
  try {
    const objective = neg(sum(
      featureDistance(options.layer, target),
      scale(totalVariation(2), (options.tvWeight ?? 2) / n),
      scale(lpNorm(6, 0.5), (options.l6Weight ?? 1) / n),
    ));
    return await optimize(model, {
      objective,
      param: { kind: 'pixel', decorrelate: false, squash: 'clip' },
      steps: options.steps ?? 200,
      learningRate: options.learningRate ?? 0.02,
      seed: options.seed ?? 0,
      ...(options.snapshotAt ? { snapshotAt: options.snapshotAt } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } finally {
    target.dispose();
  }
}
