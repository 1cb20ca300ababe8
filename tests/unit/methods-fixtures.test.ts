/**
 * The registry properties (same shape, finite, no leak, deterministic, options round-trip) on every
 * foreign-shaped fixture model from the loader's test suite: residual, depthwise, grey, 96x96x3,
 * flatten heads... Plus the gradient checked against tf.layers' own on each.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMethod, listMethods } from '../../src/methods/registry';
import { loadModelFromArtifacts } from '../../src/model/load';
import type { Executor } from '../../src/model/types';
import { buildFixtures, toLayersModel, type Fixture } from './fixtures/models';
import { seeded, useCpu } from './methods-nets';
import { checkMethodProperties } from './methods-properties';

const models: Executor[] = [];
let fixtures: Fixture[] = [];

beforeAll(async () => {
  await useCpu();
  fixtures = await buildFixtures();
  for (const { name, artifacts } of fixtures) models.push(await loadModelFromArtifacts(artifacts, { id: name }));
});

afterAll(() => models.forEach((m) => m.dispose()));

function randomInput(model: Executor, seed: number): number[] {
  const [h, w, c] = model.info.inputShape;
  const rand = seeded(seed);
  return Array.from({ length: h * w * c }, rand);
}

describe('every method on every fixture model', () => {
  it('has fixtures to run on', () => expect(models.length).toBeGreaterThanOrEqual(5));

  it('keeps the registry properties', async () => {
    for (const model of models) {
      for (const method of listMethods()) {
        await checkMethodProperties(method, model, randomInput(model, 11));
      }
    }
  });

  it('vanilla gradient equals tf.grad through the tf.layers reference model (linear-output fixtures)', async () => {
    // A finite difference is no referee here: max-pools and ReLUs put kinks within any usable step
    // (float32 needs h >= 1e-3). tf.layers is an independent implementation of the same graph.
    const method = getMethod('vanilla-gradient');
    let checked = 0;
    for (const [k, fixture] of fixtures.entries()) {
      if (fixture.softmaxOutput) continue; // its outputs are probabilities, not logits
      const model = models[k];
      const reference = await toLayersModel(fixture);
      const input = tf.tensor4d(randomInput(model, 5), [1, ...model.info.inputShape]);
      const a = await method.run(model, input, 0, {}, { seed: 0 });
      const expected = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.slice(reference.apply(t) as tf.Tensor, [0, 0], [-1, 1])))(input).dataSync());
      const scale = Math.max(...Array.from(expected, Math.abs));
      expect(scale).toBeGreaterThan(0);
      expected.forEach((e, i) => expect(Math.abs(a.values[i] - e)).toBeLessThan(1e-4 * scale));
      input.dispose();
      reference.dispose();
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });
});
