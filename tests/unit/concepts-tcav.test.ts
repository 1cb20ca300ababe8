import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainCav } from '../../src/concepts/cav';
import { trainLinear, accuracy } from '../../src/concepts/linear-classifier';
import { layerGradients, tcav, tcavScore } from '../../src/concepts/tcav';
import { incompleteBeta, tTestIndependent } from '../../src/concepts/ttest';
import { mulberry32, normal } from '../../src/methods/random';
import { arraySource, linearHidden } from './concepts-nets';

const { jStat } = createRequire(import.meta.url)('jstat') as { jStat: { studentt: { cdf(t: number, df: number): number }; ibeta(x: number, a: number, b: number): number } };

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** n points in d dimensions: coordinate 0 in [lo, hi], the others N(0, 1). */
function points(n: number, d: number, lo: number, hi: number, seed: number) {
  const rng = mulberry32(seed);
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    data[i * d] = lo + (hi - lo) * rng();
    for (let k = 1; k < d; k++) data[i * d + k] = normal(rng);
  }
  return { n, d, data };
}

describe('CAV', () => {
  it('on linearly separable activations: held-out accuracy 1 and the direction is the separating normal', () => {
    const concept = points(60, 5, 3, 4, 1);
    const random = points(60, 5, -4, -3, 2);
    const cav = trainCav(concept, random);
    expect(cav.accuracy).toBe(1);
    expect(cav.trainAccuracy).toBe(1);
    expect(cav.heldOut).toBe(20); // round(0.33 * 60) per class
    // The normal of the separating gap is e0, and the CAV points towards the concept.
    expect(cav.direction[0]).toBeGreaterThan(0.98);
    const norm = Math.hypot(...cav.direction);
    expect(norm).toBeCloseTo(1, 6);
  });

  it('balances the classes to the smaller set, and the logistic option separates too', () => {
    const cav = trainCav(points(80, 3, 2, 3, 3), points(30, 3, -3, -2, 4), { loss: 'log' });
    expect(cav.perClass).toBe(30);
    expect(cav.accuracy).toBe(1);
    expect(cav.direction[0]).toBeGreaterThan(0.95);
  });

  it('sklearn-style SGD stops early on easy data and fits a 1-D threshold', () => {
    const x = { n: 4, d: 1, data: Float32Array.from([-2, -1, 1, 2]) };
    const m = trainLinear(x, [-1, -1, 1, 1]);
    expect(accuracy(m, x, [-1, -1, 1, 1])).toBe(1);
    expect(m.weights[0]).toBeGreaterThan(0);
    expect(m.epochs).toBeLessThan(1000);
  });
});

