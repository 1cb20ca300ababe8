/**
 * KernelSHAP: the coalition plan (shap's exact enumeration of small sizes, kernel-proportional
 * weights), exact Shapley values of hand models (products of superpixels, whose Shapley values split
 * the product equally), efficiency, exact recovery on an additive model, seeding and batching.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { binomial, kernelShap, sampleCoalitions } from '../../src/methods/kernel-shap';
import { mulberry32 } from '../../src/methods/random';
import type { Executor } from '../../src/model/types';
import { linearNet, seeded, useCpu } from './methods-nets';

beforeAll(useCpu);

const runShap = (model: Executor, x: number[], target: number, options: Record<string, unknown>, seed = 0) => {
  const [h, w, c] = model.info.inputShape;
  const input = tf.tensor4d(x, [1, h, w, c]);
  return kernelShap.run(model, input, target, kernelShap.options.parse(options), { seed }).finally(() => input.dispose());
};

/** 2x2x1 input, one pixel per superpixel at grid 2: logit 0 = x0 x3 + x1, logit 1 = x0 x1 x2. */
function productNet(): Executor {
  const forward = (x: tf.Tensor4D) => ({
    logits: tf.tidy(() => {
      const f = tf.reshape(x, [-1, 4]);
      const col = (i: number) => tf.slice(f, [0, i], [-1, 1]);
      return tf.concat([tf.add(tf.mul(col(0), col(3)), col(1)), tf.mul(tf.mul(col(0), col(1)), col(2))], 1) as tf.Tensor2D;
    }),
    taps: {},
  });
  return {
    info: { id: 'product-test', inputShape: [2, 2, 1], numClasses: 2, labels: ['a', 'b'], preprocessing: { range: [0, 1] }, layers: [], logitsLayer: 'logits' },
    forward,
    predict: (x) => tf.tidy(() => tf.softmax(forward(x).logits)),
    dispose: () => {},
  };
}

