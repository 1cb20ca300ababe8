/**
 * Transforms: hand-checked geometry of pad / jitter / scale / rotate, seeded draws, and the
 * bilinear resampler's gradient (the adjoint of the forward map) on cpu and wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '#tfjs-gradients';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/methods/random';
import { affineGrid, resampleBilinear } from '../../src/synthesis/resample';
import { crop, padBorder } from '../../src/model/ops/layout';
import { applyTransform, applyTransforms, fitTo, standardTransforms } from '../../src/synthesis/transforms';

beforeAll(async () => {
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  await tf.setBackend('cpu');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

const ramp = (h: number, w: number): tf.Tensor4D => tf.tensor4d(Array.from({ length: h * w }, (_, i) => i), [1, h, w, 1]);

describe('transforms', () => {
  it('pad adds a constant border', () => {
    const out = tf.tidy(() => applyTransform({ kind: 'pad', size: 1, value: 0.5 }, ramp(2, 2), mulberry32(0)).arraySync());
    expect(out[0].map((r) => r.map((v) => v[0]))).toEqual([[0.5, 0.5, 0.5, 0.5], [0.5, 0, 1, 0.5], [0.5, 2, 3, 0.5], [0.5, 0.5, 0.5, 0.5]]);
  });

  it('jitter crops size px per axis at a seeded offset', () => {
    const a = tf.tidy(() => applyTransform({ kind: 'jitter', size: 2 }, ramp(5, 5), mulberry32(3)).arraySync());
    const b = tf.tidy(() => applyTransform({ kind: 'jitter', size: 2 }, ramp(5, 5), mulberry32(3)).arraySync());
    expect(a).toEqual(b);
    expect(a[0].length).toBe(3);
    expect(a[0][0].length).toBe(3);
    // A crop of a ramp: the top-left value is 5 oy + ox with oy, ox in 0..2, and rows step by 5.
    const tl = a[0][0][0][0];
    expect([0, 1, 2, 5, 6, 7, 10, 11, 12]).toContain(tl);
    expect(a[0][1][0][0] - tl).toBe(5);
  });

  it('rotate by 90 degrees moves the corners of a 3x3 image', () => {
    const out = tf.tidy(() => applyTransform({ kind: 'rotate', degrees: [90] }, ramp(3, 3), mulberry32(0)).arraySync());
    // Image axes (x right, y down): +90 degrees is a clockwise quarter turn on screen.
    const grid = out[0].map((r) => r.map((v) => Math.round(v[0] * 1000) / 1000));
    expect(grid).toEqual([[6, 3, 0], [7, 4, 1], [8, 5, 2]]);
  });

  it('scale 2 of a 2-pixel ramp interpolates linearly between the centres', () => {
    const x = tf.tensor4d([0, 1], [1, 1, 2, 1]);
    const out = tf.tidy(() => applyTransform({ kind: 'scale', factors: [2] }, x, mulberry32(0)).dataSync());
    // Output columns 0..3 sample input x = c_in + (p - 1.5)/2 with c_in = 0.5: -0.25, 0.25, 0.75, 1.25 (clamped).
    // The height doubles too: two identical rows.
    expect(Array.from(out)).toEqual([0, 0.25, 0.75, 1, 0, 0.25, 0.75, 1]);
  });

  it('fitTo centre-crops and pads to the model size', () => {
    expect(tf.tidy(() => fitTo(ramp(4, 4), 2, 2).dataSync())).toEqual(new Float32Array([5, 6, 9, 10]));
    expect(tf.tidy(() => fitTo(ramp(1, 1), 3, 1, 0.5).dataSync())).toEqual(new Float32Array([0.5, 0, 0.5]));
  });

  it('standard transforms scale Lucid\'s pixel sizes and always return the model size', () => {
    expect(standardTransforms(64).map((t) => ('size' in t ? t.size : '-'))).toEqual([6, 4, '-', '-', 2]);
    expect(standardTransforms(28).map((t) => ('size' in t ? t.size : '-'))).toEqual([3, 2, '-', '-', 1]);
    const rng = mulberry32(9);
    for (let i = 0; i < 5; i++) {
      expect(tf.tidy(() => applyTransforms(standardTransforms(28), tf.zeros([2, 28, 28, 1]) as tf.Tensor4D, rng, 28, 28).shape)).toEqual([2, 28, 28, 1]);
    }
  });
});

describe('bilinear resampling gradient', () => {
  // <R x, y> = <x, R^T y> for the linear map R: the gradient of sum(R(x) * y) is R^T y.
  async function adjointGap(backend: string): Promise<{ grad: Float32Array; gap: number }> {
    expect(await tf.setBackend(backend)).toBe(true);
    const rng = mulberry32(2);
    const x = tf.tensor4d(Array.from({ length: 2 * 7 * 6 * 2 }, () => rng()), [2, 7, 6, 2]);
    const y = tf.tensor4d(Array.from({ length: 2 * 5 * 8 * 2 }, () => rng() - 0.5), [2, 5, 8, 2]);
    const grid = affineGrid(7, 6, 5, 8, 1.3, 0.4);
    const f = (t: tf.Tensor) => tf.sum(tf.mul(resampleBilinear(t as tf.Tensor4D, grid), y));
    const grad = tf.grad(f)(x);
    // Check linearity via a second point: f(x) = <grad, x> exactly for a linear map.
    const gap = Math.abs(f(x).dataSync()[0] - tf.sum(tf.mul(grad, x)).dataSync()[0]);
    const data = grad.dataSync() as Float32Array;
    tf.dispose([x, y, grad]);
    return { grad: data, gap };
  }

  it('is the adjoint of the forward map and equal on cpu and wasm', async () => {
    const cpu = await adjointGap('cpu');
    const wasm = await adjointGap('wasm');
    expect(cpu.gap).toBeLessThan(1e-4);
    expect(wasm.gap).toBeLessThan(1e-4);
    cpu.grad.forEach((v, i) => expect(Math.abs(wasm.grad[i] - v)).toBeLessThan(1e-5));
    // Weights of each output pixel sum to 1, so the gradient of sum(R x) sums to the output size.
    await tf.setBackend('cpu');
    const ones = tf.grad((t: tf.Tensor) => tf.sum(resampleBilinear(t as tf.Tensor4D, affineGrid(7, 6, 5, 8, 1.3, 0.4))))(tf.zeros([1, 7, 6, 1]));
    expect(tf.sum(ones).dataSync()[0]).toBeCloseTo(40, 4);
  });
});

describe('crop and padBorder (3-D slice / pad of [b, h, w c])', () => {
  it('equal tf.slice and tf.pad on [b, h, w, c], values and gradients', () => {
    tf.tidy(() => {
      const x = tf.randomUniform([2, 7, 6, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
      const weights = tf.randomUniform([2, 4, 3, 3], 0, 1, 'float32', 6);
      const mine = (t: tf.Tensor) => tf.sum(tf.mul(crop(t as tf.Tensor4D, 2, 1, 4, 3), weights));
      const theirs = (t: tf.Tensor) => tf.sum(tf.mul(tf.slice(t, [0, 2, 1, 0], [-1, 4, 3, -1]), weights));
      expect(Array.from(crop(x, 2, 1, 4, 3).dataSync())).toEqual(Array.from(tf.slice(x, [0, 2, 1, 0], [-1, 4, 3, -1]).dataSync()));
      expect(Array.from(tf.grad(mine)(x).dataSync())).toEqual(Array.from(tf.grad(theirs)(x).dataSync()));
      const padded = padBorder(x, [1, 2], [3, 0], 0.5);
      expect(padded.shape).toEqual([2, 10, 9, 3]);
      expect(Array.from(padded.dataSync())).toEqual(Array.from(tf.pad(x, [[0, 0], [1, 2], [3, 0], [0, 0]], 0.5).dataSync()));
      const w2 = tf.randomUniform([2, 10, 9, 3], 0, 1, 'float32', 7);
      const g1 = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(padBorder(t as tf.Tensor4D, [1, 2], [3, 0], 0.5), w2)))(x);
      const g2 = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.pad(t, [[0, 0], [1, 2], [3, 0], [0, 0]], 0.5), w2)))(x);
      expect(Array.from(g1.dataSync())).toEqual(Array.from(g2.dataSync()));
    });
  });
});
