/**
 * Hand-computed answers for the gradient family: SmoothGrad (and its SQ / VarGrad variants),
 * Integrated Gradients with every quadrature and baseline, guided backprop and deconvnet, on nets
 * whose gradients are known in closed form; IG completeness on the shipped fashion-cnn.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelRange, gaussianBlur, gaussianKernel } from '../../src/methods/baselines';
import { guidedBackprop } from '../../src/methods/guided-backprop';
import { quadrature } from '../../src/methods/quadrature';
import { getMethod } from '../../src/methods/registry';
import { smoothGrad } from '../../src/methods/smooth-grad';
import type { Attribution } from '../../src/methods/types';
import { loadModelFromArtifacts } from '../../src/model/load';
import { loadModelNode, REPO_ROOT } from '../../src/model/load-node';
import type { Executor } from '../../src/model/types';
import { saveArtifacts } from './fixtures/models';
import { CONV_DENSE, CONV_X, convReluNet, linearNet, seeded, useCpu } from './methods-nets';

beforeAll(useCpu);

async function run(id: string, model: Executor, x: ArrayLike<number>, target: number, options: Record<string, unknown> = {}, seed = 1): Promise<Attribution> {
  const method = getMethod(id);
  const input = tf.tensor4d(Array.from(x), [1, ...model.info.inputShape]);
  const result = await method.run(model, input, target, method.options.parse(options), { seed });
  input.dispose();
  return result;
}

// 2x2x3 linear net (as methods-exact.test.ts): d logit_k / dx = W[k].
const W = [
  [0.5, -1, 2, 0.25, 3, -0.5, 1.5, -2, 0.75, 4, -3, 1],
  [-1, 0.5, 0, 2, -0.25, 1, 3, 0.5, -1.5, 0, 2.5, -0.75],
];
const B = [0.1, -0.2];
const X = [0.2, 0.4, 0.6, 0.8, 1, 0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.05];
const logit = (k: number, x: number[]) => W[k].reduce((s, w, i) => s + w * x[i], B[k]);

describe('smooth-grad', () => {
  it('mean variant of a linear model is W exactly, whatever the noise', async () => {
    const model = linearNet([2, 2, 3], W, B);
    for (const stdev of [0.15, 1, 5]) {
      const a = await run('smooth-grad', model, X, 1, { stdev, samples: 20 });
      expect(Array.from(a.values)).toEqual(W[1].map(Math.fround));
      expect(a.method).toBe('smooth-grad');
      expect(a.stats.targetLogit).toBeCloseTo(logit(1, X), 5); // of the clean input
    }
    model.dispose();
  });

  it('SmoothGrad-SQ of a linear model is W², VarGrad is 0', async () => {
    const model = linearNet([2, 2, 3], W, B);
    const sq = await run('smooth-grad', model, X, 0, { variant: 'squared', stdev: 0.5 });
    Array.from(sq.values).forEach((v, i) => expect(v).toBeCloseTo(W[0][i] ** 2, 6));
    const vg = await run('smooth-grad', model, X, 0, { variant: 'vargrad', stdev: 0.5 });
    expect(Array.from(vg.values)).toEqual(new Array(12).fill(0));
    model.dispose();
  });

  it('same seed, same map; another seed, another map; the batch size changes nothing', async () => {
    // stdev 1 flips the conv units of CONV_X (margins 2..4), so the map depends on the noise.
    const model = convReluNet();
    const options = { stdev: 1, samples: 23 };
    const a = await run('smooth-grad', model, CONV_X, 0, options, 7);
    const same = await run('smooth-grad', model, CONV_X, 0, options, 7);
    const other = await run('smooth-grad', model, CONV_X, 0, options, 8);
    expect(Array.from(same.values)).toEqual(Array.from(a.values));
    expect(Array.from(other.values)).not.toEqual(Array.from(a.values));
    for (const batchSize of [1, 4, 23, 100]) {
      const b = await run('smooth-grad', model, CONV_X, 0, { ...options, batchSize }, 7);
      expect(Array.from(b.values)).toEqual(Array.from(a.values));
    }
    // Every noisy map is a mix of the four kernel placements with dense weights 1..4, so the mean
    // lies between the all-off map (0) and the all-on one.
    model.dispose();
  });

  it('stdev 0 reproduces the base method, batched or not (IG has no batched core)', async () => {
    const model = linearNet([2, 2, 3], W, B);
    for (const [base, baseOptions] of [['gradient-x-input', {}], ['integrated-gradients', { steps: 4 }]] as const) {
      const plain = await run(base, model, X, 1, baseOptions);
      const wrapped = await run('smooth-grad', model, X, 1, { base, baseOptions, stdev: 0, samples: 3, batchSize: 2 });
      Array.from(wrapped.values).forEach((v, i) => expect(v).toBeCloseTo(plain.values[i], 6));
    }
    model.dispose();
  });

  it('noise sigma is stdev × the model input range per channel', async () => {
    // Gradient × input of a linear model at x + n is W·(x + n): SQ-free, so the VarGrad of it is
    // W² · sigma², estimated from 4000 samples (relative error ~ sqrt(2/4000) ≈ 2 %).
    const model = linearNet([1, 1, 2], [[1, 1]], [0]);
    model.info.preprocessing = { range: [0, 1], mean: [0.5, 0.5], std: [0.25, 0.5] }; // ranges 4 and 2
    expect(channelRange(model.info)).toEqual({ black: [-2, -1], white: [2, 1] });
    const a = await run('smooth-grad', model, [0, 0], 0, { base: 'gradient-x-input', variant: 'vargrad', stdev: 0.1, samples: 4000, batchSize: 500 });
    expect(a.values[0]).toBeGreaterThan(0.16 * 0.9);
    expect(a.values[0]).toBeLessThan(0.16 * 1.1);
    expect(a.values[1]).toBeGreaterThan(0.04 * 0.9);
    expect(a.values[1]).toBeLessThan(0.04 * 1.1);
    model.dispose();
  });

  it('options: base must name a registered gradient method; its options are checked', () => {
    const schema = getMethod('smooth-grad').options;
    expect(schema.parse({})).toEqual({ base: 'vanilla-gradient', baseOptions: {}, samples: 50, stdev: 0.15, variant: 'mean' }); // batchSize: batchSizeFor
    const bad = schema.safeParse({ base: 'occlusion' });
    expect(bad.success).toBe(false);
    if (!bad.success) {
      expect(bad.error.message).toContain("unknown base method 'occlusion'; known gradient methods: vanilla-gradient, gradient-x-input");
      expect(bad.error.message).not.toContain('smooth-grad,');
    }
    const badOptions = schema.safeParse({ base: 'integrated-gradients', baseOptions: { steps: 0 } });
    expect(badOptions.success).toBe(false);
    if (!badOptions.success) expect(badOptions.error.message).toContain("invalid options for 'integrated-gradients': steps");
    expect(schema.safeParse({ variant: 'median' }).success).toBe(false);
  });
});

describe('integrated-gradients on a linear model: (x - x′) · W', () => {
  for (const method of ['riemann-right', 'riemann-middle', 'gauss-legendre']) {
    it(`${method}, black baseline, any steps`, async () => {
      const model = linearNet([2, 2, 3], W, B);
      for (const steps of [1, 5, 50]) {
        const a = await run('integrated-gradients', model, X, 0, { method, steps, batchSize: 4 });
        Array.from(a.values).forEach((v, i) => expect(v).toBeCloseTo(X[i] * W[0][i], 5));
        expect(Math.abs(a.stats.extra!.completenessDelta)).toBeLessThan(1e-5);
        expect(a.stats.extra!.baselineLogit).toBeCloseTo(B[0], 6);
      }
      model.dispose();
    });
  }

  it('black is pixel 0 mapped through the preprocessing', async () => {
    const model = linearNet([2, 2, 3], W, B);
    model.info.preprocessing = { range: [-1, 1], mean: [0.5, 0, -0.5], std: [2, 1, 0.5] };
    const black = [-0.75, -1, -1]; // (-1 - mean) / std
    const a = await run('integrated-gradients', model, X, 1);
    Array.from(a.values).forEach((v, i) => expect(v).toBeCloseTo((X[i] - black[i % 3]) * W[1][i], 5));
    model.dispose();
  });

  it('a custom baseline is used as given; a wrong length names the count', async () => {
    const model = linearNet([2, 2, 3], W, B);
    const baseline = X.map((_, i) => (i % 4) * 0.1);
    const a = await run('integrated-gradients', model, X, 1, { baseline });
    Array.from(a.values).forEach((v, i) => expect(v).toBeCloseTo((X[i] - baseline[i]) * W[1][i], 5));
    await expect(run('integrated-gradients', model, X, 1, { baseline: [0, 0] })).rejects.toThrow('needs 2×2×3 = 12 values; got 2');
    model.dispose();
  });

  it('uniform baseline: seeded, inside the input range, complete', async () => {
    const model = linearNet([2, 2, 3], W, B);
    const a = await run('integrated-gradients', model, X, 0, { baseline: 'uniform' }, 5);
    const again = await run('integrated-gradients', model, X, 0, { baseline: 'uniform' }, 5);
    const other = await run('integrated-gradients', model, X, 0, { baseline: 'uniform' }, 6);
    expect(Array.from(again.values)).toEqual(Array.from(a.values));
    expect(Array.from(other.values)).not.toEqual(Array.from(a.values));
    const recovered = Array.from(a.values, (v, i) => X[i] - v / W[0][i]);
    recovered.forEach((b) => { expect(b).toBeGreaterThanOrEqual(-1e-5); expect(b).toBeLessThan(1 + 1e-5); });
    expect(a.stats.extra!.baselineLogit).toBeCloseTo(logit(0, recovered), 4);
    model.dispose();
  });

  it('blurred baseline of a flat image is the image: zero attribution', async () => {
    const model = linearNet([2, 2, 3], W, B);
    const a = await run('integrated-gradients', model, new Array(12).fill(0.3), 0, { baseline: 'blurred', blurSigma: 1 });
    a.values.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-6));
    model.dispose();
  });
});

describe('cancellation', () => {
  it('an aborted request stops between batches with an AbortError and frees its tensors', async () => {
    const model = linearNet([2, 2, 3], W, B);
    const input = tf.tensor4d(X, [1, 2, 2, 3]);
    const before = tf.memory().numTensors;
    for (const id of ['smooth-grad', 'integrated-gradients']) {
      const method = getMethod(id);
      const signal = { aborted: true };
      const error = await method.run(model, input, 0, method.options.parse({}), { seed: 1, signal }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe('AbortError');
      expect((error as Error).message).toBe(`${id}: aborted (a newer request superseded this one)`);
      expect(tf.memory().numTensors).toBe(before);
    }
    input.dispose();
    model.dispose();
  });
});

describe('baselines and quadrature helpers', () => {
  it('Gaussian blur: normalized symmetric taps; an impulse spreads as their outer product', () => {
    const k = gaussianKernel(1);
    expect(k.length).toBe(7); // radius ceil(3 sigma)
    expect(k.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    expect(k[0]).toBeCloseTo(k[6], 7);
    expect(k[3] / k[4]).toBeCloseTo(Math.exp(0.5), 5);
    const img = new Float32Array(9 * 9);
    img[4 * 9 + 4] = 1;
    const out = gaussianBlur(img, 9, 9, 1, 1);
    expect(out[4 * 9 + 4]).toBeCloseTo(k[3] * k[3], 6);
    expect(out[2 * 9 + 5]).toBeCloseTo(k[1] * k[4], 6);
    expect(() => gaussianBlur(img, 9, 9, 1, 0)).toThrow('blurSigma must be a positive number of pixels; got 0');
  });

  it('Gauss-Legendre: the textbook nodes and weights, mapped to [0, 1]', () => {
    const two = quadrature('gauss-legendre', 2);
    expect(two.alphas[0]).toBeCloseTo((1 - 1 / Math.sqrt(3)) / 2, 12);
    expect(two.alphas[1]).toBeCloseTo((1 + 1 / Math.sqrt(3)) / 2, 12);
    two.weights.forEach((w) => expect(w).toBeCloseTo(0.5, 12));
    const three = quadrature('gauss-legendre', 3);
    expect(three.alphas[0]).toBeCloseTo((1 - Math.sqrt(0.6)) / 2, 12);
    expect(three.alphas[1]).toBeCloseTo(0.5, 12);
    expect(three.weights).toEqual([5 / 18, 8 / 18, 5 / 18].map((w) => expect.closeTo(w, 12)));
    // Exact for polynomials of degree 2n - 1: the integral of a^9 over [0, 1] is 1/10 at n = 5.
    const five = quadrature('gauss-legendre', 5);
    expect(five.alphas.reduce((s, a, i) => s + five.weights[i] * a ** 9, 0)).toBeCloseTo(0.1, 12);
  });

  it('Riemann rules sample right ends or midpoints with equal weights', () => {
    expect(quadrature('riemann-right', 4)).toEqual({ alphas: [0.25, 0.5, 0.75, 1], weights: [0.25, 0.25, 0.25, 0.25] });
    expect(quadrature('riemann-middle', 4).alphas).toEqual([0.125, 0.375, 0.625, 0.875]);
    expect(() => quadrature('simpson' as never, 4)).toThrow("unknown integration method 'simpson'; known: riemann-right, riemann-middle, gauss-legendre");
  });
});

describe('integrated-gradients on fashion-cnn', () => {
  // The first two sample images (chosen by index, not by result); all of the first 20 of both shipped
  // models: methods-ig-completeness-wasm.test.ts.
  it('completeness: the map sums to f(x) - f(black) within 1 % at the defaults (adaptive rule)', async () => {
    const model = await loadModelNode('fashion-cnn');
    const bytes = readFileSync(`${REPO_ROOT}public/data/fashion-mnist/sample.bin`);
    const image = (index: number) => Array.from(bytes.subarray(index * 784, (index + 1) * 784), (v) => v / 255);
    for (const [index, target] of [[0, 9], [1, 2]]) {
      const a = await run('integrated-gradients', model, image(index), target);
      const gap = a.stats.targetLogit - a.stats.extra!.baselineLogit;
      const sum = Array.from(a.values).reduce((s, v) => s + v, 0);
      expect(Math.abs(gap)).toBeGreaterThan(1);
      expect(sum - gap).toBeCloseTo(a.stats.extra!.completenessDelta, 3);
      expect(Math.abs(a.stats.extra!.completenessDelta)).toBeLessThan(0.01 * Math.abs(gap));
    }
    // Batching the path points changes nothing, bit for bit.
    const one = await run('integrated-gradients', model, image(2), 1, { steps: 12, batchSize: 12 });
    const split = await run('integrated-gradients', model, image(2), 1, { steps: 12, batchSize: 5 });
    expect(Array.from(split.values)).toEqual(Array.from(one.values));
    model.dispose();
  });
});

/** The one-conv ReLU net of methods-nets.ts as a real tf.layers model, so the executor's ReLU rules apply. */
async function convReluLayersNet(): Promise<Executor> {
  const m = tfl.sequential();
  m.add(tfl.layers.conv2d({ inputShape: [3, 3, 1], filters: 1, kernelSize: 2, useBias: false, activation: 'relu', name: 'conv' }));
  m.add(tfl.layers.flatten({ name: 'flat' }));
  m.add(tfl.layers.dense({ units: 2, useBias: false, name: 'logits' }));
  m.getLayer('conv').setWeights([tf.tensor4d([1, -1, -1, 1], [2, 2, 1, 1])]);
  m.getLayer('logits').setWeights([tf.tidy(() => tf.transpose(tf.tensor2d(CONV_DENSE)))]);
  const artifacts = await saveArtifacts(m);
  m.dispose();
  return loadModelFromArtifacts(artifacts, { id: 'conv-relu-layers' });
}

