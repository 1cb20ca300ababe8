/**
 * DeepInversion: the BN-statistics objective on hand activations, the running statistics read from
 * the shipped artifacts, and on fashion-cnn a short synthesis that lowers the BN distance and
 * raises each image's class logit.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadModelNode } from '../../src/model/load-node';
import type { Executor } from '../../src/model/types';
import { bnStatsNode } from '../../src/synthesis/bn-stats';
import { deepInversion } from '../../src/synthesis/methods/deep-inversion';
import { bnStatistics, classLogit } from '../../src/synthesis/objectives';
import { evaluate, optimize } from '../../src/synthesis/optimize';

let model: Executor;
beforeAll(async () => {
  await tf.setBackend('cpu');
  model = await loadModelNode('fashion-cnn');
});
afterAll(() => model.dispose());

it('BN statistics distance of hand activations', () => {
  // Two items, 1x2 spatial, 1 channel: values 1, 3 | 5, 7 -> mean 4, variance 5.
  const a = tf.tensor4d([1, 3, 5, 7], [2, 1, 2, 1]);
  const pixels = tf.zeros([2, 1, 1, 1]) as tf.Tensor4D;
  const inputs = { pixels, input: pixels, logits: tf.zeros([2, 1]) as tf.Tensor2D, taps: { L: a } };
  const stats = [{ input: 'L', mean: Float32Array.of(1), variance: Float32Array.of(1) }];
  // |4 - 1| + |5 - 1| = 7, first layer x 2, half per item.
  expect(Array.from(bnStatistics(stats, 2).value(inputs).dataSync())).toEqual([7, 7]);
});

it('reads the running statistics of every BN layer from the artifacts', () => {
  const stats = bnStatsNode('fashion-cnn', model.info);
  expect(stats.map((s) => `${s.bn}<-${s.input}:${s.mean.length}`)).toEqual(['bn1<-conv1:16', 'bn2<-conv2:16', 'bn3<-conv3:32', 'bn4<-conv4:32', 'bn5<-conv5:128']);
  expect(stats.every((s) => s.variance.every((v) => v > 0))).toBe(true);
});

it('lowers the BN distance and raises the class logits of a synthesized batch', async () => {
  const stats = bnStatsNode('fashion-cnn', model.info);
  const classes = [1, 7];
  const start = await optimize(model, { objective: classLogit(classes), param: { kind: 'pixel', squash: 'sigmoid', sd: 0.5 }, batch: 2, steps: 0 });
  const result = await deepInversion(model, { stats, classes, steps: 30, seed: 0 });
  const bn = bnStatistics(stats);
  const sumOf = (v: number[]) => v.reduce((a, b) => a + b, 0);
  const [bnBefore, bnAfter] = [sumOf(await evaluate(model, bn, start.pixels, start.shape)), sumOf(await evaluate(model, bn, result.pixels, result.shape))];
  expect(bnAfter, `${bnBefore} -> ${bnAfter}`).toBeLessThan(bnBefore);
  const before = await evaluate(model, classLogit(classes), start.pixels, start.shape);
  const after = await evaluate(model, classLogit(classes), result.pixels, result.shape);
  after.forEach((v, i) => expect(v, `class ${classes[i]}`).toBeGreaterThan(before[i]));
});
