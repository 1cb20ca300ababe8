/**
 * Max pooling's gradient splits a window's gradient equally among tied maxima, identically on cpu and
 * wasm (tfjs's own MaxPoolGrad picks the first tied cell on cpu and the last on wasm/webgl/webgpu, which
 * made browser saliency maps differ from Node's on flat image areas).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '#tfjs-gradients';
import { maxPool } from '../../src/model/ops/max-pool';

type Padding = 'valid' | 'same';
const grad = (x: tf.Tensor4D, size: [number, number], padding: Padding, weights?: tf.Tensor) =>
  tf.tidy(() => Array.from(tf.grad((v: tf.Tensor) => {
    const y = maxPool(v as tf.Tensor4D, size, size, padding);
    return tf.sum(weights ? tf.mul(y, weights) : y);
  })(x).dataSync()));
const tfGrad = (x: tf.Tensor4D, size: [number, number], padding: Padding, weights: tf.Tensor) =>
  tf.tidy(() => Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, size, size, padding), weights)))(x).dataSync()));

/** Distinct values (no ties), so the true gradient is unique and tf's must agree. */
function distinct(h: number, w: number, c: number, seed: number): tf.Tensor4D {
  const n = h * w * c;
  const values = Array.from({ length: n }, (_, i) => ((i * 7919 + seed * 104729) % n) - n / 2);
  return tf.tensor4d(values, [1, h, w, c]);
}

beforeAll(async () => {
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  await tf.setBackend('cpu');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('maxPool gradient', () => {
  it('splits a window of four equal values into quarters', () => {
    expect(grad(tf.ones([1, 2, 2, 1]), [2, 2], 'valid')).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('gives a tied pair half each and the rest nothing (hand-computed)', () => {
    // One 2x2 window [[3, 1], [3, 2]]: maxima at positions 0 and 2.
    expect(grad(tf.tensor4d([3, 1, 3, 2], [1, 2, 2, 1]), [2, 2], 'valid')).toEqual([0.5, 0, 0.5, 0]);
  });

  it('returns the forward value of tf.maxPool', () => {
    const x = distinct(6, 6, 2, 3);
    const ours = tf.tidy(() => Array.from(maxPool(x, [2, 2], [2, 2], 'valid').dataSync()));
    const theirs = tf.tidy(() => Array.from(tf.maxPool(x, [2, 2], [2, 2], 'valid').dataSync()));
    expect(ours).toEqual(theirs);
  });

  for (const [h, w, padding] of [[6, 6, 'valid'], [5, 7, 'valid'], [5, 7, 'same'], [7, 7, 'same']] as const) {
    it(`equals tf's gradient without ties: ${h}x${w}, ${padding}`, () => {
      const x = distinct(h, w, 3, h + w);
      const outH = padding === 'same' ? Math.ceil(h / 2) : Math.floor(h / 2);
      const outW = padding === 'same' ? Math.ceil(w / 2) : Math.floor(w / 2);
      const weights = tf.tensor4d(Array.from({ length: outH * outW * 3 }, (_, i) => 1 + (i % 5)), [1, outH, outW, 3]);
      expect(grad(x, [2, 2], padding, weights)).toEqual(tfGrad(x, [2, 2], padding, weights));
    });
  }

  it('gives dropped trailing rows (valid padding) no gradient', () => {
    const g = grad(tf.ones([1, 3, 3, 1]), [2, 2], 'valid');
    expect(g).toEqual([0.25, 0.25, 0, 0.25, 0.25, 0, 0, 0, 0]);
  });

  it('is the same on wasm as on cpu when maxima are tied', async () => {
    const x = tf.tensor4d([1, 1, 0, 2, 1, 1, 2, 2, 5, 5, 3, 3, 5, 5, 3, 3], [1, 4, 4, 1]);
    const cpu = grad(x, [2, 2], 'valid');
    const third = Math.fround(1 / 3); // the top-right window [[0, 2], [2, 2]] has three tied maxima
    expect(cpu).toEqual([0.25, 0.25, 0, third, 0.25, 0.25, third, third, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25]);
    const data = x.arraySync();
    expect(await tf.setBackend('wasm')).toBe(true);
    const onWasm = grad(tf.tensor4d(data), [2, 2], 'valid');
    await tf.setBackend('cpu');
    expect(onWasm).toEqual(cpu);
  });
});