describe('guided backprop and deconvnet on the one-conv ReLU net', () => {
  // Conv outputs on CONV_X: [[2, -3], [-4, 2]]; K = [[1, -1], [-1, 1]]; dense row c is the gradient
  // arriving at the four ReLUs. Gradient: units with x > 0; guided: x > 0 and dy > 0; deconvnet: dy > 0.
  const cases: Array<[string, number, number[]]> = [
    ['vanilla-gradient', 1, [-1, 1, 0, 1, 1, -2, 0, -2, 2]], // -1·K@(0,0) + 2·K@(1,1)
    ['guided-backprop', 1, [0, 0, 0, 0, 2, -2, 0, -2, 2]], // 2·K@(1,1): dy -1 at (0,0) is cut
    ['deconvnet', 1, [0, 0.5, -0.5, 0, 1.5, -1.5, 0, -2, 2]], // 0.5·K@(0,1) + 2·K@(1,1)
    ['guided-backprop', 0, [1, -1, 0, -1, 5, -4, 0, -4, 4]], // all dy > 0: the gradient
    ['deconvnet', 0, [1, 1, -2, 2, 0, -2, -3, -1, 4]], // 1·K@(0,0) + 2·K@(0,1) + 3·K@(1,0) + 4·K@(1,1)
  ];
  for (const [id, target, expected] of cases) {
    it(`${id}, class ${target}`, async () => {
      const model = await convReluLayersNet();
      const a = await run(id, model, CONV_X, target);
      expect(Array.from(a.values, (v) => v + 0)).toEqual(expected);
      expect(a.method).toBe(id);
      expect(a.stats.targetLogit).toBe(target === 0 ? 10 : 2);
      model.dispose();
    });
  }

  it('smoothGrad(guidedBackprop) wraps it directly (Captum NoiseTunnel style): stdev 0 gives its map', async () => {
    const model = await convReluLayersNet();
    const wrapped = smoothGrad(guidedBackprop);
    const options = wrapped.options.parse({ stdev: 0, samples: 3 });
    expect(options.base).toBe('guided-backprop');
    const input = tf.tensor4d(CONV_X, [1, 3, 3, 1]);
    const a = await wrapped.run(model, input, 1, options, { seed: 1 });
    expect(Array.from(a.values, (v) => v + 0)).toEqual([0, 0, 0, 0, 2, -2, 0, -2, 2]);
    // Without the registry, only the wrapped method can be the base.
    const bad = wrapped.options.safeParse({ base: 'vanilla-gradient' });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error.message).toContain("unknown base method 'vanilla-gradient'; known gradient methods: guided-backprop");
    input.dispose();
    model.dispose();
  });

  it('the hand-written net (no ReLU rules) agrees with the layers net on the true gradient', async () => {
    const hand = convReluNet();
    const layers = await convReluLayersNet();
    const a = await run('vanilla-gradient', hand, CONV_X, 1);
    const b = await run('vanilla-gradient', layers, CONV_X, 1);
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
    hand.dispose();
    layers.dispose();
  });
});

