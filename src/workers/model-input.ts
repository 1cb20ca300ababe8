/**
 * Pixels from the page -> the model's input, for every operation: the one place that checks the
 * channel count and runs the model's preprocessing (src/model/preprocess.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '../model/errors';
import { pixelsToInput, type PixelChannels } from '../model/preprocess';
import type { Executor } from '../model/types';
import type { ImagePixels } from './protocol';

/** The model's input values of one image, [h * w * c], preprocessed. */
export function modelInput(model: Executor, image: ImagePixels): Float32Array {
  const { data, width, height, channels } = image;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new ModelError(model.info.id, `images have 1, 3 or 4 channels; got ${channels}`);
  }
  return pixelsToInput(data, width, height, channels as PixelChannels, model.info);
}

/** The same as a [1, h, w, c] tensor; the caller disposes it. */
export function inputTensor(model: Executor, image: ImagePixels): tf.Tensor4D {
  const [h, w, c] = model.info.inputShape;
  return tf.tensor4d(modelInput(model, image), [1, h, w, c]);
}
