/**
 * Registry-driven properties every method must keep, on hand-written nets (the loader's fixture
 * models get the same checks in methods-fixtures.test.ts): Captum's same-shape contract, finite
 * values, no tensor leak, same seed -> same output, options round-trip through the schema.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { getMethod, listMethods, METHOD_IDS } from '../../src/methods/registry';
import type { Executor } from '../../src/model/types';
import { checkMethodProperties } from './methods-properties';
import { convReluNet, linearNet, seeded, useCpu } from './methods-nets';

beforeAll(useCpu);

function randomLinear(): Executor {
  const rand = seeded(7);
  const weights = Array.from({ length: 3 }, () => Array.from({ length: 4 * 5 * 2 }, () => rand() - 0.5));
  return linearNet([4, 5, 2], weights, [0, 0.1, -0.1], ['a', 'b', 'c']);
}

describe('registry', () => {
  it('lists each method once, ids are kebab-case file names', () => {
    // Engineers append methods concurrently: pin the first ones, not the whole list.
    expect(METHOD_IDS.slice(0, 2)).toEqual(['vanilla-gradient', 'gradient-x-input']);
    expect(new Set(METHOD_IDS).size).toBe(METHOD_IDS.length);
    for (const id of METHOD_IDS) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('getMethod returns the definition by id', () => {
    expect(getMethod('gradient-x-input').display).toEqual({ reduce: 'sum', signed: true });
    expect(getMethod('vanilla-gradient').display).toEqual({ reduce: 'max-abs', signed: false });
  });

  it('unknown ids name the known ones', () => {
    expect(() => getMethod('saliency')).toThrow(
      "unknown method 'saliency'; known: vanilla-gradient, gradient-x-input",
    );
  });

  it('options schemas are strict: unknown options are rejected, naming the key', () => {
    for (const m of listMethods()) {
      const r = m.options.safeParse({ nonsense: 1 });
      expect(r.success).toBe(false);
      if (!r.success) expect(r.error.message).toContain('nonsense');
    }
  });
});

for (const method of listMethods()) {
  describe(`${method.id} properties`, () => {
    it('on a linear net with 2 channels and 3 classes', async () => {
      const model = randomLinear();
      const rand = seeded(3);
      await checkMethodProperties(method, model, Array.from({ length: 40 }, rand));
      model.dispose();
    });

    it('on the one-conv ReLU net', async () => {
      const model = convReluNet();
      await checkMethodProperties(method, model, [1, 0, 2, 0, 1, 0, 3, 0, 1]);
      model.dispose();
    });
  });
}

it('no tensors are left over after all runs', () => {
  // Each property check compares counts itself; this guards the helpers in this file.
  expect(tf.memory().numTensors).toBe(0);
});