describe('KernelSHAP coalitions', () => {
  it('binomial coefficients', () => {
    expect(binomial(4, 2)).toBe(6);
    expect(binomial(49, 3)).toBe(18424);
    expect(binomial(16, 0)).toBe(1);
  });

  it('M = 4 with a budget >= 14 enumerates all 14 coalitions, weights in the Shapley kernel ratio 2 : 1', () => {
    const c = sampleCoalitions(4, 2048, mulberry32(0));
    expect(c.count).toBe(14);
    const keys = new Set<string>();
    let sum = 0;
    for (let i = 0; i < c.count; i++) {
      const row = Array.from(c.masks.subarray(i * 4, i * 4 + 4));
      keys.add(row.join(''));
      const size = row.reduce((a, b) => a + b, 0);
      // pi(1) = pi(3) = 3 / (4 * 1 * 3) = 1/4, pi(2) = 3 / (6 * 2 * 2) = 1/8; normalised: 2/22 and 1/22.
      expect(c.weights[i]).toBeCloseTo(size === 2 ? 1 / 22 : 2 / 22, 12);
      sum += c.weights[i];
    }
    expect(keys.size).toBe(14);
    expect(sum).toBeCloseTo(1, 12);
  });

  it('M = 16 with a budget of 200: 200 distinct coalitions, sizes 1 and 15 enumerated, weights sum to 1', () => {
    const c = sampleCoalitions(16, 200, mulberry32(7));
    expect(c.count).toBe(200);
    const keys = new Set<string>();
    for (let i = 0; i < c.count; i++) keys.add(c.masks.subarray(i * 16, (i + 1) * 16).join(''));
    expect(keys.size).toBe(200);
    // The 32 singletons and their complements come first (size 1 mass 2 * 15/15 of 200 fits 32 rows).
    const firstSizes = Array.from({ length: 32 }, (_, i) => c.masks.subarray(i * 16, (i + 1) * 16).reduce((a, b) => a + b, 0));
    expect(firstSizes.every((s) => s === 1 || s === 15)).toBe(true);
    expect(c.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});

describe('KernelSHAP', () => {
  it('exact Shapley values of products (enumerated): x0 x3 + x1 -> (7, 3, 0, 7); x0 x1 x2 -> 10 each', async () => {
    const model = productNet();
    const x = [2, 3, 5, 7];
    const a = await runShap(model, x, 0, { gridSize: 2, fill: 'zero', score: 'logit' });
    Array.from(a.values).forEach((v, i) => expect(v).toBeCloseTo([7, 3, 0, 7][i], 4));
    const b = await runShap(model, x, 1, { gridSize: 2, fill: 'zero', score: 'logit' });
    Array.from(b.values).forEach((v, i) => expect(v).toBeCloseTo([10, 10, 10, 0][i], 4));
    expect(b.stats.extra).toEqual({ baselineScore: 0, imageScore: 30, coalitions: 14 });
  });

  const rand = seeded(12);
  const wts = Array.from({ length: 64 }, () => rand() - 0.5);
  const x = Array.from({ length: 64 }, rand);
  const cell = (p: number) => Math.floor(p / 16) * 4 + Math.floor((p % 8) / 2); // 2x2 cells, grid 4

  it('on an additive model (logit, zero fill, sampled: 200 of 2^16 - 2) phi = each superpixel sum of w x', async () => {
    const model = linearNet([8, 8, 1], [wts], [0.4]);
    const a = await runShap(model, x, 0, { gridSize: 4, samples: 200, fill: 'zero', score: 'logit' });
    const expected = new Array(16).fill(0);
    for (let p = 0; p < 64; p++) expected[cell(p)] += wts[p] * x[p];
    for (let p = 0; p < 64; p++) expect(a.values[p]).toBeCloseTo(expected[cell(p)], 4);
    model.dispose();
  });

  it('efficiency on a nonlinear score: sum(phi) = p(x) - p(black) exactly, sampled', async () => {
    const model = linearNet([8, 8, 1], [wts, wts.map((v) => -2 * v)], [0.4, -0.1]);
    const a = await runShap(model, x, 1, { gridSize: 4, samples: 150, fill: 'zero', score: 'probability' }, 5);
    const logit = wts.reduce((s, v, p) => s + v * x[p], 0);
    const p1 = (l0: number, l1: number) => Math.exp(l1) / (Math.exp(l0) + Math.exp(l1));
    const expected = p1(logit + 0.4, -2 * logit - 0.1) - p1(0.4, -0.1);
    const phiSum = Array.from(a.values).reduce((s, v) => s + v, 0) / 4; // 4 pixels per superpixel
    expect(Math.abs(expected)).toBeGreaterThan(0.05);
    expect(phiSum).toBeCloseTo(expected, 5);
    model.dispose();
  });

  it('same seed, same map; batchSize changes nothing; another seed differs', async () => {
    const model = linearNet([8, 8, 1], [wts, new Array(64).fill(0)], [0.4, 0]);
    const a = await runShap(model, x, 0, { gridSize: 4, samples: 90 }, 3);
    const b = await runShap(model, x, 0, { gridSize: 4, samples: 90, batchSize: 7 }, 3);
    const other = await runShap(model, x, 0, { gridSize: 4, samples: 90 }, 4);
    expect(a.stats.max).toBeGreaterThan(0);
    Array.from(a.values).forEach((v, i) => expect(b.values[i]).toBeCloseTo(v, 6));
    expect(Array.from(other.values)).not.toEqual(Array.from(a.values));
    model.dispose();
  });

  it("'auto' samples and one superpixel: phi = f(x) - f(baseline)", async () => {
    expect(kernelShap.options.parse({}).samples).toBe('auto');
    expect(() => kernelShap.options.parse({ samples: 1 })).toThrow();
    const model = linearNet([2, 2, 1], [[1, 2, 3, 4]], [0]);
    const a = await runShap(model, [1, 1, 1, 1], 0, { gridSize: 1, fill: 'zero', score: 'logit' });
    expect(Array.from(a.values)).toEqual([10, 10, 10, 10]);
    model.dispose();
  });
});
