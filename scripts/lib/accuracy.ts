/**
 * Top-1 accuracy of a classifier over an ImageSet, in batches so 10,000 images stay within memory.
 * Pixels are scaled to [0, 1] (every shipped model's glimpse.json preprocessing range); models with
 * other preprocessing should be given a `predict` that applies it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ImageSet } from './image-data';

export interface AccuracyResult {
  correct: number;
  count: number;
  accuracy: number;
  /** Predicted class of each image, in order. */
  predictions: number[];
}

export async function accuracy(
  predict: (x: tf.Tensor4D) => tf.Tensor,
  set: ImageSet,
  batchSize = 500,
): Promise<AccuracyResult> {
  const { height, width, channels } = set;
  const size = height * width * channels;
  const predictions: number[] = [];
  for (let start = 0; start < set.count; start += batchSize) {
    const n = Math.min(batchSize, set.count - start);
    const classes = tf.tidy(() => {
      const raw = Float32Array.from(set.pixels.subarray(start * size, (start + n) * size));
      // float32 division by 255, as training did (numpy float32 / 255.0).
      const x = tf.div(tf.tensor4d(raw, [n, height, width, channels]), 255) as tf.Tensor4D;
      return tf.argMax(predict(x), 1);
    });
    predictions.push(...(await classes.data()));
    classes.dispose();
  }
  const correct = predictions.reduce((acc, p, i) => acc + (p === set.labels[i] ? 1 : 0), 0);
  return { correct, count: set.count, accuracy: correct / set.count, predictions };
}
