/** Hand-computed answers for the gradient methods on nets whose gradient is known in closed form. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { getMethod } from '../../src/methods/registry';
import { CONV_X, convReluNet, linearNet, useCpu } from './methods-nets';

beforeAll(useCpu);

const run = async (methodId: string, model: ReturnType<typeof linearNet>, x: number[], target: number) => {
  const method = getMethod(methodId);
  const input = tf.tensor4d(x, [1, ...model.info.inputShape]);
  const result = await method.run(model, input, target, method.options.parse({}), { seed: 1 });
  input.dispose();
  return result;
};

// 2x2 input with 3 channels, 2 classes; weights chosen so no two entries are equal.
const W = [
  [0.5, -1, 2, 0.25, 3, -0.5, 1.5, -2, 0.75, 4, -3, 1],
  [-1, 0.5, 0, 2, -0.25, 1, 3, 0.5, -1.5, 0, 2.5, -0.75],
];
const B = [0.1, -0.2];
const X = [0.2, 0.4, 0.6, 0.8, 1, 0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.05];

describe('linear model f(x) = W·x + b', () => {
  it('vanilla gradient is W[target], per pixel and channel', async () => {
    const model = linearNet([2, 2, 3], W, B);
    for (const target of [0, 1]) {
      const a = await run('vanilla-gradient', model, X, target);
      expect([a.height, a.width, a.channels]).toEqual([2, 2, 3]);
      expect(Array.from(a.values)).toEqual(W[target].map(Math.fround));
      expect(a.target).toBe(target);
      expect(a.stats.min).toBe(Math.min(...W[target]));
      expect(a.stats.max).toBe(Math.max(...W[target]));
    }
    model.dispose();
  });

  it('gradient x input is W[target] * x, and sums to the logit minus the bias', async () => {
    const model = linearNet([2, 2, 3], W, B);
    const a = await run('gradient-x-input', model, X, 1);
    const expected = W[1].map((w, i) => w * X[i]);
    Array.from(a.values).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    const logit1 = expected.reduce((s, v) => s + v, 0) + B[1];
    expect(a.stats.targetLogit).toBeCloseTo(logit1, 5);
    model.dispose();
  });

  it('reports the target probability as the softmax of the logits', async () => {
    const model = linearNet([2, 2, 3], W, B);
    const a = await run('vanilla-gradient', model, X, 0);
    const l = W.map((w, k) => w.reduce((s, wi, i) => s + wi * X[i], B[k]));
    const p0 = Math.exp(l[0]) / (Math.exp(l[0]) + Math.exp(l[1]));
    expect(a.stats.targetLogit).toBeCloseTo(l[0], 5);
    expect(a.stats.targetProbability).toBeCloseTo(p0, 6);
    model.dispose();
  });
});

describe('one-conv ReLU net', () => {
  // Conv outputs on CONV_X: [[2, -3], [-4, 2]], so only units (0,0) and (1,1) pass gradient;
  // d logit_c / dx = sum over active units u of dense[c][u] * (kernel placed at u).
  it('vanilla gradient of class 0 = 1·K at (0,0) + 4·K at (1,1)', async () => {
    const model = convReluNet();
    const a = await run('vanilla-gradient', model, CONV_X, 0);
    expect(Array.from(a.values)).toEqual([1, -1, 0, -1, 5, -4, 0, -4, 4]);
    expect(a.stats.targetLogit).toBe(10); // 2·1 + 2·4
    model.dispose();
  });

  it('vanilla gradient of class 1 = -1·K at (0,0) + 2·K at (1,1); inactive units give nothing', async () => {
    const model = convReluNet();
    const a = await run('vanilla-gradient', model, CONV_X, 1);
    expect(Array.from(a.values)).toEqual([-1, 1, 0, 1, 1, -2, 0, -2, 2]);
    expect(a.stats.targetLogit).toBe(2); // -2 + 2·2
    model.dispose();
  });

  it('gradient x input of class 0', async () => {
    const model = convReluNet();
    const a = await run('gradient-x-input', model, CONV_X, 0);
    // + 0 folds -0 (0 x negative gradient) into 0.
    expect(Array.from(a.values, (v) => v + 0)).toEqual([1, 0, 0, 0, 5, 0, 0, 0, 4]);
    model.dispose();
  });
});