describe('t-test', () => {
  it('agrees with jStat (an independent implementation) on t, p and the incomplete beta', () => {
    const a = [0.2, 0.4, 0.35, 0.5, 0.3, 0.45, 0.6, 0.25, 0.4, 0.55];
    const b = [0.7, 0.9, 0.65, 0.8, 1, 0.75, 0.85, 0.6, 0.95, 0.7];
    const r = tTestIndependent(a, b);
    // By hand: means 0.4 and 0.79, pooled variance from the two sums of squares, df 18.
    const m1 = 0.4;
    const m2 = 0.79;
    const ss = (v: number[], m: number) => v.reduce((s, x) => s + (x - m) ** 2, 0);
    const t = (m1 - m2) / Math.sqrt(((ss(a, m1) + ss(b, m2)) / 18) * (2 / 10));
    expect(r.df).toBe(18);
    expect(r.t).toBeCloseTo(t, 10);
    expect(r.p).toBeCloseTo(2 * jStat.studentt.cdf(-Math.abs(t), 18), 10);
    for (const [x, p, q] of [[0.3, 2, 3], [0.9, 0.5, 9], [0.01, 7, 0.5]]) expect(incompleteBeta(x, p, q)).toBeCloseTo(jStat.ibeta(x, p, q), 10);
    // scipy.stats.ttest_ind([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]): t = -1.8973665961, p = 0.0943497
    const s = tTestIndependent([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
    expect(s.t).toBeCloseTo(-1.8973665961, 8);
    expect(s.p).toBeCloseTo(2 * jStat.studentt.cdf(-1.8973665961, 8), 8);
  });

  it('treats equal constant samples as p NaN and different constants as p 0', () => {
    expect(Number.isNaN(tTestIndependent([1, 1], [1, 1]).p)).toBe(true);
    expect(tTestIndependent([1, 1], [0, 0]).p).toBe(0);
  });
});

describe('TCAV on a hand-weighted model', () => {
  // logits = [w . relu(x), -w . relu(x)]: d logit_0 / d hidden = w, d logit_1 / d hidden = -w.
  const w = [1, 2, 0, -1];
  const model = linearHidden(w);
  const set = (n: number, seed: number, shift: number[]) => {
    const rng = mulberry32(seed);
    return arraySource(Array.from({ length: n }, () => Float32Array.from(shift, (s) => Math.max(0, s + 0.3 * normal(rng)))), [1, 1, 4]);
  };
  // The concept lives along +w's positive part (units 0 and 1 high); random sets are around 1.
  const concept = set(20, 1, [4, 4, 1, 1]);
  const randoms = Array.from({ length: 6 }, (_, r) => set(20, 100 + r, [1, 1, 1, 1]));
  const classImages = set(15, 50, [1, 1, 1, 1]);

  it('gradients are w and -w exactly', async () => {
    const g0 = await layerGradients(model, classImages, 'hidden', 0, 'logit');
    const g1 = await layerGradients(model, classImages, 'hidden', 1, 'logit');
    expect(Array.from(g0.data.subarray(0, 4))).toEqual(w);
    expect(Array.from(g1.data.subarray(8, 12))).toEqual([-1, -2, 0, 1]);
    expect(tcavScore(g0, Float32Array.from([1, 0, 0, 0]))).toBe(1);
    expect(tcavScore(g0, Float32Array.from([0, 0, 0, 1]))).toBe(0);
  });

  it('scores 1 for the class the concept raises and 0 for the one it lowers, significant against the null', async () => {
    const up = await tcav(model, { concepts: [{ name: 'up', images: concept }], randoms, classImages }, { layers: ['hidden'], target: 0, runs: 5 });
    const [pair] = up.pairs;
    expect(pair.scores).toEqual([1, 1, 1, 1, 1]);
    expect(pair.cavAccuracy.every((a) => a === 1)).toBe(true);
    expect(pair.nullScores).toHaveLength(5);
    // Random-vs-random CAVs point anywhere: on this linear net each scores 0 or 1 (seeded: 1 0 0 0 1).
    expect(pair.nullScores).toEqual([1, 0, 0, 0, 1]);
    expect(pair.p).toBeCloseTo(tTestIndependent(pair.scores, pair.nullScores).p, 12);
    expect(pair.p).toBeLessThan(0.05);
    expect(pair.significant).toBe(true);
    const down = await tcav(model, { concepts: [{ name: 'up', images: concept }], randoms, classImages }, { layers: ['hidden'], target: 1, runs: 5, sensitivity: 'loss' });
    expect(down.pairs[0].scores).toEqual([0, 0, 0, 0, 0]);
    expect(up.level).toBeCloseTo(0.05, 12);
  });

  it('applies Bonferroni over (concept, layer) pairs', async () => {
    const r = await tcav(model, { concepts: [{ name: 'a', images: concept }, { name: 'b', images: set(20, 7, [1, 4, 1, 1]) }], randoms, classImages }, { layers: ['hidden'], target: 0, runs: 5 });
    expect(r.comparisons).toBe(2);
    expect(r.level).toBeCloseTo(0.025, 12);
  });

  it('rejects a concept set under 10 images, a random set equal to the concept set, too few random sets', async () => {
    await expect(tcav(model, { concepts: [{ name: 'tiny', images: set(9, 1, [4, 4, 1, 1]) }], randoms, classImages }, { layers: ['hidden'], target: 0, runs: 5 }))
      .rejects.toThrow(/linear-hidden.*at least 10 images.*'tiny' has 9/);
    await expect(tcav(model, { concepts: [{ name: 'same', images: randoms[2] }], randoms, classImages }, { layers: ['hidden'], target: 0, runs: 5 }))
      .rejects.toThrow(/linear-hidden.*layer 'hidden'.*'same' has the same images as random set 2/);
    await expect(tcav(model, { concepts: [{ name: 'up', images: concept }], randoms: randoms.slice(0, 3), classImages }, { layers: ['hidden'], target: 0, runs: 5 }))
      .rejects.toThrow(/5 runs need 6 random sets/);
    await expect(tcav(model, { concepts: [{ name: 'up', images: concept }], randoms, classImages }, { layers: ['nope'], target: 0, runs: 5 }))
      .rejects.toThrow(/no layer 'nope'; layers: hidden, logits/);
  });
});
