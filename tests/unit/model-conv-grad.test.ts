/**
 * ops/conv.ts: the custom input gradients against tf's own conv gradients, over the
 * geometries that make the padding arithmetic interesting (odd/even kernels, same/valid, strides
 * 1-3, non-square, dilation, depth multipliers).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '#tfjs-gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConv2d, makeDepthwiseConv2d, type ConvGeometry } from '../../src/model/ops/conv';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function close(a: tf.Tensor, b: tf.Tensor, tol = 1e-5): void {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let err = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    err = Math.max(err, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  expect(scale).toBeGreaterThan(0);
  expect(err / scale).toBeLessThan(tol);
}

/** Weighted sum of the output so that every output position gets a different dy. */
function gradOf(f: (x: tf.Tensor4D) => tf.Tensor, x: tf.Tensor4D, weights: tf.Tensor): tf.Tensor {
  return tf.grad((input: tf.Tensor) => tf.sum(tf.mul(f(input as tf.Tensor4D), weights)))(x);
}

/** A dilated kernel as the equivalent dense kernel with zeros between taps. */
function stuff(kernel: tf.Tensor4D, [dh, dw]: [number, number]): tf.Tensor4D {
  const [kh, kw, i, o] = kernel.shape;
  const k = kernel.arraySync();
  const out = tf.buffer([(kh - 1) * dh + 1, (kw - 1) * dw + 1, i, o]);
  for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) for (let c = 0; c < i; c++) for (let d = 0; d < o; d++) {
    out.set(k[a][b][c][d], a * dh, b * dw, c, d);
  }
  return out.toTensor() as tf.Tensor4D;
}

const CASES: Array<[string, number[], ConvGeometry, number]> = [
  ['3x3 same stride 1', [3, 3], { strides: [1, 1], padding: 'same', dilation: [1, 1] }, 9],
  ['3x3 valid stride 1', [3, 3], { strides: [1, 1], padding: 'valid', dilation: [1, 1] }, 9],
  ['4x4 same stride 1 (asymmetric pad)', [4, 4], { strides: [1, 1], padding: 'same', dilation: [1, 1] }, 9],
  ['2x2 valid stride 1', [2, 2], { strides: [1, 1], padding: 'valid', dilation: [1, 1] }, 8],
  ['3x3 same stride 2, odd input', [3, 3], { strides: [2, 2], padding: 'same', dilation: [1, 1] }, 9],
  ['3x3 same stride 2, even input', [3, 3], { strides: [2, 2], padding: 'same', dilation: [1, 1] }, 10],
  ['3x3 valid stride 2', [3, 3], { strides: [2, 2], padding: 'valid', dilation: [1, 1] }, 10],
  ['4x2 same stride 2x1', [4, 2], { strides: [2, 1], padding: 'same', dilation: [1, 1] }, 9],
  ['5x5 same stride 3', [5, 5], { strides: [3, 3], padding: 'same', dilation: [1, 1] }, 11],
  ['1x1 valid stride 2', [1, 1], { strides: [2, 2], padding: 'valid', dilation: [1, 1] }, 9],
  ['2x2 valid stride 2 drops the last row', [2, 2], { strides: [2, 2], padding: 'valid', dilation: [1, 1] }, 9],
];

describe('conv2d input gradient (flipped kernel at stride 1, conv2dTranspose when strided)', () => {
  for (const [label, [kh, kw], g, size] of CASES) {
    it(`${label}: equals tf.conv2d's gradient`, () => {
      tf.tidy(() => {
        const x = tf.randomNormal([2, size, size + 1, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
        const kernel = tf.randomNormal([kh, kw, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
        const op = makeConv2d(kernel, g);
        const y = op(x);
        const expectedY = tf.conv2d(x, kernel, g.strides, g.padding);
        close(y, expectedY);
        const w = tf.randomNormal(y.shape, 0, 1, 'float32', 3);
        close(gradOf(op, x, w), gradOf((v) => tf.conv2d(v, kernel, g.strides, g.padding), x, w));
        op.dispose();
      });
    });
  }

  it('dilation 2, same and valid: equals the gradient through the zero-stuffed kernel', () => {
    for (const padding of ['same', 'valid'] as const) {
      tf.tidy(() => {
        const x = tf.randomNormal([1, 11, 10, 2], 0, 1, 'float32', 4) as tf.Tensor4D;
        const kernel = tf.randomNormal([3, 2, 2, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
        const op = makeConv2d(kernel, { strides: [1, 1], padding, dilation: [2, 3] });
        const dense = stuff(kernel, [2, 3]);
        const reference = (v: tf.Tensor4D) => tf.conv2d(v, dense, 1, padding);
        close(op(x), reference(x));
        const w = tf.randomNormal(reference(x).shape, 0, 1, 'float32', 6);
        close(gradOf(op, x, w), gradOf(reference, x, w));
        op.dispose();
      });
    }
  });
});

describe('depthwise input gradient (the wasm backend has no DepthwiseConv2dNativeBackpropInput)', () => {
  for (const [label, [kh, kw], g, size] of CASES.filter(([, k, geom]) => k[0] === k[1] || geom.strides[0] === geom.strides[1])) {
    for (const [multiplier, backendKernel] of [[1, false], [2, false], [2, true]] as const) {
      const path = backendKernel ? 'the backend kernel where strided' : 'the flipped kernel';
      it(`${label}, depth multiplier ${multiplier}, ${path}: equals tf.depthwiseConv2d's gradient`, () => {
        tf.tidy(() => {
          const x = tf.randomNormal([2, size, size, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
          const kernel = tf.randomNormal([kh, kw, 3, multiplier], 0, 1, 'float32', 8) as tf.Tensor4D;
          const op = makeDepthwiseConv2d(kernel, g, backendKernel);
          const reference = (v: tf.Tensor4D) => tf.depthwiseConv2d(v, kernel, g.strides, g.padding);
          close(op(x), reference(x));
          const w = tf.randomNormal(reference(x).shape, 0, 1, 'float32', 9);
          close(gradOf(op, x, w), gradOf(reference, x, w));
          op.dispose();
        });
      });
    }
  }
});

it('a hand-computed 1-D case: valid 1x2 kernel [1, 10], dy = [1, 2] gives dx = [1, 12, 20]', () => {
  tf.tidy(() => {
    const op = makeConv2d(tf.tensor4d([1, 10], [1, 2, 1, 1]), { strides: [1, 1], padding: 'valid', dilation: [1, 1] });
    const x = tf.tensor4d([5, 6, 7], [1, 1, 3, 1]);
    // y = [5 + 60, 6 + 70]; dx_j = sum_i dy_i w_{j-i} = [1*1, 1*10 + 2*1, 2*10].
    expect(Array.from(op(x).dataSync())).toEqual([65, 76]);
    expect(Array.from(gradOf(op, x, tf.tensor4d([1, 2], [1, 1, 2, 1])).dataSync())).toEqual([1, 12, 20]);
    op.dispose();
  });
});
