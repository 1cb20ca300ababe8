/**
 * Deletion / insertion on a hand linear model p(class 1) = sigmoid(w · x): the logits after each
 * deletion step are partial sums of w · x, written out below; ordering, ties, AUC and batching.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  deletionCurve, deletionInsertion, insertionCurve, pixelCounts, pixelOrder, trapezoidAuc,
} from '../../src/eval/deletion-insertion';
import { linearNet, seeded, useCpu } from './methods-nets';

beforeAll(useCpu);

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('ordering and area', () => {
  it('orders pixels highest first, ties in row-major order, NaN last', () => {
    expect(Array.from(pixelOrder([1, 3, 3, 0]))).toEqual([1, 2, 0, 3]);
    expect(Array.from(pixelOrder([0, 0, 0]))).toEqual([0, 1, 2]);
    expect(Array.from(pixelOrder([NaN, -5, 2]))).toEqual([2, 1, 0]);
  });

  it('counts per step round i·n/steps and end at n', () => {
    expect(pixelCounts(4, 4)).toEqual([0, 1, 2, 3, 4]);
    expect(pixelCounts(10, 4)).toEqual([0, 3, 5, 8, 10]);
    expect(() => pixelCounts(4, 0)).toThrow(/positive integer/);
  });

  it('trapezoid AUC: a constant c gives c, a ramp 0 -> 1 gives 1/2', () => {
    const f = [0, 0.25, 0.5, 0.75, 1];
    expect(trapezoidAuc(f, [0.7, 0.7, 0.7, 0.7, 0.7])).toBeCloseTo(0.7, 12);
    expect(trapezoidAuc(f, f)).toBeCloseTo(0.5, 12);
  });
});

describe('deletion on a linear model', () => {
  // 2x2x1 image of ones; class 1 has weights w, class 0 has none: p1 = sigmoid(w · x).
  const w = [4, 3, 2, 1];
  const model = () => linearNet([2, 2, 1], [[0, 0, 0, 0], w], [0, 0]);

  it('the ideal map w*x drops monotonically through the partial sums 10, 6, 3, 1, 0', async () => {
    const net = model();
    const x = tf.ones([1, 2, 2, 1]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const ideal = await deletionCurve(net, x, 1, [4, 3, 2, 1], { steps: 4, batchSize: 2 });
    expect(tf.memory().numTensors).toBe(before);
    const expected = [10, 6, 3, 1, 0].map(sigmoid);
    Array.from(ideal.scores).forEach((s, i) => expect(s).toBeCloseTo(expected[i], 6));
    expect(Array.from(ideal.fractions)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    for (let i = 1; i < 5; i++) expect(ideal.scores[i]).toBeLessThan(ideal.scores[i - 1]);
    expect(ideal.auc).toBeCloseTo(trapezoidAuc([0, 0.25, 0.5, 0.75, 1], expected), 6);

    // Reversed map deletes the least important first: partial sums 10, 9, 7, 4, 0.
    const reversed = await deletionCurve(net, x, 1, [-4, -3, -2, -1], { steps: 4 });
    const expectedReversed = [10, 9, 7, 4, 0].map(sigmoid);
    Array.from(reversed.scores).forEach((s, i) => expect(s).toBeCloseTo(expectedReversed[i], 6));
    expect(ideal.auc).toBeLessThan(reversed.auc);
    x.dispose();
    net.dispose();
  });

  it('a flat map deletes in row-major order (deterministic ties), same as the ideal map here', async () => {
    const net = model();
    const x = tf.ones([1, 2, 2, 1]) as tf.Tensor4D;
    const flat = await deletionCurve(net, x, 1, [0, 0, 0, 0], { steps: 4 });
    const expected = [10, 6, 3, 1, 0].map(sigmoid);
    Array.from(flat.scores).forEach((s, i) => expect(s).toBeCloseTo(expected[i], 6));
    x.dispose();
    net.dispose();
  });

  it('removed pixels take the model-input value of pixel 0 ([-1, 1] range: -1)', async () => {
    const net = linearNet([1, 2, 1], [[0, 0], [1, 1]], [0, 0]);
    net.info.preprocessing = { range: [-1, 1] };
    const x = tf.tensor4d([0.5, 0.5], [1, 1, 2, 1]);
    const c = await deletionCurve(net, x, 1, [1, 0], { steps: 2 });
    // logits: 0.5 + 0.5, then -1 + 0.5, then -1 - 1.
    [1, -0.5, -2].forEach((z, i) => expect(c.scores[i]).toBeCloseTo(sigmoid(z), 6));
    x.dispose();
    net.dispose();
  });
});

describe('insertion', () => {
  it('a constant image equals its blur: the curve is constant and its AUC is that probability', async () => {
    const net = linearNet([4, 4, 1], [new Array(16).fill(0), new Array(16).fill(0.1)], [0, 0]);
    const x = tf.fill([1, 4, 4, 1], 0.5) as tf.Tensor4D;
    const rand = seeded(1);
    const c = await insertionCurve(net, x, 1, Array.from({ length: 16 }, rand), { steps: 8 });
    const p = sigmoid(0.1 * 16 * 0.5);
    Array.from(c.scores).forEach((s) => expect(s).toBeCloseTo(p, 5));
    expect(c.auc).toBeCloseTo(p, 5);
    x.dispose();
    net.dispose();
  });

  it('ideal map rises faster than the reversed one; ends at p(x); both curves come together', async () => {
    const rand = seeded(2);
    const w = Array.from({ length: 36 }, () => rand() - 0.3);
    const xs = Array.from({ length: 36 }, rand);
    const net = linearNet([6, 6, 1], [new Array(36).fill(0), w], [0, 0]);
    const x = tf.tensor4d(xs, [1, 6, 6, 1]);
    const ideal = w.map((wi, i) => wi * xs[i]);
    const good = await deletionInsertion(net, x, 1, ideal, { steps: 12, batchSize: 5 });
    const bad = await deletionInsertion(net, x, 1, ideal.map((v) => -v), { steps: 12 });
    const p = sigmoid(w.reduce((s, wi, i) => s + wi * xs[i], 0));
    expect(good.insertion.scores[12]).toBeCloseTo(p, 5);
    expect(good.deletion.scores[0]).toBeCloseTo(p, 5);
    expect(good.deletion.scores[12]).toBeCloseTo(0.5, 6); // all pixels 0: logit 0
    expect(good.insertion.auc).toBeGreaterThan(bad.insertion.auc);
    expect(good.deletion.auc).toBeLessThan(bad.deletion.auc);
    x.dispose();
    net.dispose();
  });

  it('rejects maps and inputs of the wrong size', async () => {
    const net = linearNet([2, 2, 1], [[0, 0, 0, 0], [1, 1, 1, 1]], [0, 0]);
    const x = tf.ones([1, 2, 2, 1]) as tf.Tensor4D;
    await expect(insertionCurve(net, x, 1, [1, 2, 3])).rejects.toThrow(/2×2 needs 4/);
    const y = tf.ones([2, 2, 2, 1]) as tf.Tensor4D;
    await expect(deletionCurve(net, y, 1, [1, 2, 3, 4])).rejects.toThrow(/input must be \[1, 2, 2, 1\]/);
    x.dispose();
    y.dispose();
    net.dispose();
  });
});
