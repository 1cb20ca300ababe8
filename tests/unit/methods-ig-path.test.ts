/**
 * Integrated Gradients along its path, on a linear model where everything is known: the gradient is
 * W[target] everywhere, so after k of m right-Riemann steps the accumulated attribution is
 * (x - 0) ⊙ W · k/m and sums to F(α_k x) - F(0) exactly; and on a ReLU net the end of the path
 * agrees with the registered method using the same quadrature.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { integratedGradientsPath } from '../../src/methods/integrated-gradients-path';
import { getMethod } from '../../src/methods/registry';
import { CONV_X, convReluNet, linearNet, useCpu } from './methods-nets';

beforeAll(useCpu);

const W = [
  [0.5, -1, 2, 0.25],
  [-1, 0.5, 0, 2],
];
const B = [0.1, -0.2];
const X = [0.2, 0.4, 0.6, 0.8];

describe('integratedGradientsPath', () => {
  it('on a linear model: scores, accumulated sums and checkpoint maps by hand', async () => {
    const model = linearNet([2, 2, 1], W, B);
    const input = tf.tensor4d(X, [1, 2, 2, 1]);
    const path = await integratedGradientsPath(model, input, 1, { steps: 4, baseline: 'black', checkpoints: [2, 4], batchSize: 3 }, { seed: 0 });
    // F(αx) = α·(W1·x) + b1 with W1·x = -0.2 + 0.2 + 0 + 1.6 = 1.6.
    expect(path.alphas).toEqual([0, 0.25, 0.5, 0.75, 1]);
    path.scores.forEach((s, k) => expect(s).toBeCloseTo(-0.2 + 1.6 * (k / 4), 5));
    path.accumulated.forEach((a, k) => expect(a).toBeCloseTo(1.6 * (k / 4), 5));
    expect(path.checkpoints.map((c) => c.step)).toEqual([2, 4]);
    const half = path.checkpoints[0];
    Array.from(half.map).forEach((v, i) => expect(v).toBeCloseTo(X[i] * W[1][i] * 0.5, 6));
    // The model's view of α x: grey replicated into RGBA, 0.5 · 0.4 · 255 = 51 for pixel 1.
    expect(Array.from(half.image.subarray(4, 8))).toEqual([51, 51, 51, 255]);
    input.dispose();
    model.dispose();
  });

  it('ends where the registered method with the right Riemann rule ends', async () => {
    const model = convReluNet();
    const input = tf.tensor4d(CONV_X, [1, 3, 3, 1]);
    const path = await integratedGradientsPath(model, input, 0, { steps: 16, baseline: 'black', checkpoints: [16] }, { seed: 0 });
    const ig = getMethod('integrated-gradients');
    const a = await ig.run(model, input, 0, ig.options.parse({ steps: 16, method: 'riemann-right' }), { seed: 0 });
    Array.from(path.checkpoints[0].map).forEach((v, i) => expect(v).toBeCloseTo(a.values[i], 5));
    expect(path.accumulated[16]).toBeCloseTo(Array.from(a.values).reduce((s, v) => s + v, 0), 5);
    input.dispose();
    model.dispose();
  });

  it('rejects checkpoints outside the path', async () => {
    const model = linearNet([2, 2, 1], W, B);
    const input = tf.tensor4d(X, [1, 2, 2, 1]);
    await expect(integratedGradientsPath(model, input, 0, { steps: 4, baseline: 'black', checkpoints: [0, 5] }, { seed: 0 }))
      .rejects.toThrow('checkpoints must be step numbers in 1..4; got 0, 5');
    input.dispose();
    model.dispose();
  });
});
