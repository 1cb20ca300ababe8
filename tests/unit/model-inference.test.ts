/**
 * Executor.infer, the scoring path of the perturbation methods (BN folded, conv + bias + ReLU
 * fused): its logits equal forward()'s to float32 rounding on every LayersModel fixture and both
 * shipped CNNs, the fusions happen (no separate ReLU / BN kernels left where they apply), a capped
 * ReLU is not fused as a plain one, and it is safe inside a caller's tf.tidy and leaks nothing.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFromArtifacts } from '../../src/model/load';
import { loadModelNode } from '../../src/model/load-node';
import type { Executor } from '../../src/model/types';
import { getMethod } from '../../src/methods/registry';
import { buildFixtures, relError, testImage, type Fixture } from './fixtures/models';

let fixtures: Fixture[];

beforeAll(async () => {
  await tf.setBackend('cpu');
  fixtures = await buildFixtures();
});


function compare(ex: Executor, x: tf.Tensor4D): number {
  const inferred = tf.tidy(() => ex.infer!(x));
  const forward = tf.tidy(() => ex.forward(x).logits);
  expect(inferred.shape).toEqual(forward.shape);
  const err = relError(inferred.dataSync(), forward.dataSync());
  tf.dispose([inferred, forward]);
  return err;
}

/** Kernel names one infer call runs (after the first, which also folds the weights). */
async function kernels(ex: Executor, x: tf.Tensor4D): Promise<string[]> {
  tf.tidy(() => ex.infer!(x)).dispose();
  const info = await tf.profile(() => { tf.tidy(() => ex.infer!(x)).dispose(); });
  return info.kernels.map((k) => k.name);
}

describe('Executor.infer', () => {
  const names = ['mnist-conv-bn', 'residual-96', 'separable', 'conv1x1-head', 'flatten-dense', 'grey-strided', 'even-kernels', 'misc-layers'];

  for (const name of names) {
    it(`${name}: logits equal forward() to float32 rounding, batch 3`, async () => {
      const fixture = fixtures.find((f) => f.name === name)!;
      const ex = await loadModelFromArtifacts(fixture.artifacts, { id: name });
      const [h, w, c] = ex.info.inputShape;
      const x = testImage([3, h, w, c], 11);
      expect(compare(ex, x)).toBeLessThan(2e-6);
      x.dispose();
      ex.dispose();
    });
  }

  it('mnist-conv-bn: conv1 + bn1 + relu1 run as one FusedConv2D; no separate BN multiply or ReLU', async () => {
    const fixture = fixtures.find((f) => f.name === 'mnist-conv-bn')!;
    const ex = await loadModelFromArtifacts(fixture.artifacts, { id: 'mnist-conv-bn' });
    const x = testImage([2, 28, 28, 1], 3);
    const names = await kernels(ex, x);
    // conv1 (+bn1 +relu1) and conv2 (own relu): two fused convs; the dense head: one fused matmul.
    expect(names.filter((n) => n === 'FusedConv2D')).toHaveLength(2);
    expect(names).not.toContain('Conv2D');
    expect(names).not.toContain('Relu');
    expect(names).not.toContain('Multiply');
    expect(names).toContain('_FusedMatMul');
    x.dispose();
    ex.dispose();
  });

  it('separable: the relu6 depthwise keeps its cap (not fused as a plain ReLU)', async () => {
    const fixture = fixtures.find((f) => f.name === 'separable')!;
    const ex = await loadModelFromArtifacts(fixture.artifacts, { id: 'separable' });
    // Large inputs drive dw1 well above 6, where a plain ReLU would differ.
    const x = tf.mul(testImage([2, 32, 32, 3], 5), 40) as tf.Tensor4D;
    const capped = tf.tidy(() => tf.max(ex.forward(x, { taps: ['dw1'] }).taps.dw1).dataSync()[0]);
    expect(capped).toBe(6);
    expect(compare(ex, x)).toBeLessThan(2e-6);
    x.dispose();
    ex.dispose();
  });

  it('is safe inside a tidy: the lazily folded weights outlive it; repeated calls leak no tensor', async () => {
    const fixture = fixtures.find((f) => f.name === 'residual-96')!;
    const ex = await loadModelFromArtifacts(fixture.artifacts, { id: 'residual-96' });
    const x = testImage([2, 96, 96, 3], 9);
    const first = tf.tidy(() => Array.from(ex.infer!(x).dataSync()));
    const before = tf.memory().numTensors;
    const second = tf.tidy(() => Array.from(ex.infer!(x).dataSync()));
    expect(tf.memory().numTensors).toBe(before);
    expect(second).toEqual(first);
    x.dispose();
    ex.dispose();
    expect(() => ex.infer!(x)).toThrow(/after dispose/);
  });

  for (const id of ['fashion-cnn', 'shapes-cnn']) {
    it(`${id} (shipped): logits equal forward() to float32 rounding`, async () => {
      const ex = await loadModelNode(id);
      const [h, w, c] = ex.info.inputShape;
      const x = tf.tidy(() => tf.add(tf.mul(testImage([4, h, w, c], 2), 0.5), 0.5) as tf.Tensor4D);
      expect(compare(ex, x)).toBeLessThan(1e-5);
      const names = await kernels(ex, x);
      expect(names).not.toContain('Relu');
      expect(names).not.toContain('Multiply');
      x.dispose();
      ex.dispose();
    }, 60_000);
  }
});

describe('occlusion and RISE score through infer', () => {
  for (const [method, options] of [['occlusion', {}], ['rise', { samples: 64, batchSize: 16 }]] as const) {
    it(`${method} on fashion-cnn: the map equals the one scored through forward() to float32 rounding`, async () => {
      const ex = await loadModelNode('fashion-cnn');
      // The same executor without infer: scoreBatches falls back to forward().
      const plain: Executor = { info: ex.info, forward: (x, o) => ex.forward(x, o), predict: (x) => ex.predict(x), dispose: () => undefined };
      const x = tf.tidy(() => tf.add(tf.mul(testImage([1, 28, 28, 1], 4), 0.5), 0.25) as tf.Tensor4D);
      const m = getMethod(method);
      const opts = m.options.parse(options);
      const fast = await m.run(ex, x, 3, opts, { seed: 1 });
      const slow = await m.run(plain, x, 3, opts, { seed: 1 });
      expect(relError(fast.values, slow.values)).toBeLessThan(1e-4);
      x.dispose();
      ex.dispose();
    }, 60_000);
  }
});