describe('guided backprop on a net with non-negative weights after every ReLU', () => {
  // Every gradient arriving at a ReLU is a sum of non-negative weights times ReLU masks, so it is
  // >= 0 and guided backprop's extra cut removes nothing; negative biases switch units off, which
  // deconvnet ignores, so it differs.
  async function positiveNet(): Promise<Executor> {
    const positive = (seed: number) => tfl.initializers.randomUniform({ minval: 0, maxval: 1, seed });
    const m = tfl.sequential();
    m.add(tfl.layers.conv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3, activation: 'relu', name: 'c1',
      kernelInitializer: tfl.initializers.randomNormal({ seed: 1 }), biasInitializer: tfl.initializers.randomNormal({ mean: -0.2, stddev: 0.5, seed: 2 }) }));
    m.add(tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', name: 'c2',
      kernelInitializer: positive(3), biasInitializer: tfl.initializers.randomUniform({ minval: -4, maxval: 0, seed: 4 }) }));
    m.add(tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }));
    m.add(tfl.layers.flatten({ name: 'flat' }));
    m.add(tfl.layers.dense({ units: 3, name: 'logits', kernelInitializer: positive(5) }));
    const artifacts = await saveArtifacts(m);
    m.dispose();
    return loadModelFromArtifacts(artifacts, { id: 'positive' });
  }

  it('guided backprop equals the gradient; deconvnet does not', async () => {
    const model = await positiveNet();
    const rand = seeded(9);
    const x = Array.from({ length: 8 * 8 * 2 }, rand);
    const grad = await run('vanilla-gradient', model, x, 1);
    const guided = await run('guided-backprop', model, x, 1);
    const deconv = await run('deconvnet', model, x, 1);
    expect(grad.values.some((v) => v !== 0)).toBe(true);
    Array.from(guided.values).forEach((v, i) => expect(v).toBeCloseTo(grad.values[i], 6));
    const differs = Array.from(deconv.values).some((v, i) => Math.abs(v - grad.values[i]) > 1e-3);
    expect(differs).toBe(true);
    model.dispose();
  });
});
