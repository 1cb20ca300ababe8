/**
 * Tiny hand-weighted Executors whose input gradients can be written down by hand (Captum's
 * one-conv test nets). They implement the Executor contract with plain tfjs ops, exactly as the
 * real executor does, so methods see no difference.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Executor, ModelInfo } from '../../src/model/types';

function info(id: string, inputShape: [number, number, number], labels: string[]): ModelInfo {
  return {
    id,
    inputShape,
    numClasses: labels.length,
    labels,
    preprocessing: { range: [0, 1] },
    layers: [],
    logitsLayer: 'logits',
  };
}

/**
 * f(x) = W · flatten(x) + b. `weights[k]` is class k's weight vector over the row-major
 * flattened [h, w, c] input, so d logit_k / dx = weights[k] exactly.
 */
export function linearNet(
  inputShape: [number, number, number],
  weights: number[][],
  bias: number[],
  labels = weights.map((_, k) => `class ${k}`),
): Executor {
  const size = inputShape[0] * inputShape[1] * inputShape[2];
  const w = tf.tidy(() => tf.transpose(tf.tensor2d(weights)) as tf.Tensor2D); // [size, classes]
  const b = tf.tensor1d(bias);
  const forward = (x: tf.Tensor4D) => ({
    logits: tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [-1, size]), w), b) as tf.Tensor2D),
    taps: {},
  });
  return {
    info: info('linear-test', inputShape, labels),
    forward,
    predict: (x) => tf.tidy(() => tf.softmax(forward(x).logits)),
    dispose: () => { w.dispose(); b.dispose(); },
  };
}

/**
 * 3x3x1 input -> conv 2x2 (kernel [[1,-1],[-1,1]], no bias, valid) -> ReLU -> dense 4 -> 2.
 * On CONV_X the conv outputs are [[2, -3], [-4, 2]]: units (0,0) and (1,1) active, the others not.
 */
export const CONV_X = [1, 0, 2, 0, 1, 0, 3, 0, 1];
export const CONV_DENSE = [
  [1, 2, 3, 4], // class 0 ("zero") over the flattened ReLU outputs
  [-1, 0.5, 0, 2], // class 1 ("one")
];

export function convReluNet(): Executor {
  const kernel = tf.tensor4d([1, -1, -1, 1], [2, 2, 1, 1]);
  const dense = tf.tidy(() => tf.transpose(tf.tensor2d(CONV_DENSE)) as tf.Tensor2D); // [4, 2]
  const forward = (x: tf.Tensor4D) => ({
    logits: tf.tidy(() => {
      const h = tf.relu(tf.conv2d(x, kernel, 1, 'valid'));
      return tf.matMul(tf.reshape(h, [-1, 4]), dense) as tf.Tensor2D;
    }),
    taps: {},
  });
  return {
    info: info('conv-relu-test', [3, 3, 1], ['zero', 'one']),
    forward,
    predict: (x) => tf.tidy(() => tf.softmax(forward(x).logits)),
    dispose: () => { kernel.dispose(); dense.dispose(); },
  };
}

/** Deterministic pseudo-random numbers in [0, 1) for test inputs and weights. */
export { mulberry32 as seeded } from '../../src/methods/random';

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}
