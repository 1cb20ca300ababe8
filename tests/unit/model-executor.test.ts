/**
 * The executor against tf.layers itself: on every fixture, logits equal model.predict and input
 * gradients equal tf.grad through the tf.layers model (both on the cpu backend).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadModelFromArtifacts } from '../../src/model/load';
import type { Executor } from '../../src/model/types';
import { buildFixtures, testImage, toLayersModel, type Fixture } from './fixtures/models';

let fixtures: Fixture[];

beforeAll(async () => {
  await tf.setBackend('cpu');
  fixtures = await buildFixtures();
});

function maxRelError(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(x.length).toBe(y.length);
  let scale = 0;
  for (let i = 0; i < y.length; i++) scale = Math.max(scale, Math.abs(y[i]));
  let err = 0;
  for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(x[i] - y[i]));
  return err / Math.max(scale, 1e-12);
}

/** Gradient of the target class score: logit for linear heads, probability for softmax heads. */
function referenceGrad(model: tfl.LayersModel, x: tf.Tensor4D, target: number): tf.Tensor {
  return tf.grad((input: tf.Tensor) => tf.sum(tf.slice((model.apply(input) as tf.Tensor), [0, target], [-1, 1])))(x);
}

function executorGrad(ex: Executor, x: tf.Tensor4D, target: number, softmax: boolean): tf.Tensor {
  return tf.grad((input: tf.Tensor) => {
    const logits = ex.forward(input as tf.Tensor4D).logits;
    return tf.sum(tf.slice(softmax ? tf.softmax(logits) : logits, [0, target], [-1, 1]));
  })(x);
}

describe('executor matches tf.layers on every fixture', () => {
  const names = ['mnist-conv-bn', 'residual-96', 'separable', 'conv1x1-head', 'flatten-dense', 'grey-strided', 'even-kernels', 'misc-layers'];

  it('builds eight LayersModel fixtures and the GraphModel one (checked in model-graph.test.ts)', () => {
    expect(fixtures.map((f) => f.name)).toEqual([...names, 'graph-model']);
  });

  for (const name of names) {
    it(`${name}: logits, probabilities and input gradients`, async () => {
      const fixture = fixtures.find((f) => f.name === name)!;
      const reference = await toLayersModel(fixture);
      const ex = await loadModelFromArtifacts(fixture.artifacts, { id: name });
      const [h, w, c] = ex.info.inputShape;
      const x = testImage([2, h, w, c], 7);
      tf.tidy(() => {
        const expected = reference.predict(x) as tf.Tensor2D;
        const logits = ex.forward(x).logits;
        expect(logits.shape).toEqual([2, ex.info.numClasses]);
        const got = fixture.softmaxOutput ? tf.softmax(logits) : logits;
        expect(maxRelError(got, expected)).toBeLessThan(1e-5);
        expect(maxRelError(ex.predict(x), fixture.softmaxOutput ? expected : tf.softmax(expected))).toBeLessThan(1e-5);
        for (const target of [0, ex.info.numClasses - 1]) {
          const g = executorGrad(ex, x, target, fixture.softmaxOutput);
          const ref = referenceGrad(reference, x, target);
          expect(tf.max(tf.abs(ref)).dataSync()[0]).toBeGreaterThan(0);
          expect(maxRelError(g, ref)).toBeLessThan(1e-4);
        }
      });
      x.dispose();
      ex.dispose();
      reference.dispose();
    });
  }
});
