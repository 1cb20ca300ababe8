/**
 * Penultimate features: the input of the logits layer (after global pooling in the shipped models),
 * flattened, one row per image; the space that neighbours and embeddings work in.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Executor, ModelInfo } from '../model/types';
import type { ImageSource } from './types';

export interface FeatureMatrix {
  layer: string;
  count: number;
  dim: number;
  /** Row-major [count, dim]. */
  values: Float32Array;
}

export function penultimateLayer(info: ModelInfo): string {
  const logits = info.layers.find((l) => l.name === info.logitsLayer);
  const input = logits?.inputs[0];
  if (input === undefined) throw new Error(`model '${info.id}': the logits layer '${info.logitsLayer}' has no input layer to take features from`);
  return input;
}

export async function extractFeatures(model: Executor, images: ImageSource, layer = penultimateLayer(model.info), batchSize = 100): Promise<FeatureMatrix> {
  const shape = model.info.layers.find((l) => l.name === layer)?.outputShape;
  if (shape === undefined) throw new Error(`model '${model.info.id}': unknown layer '${layer}'`);
  const dim = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(images.count * dim);
  for (let start = 0; start < images.count; start += batchSize) {
    const end = Math.min(images.count, start + batchSize);
    const t = tf.tidy(() => model.forward(images.batch(start, end), { taps: [layer] }).taps[layer]);
    values.set(await t.data() as Float32Array, start * dim);
    t.dispose();
  }
  return { layer, count: images.count, dim, values };
}
