/** The property checks every registered method must pass on any model (shared by the test files). */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { MethodDef } from '../../src/methods/types';
import type { Executor } from '../../src/model/types';

export async function checkMethodProperties(method: MethodDef, model: Executor, x: ArrayLike<number>): Promise<void> {
  const [h, w, c] = model.info.inputShape;
  const defaults = method.options.parse({});
  // Options round-trip: parsing the defaults gives the defaults back.
  expect(method.options.parse(defaults)).toEqual(defaults);
  // Expensive methods name smaller options for these runs (MethodDef.testOptions).
  const options = method.options.parse(method.testOptions ?? {});

  const input = tf.tensor4d(Array.from(x), [1, h, w, c]);
  // The executor builds its scoring program (BatchNorm-folded weights, kept until dispose) on the
  // first infer(): a cache owned by the model, not a method's leak, so it is built before counting.
  if (model.infer) tf.dispose(model.infer(input));
  const before = tf.memory().numTensors;
  const target = model.info.numClasses - 1;
  // Methods that do not apply to this architecture (CAM without GAP + dense, layer methods without
  // a 4-D layer) must say so in run() with the text of MethodDef.unsupported, and leak nothing.
  const unsupported = method.unsupported?.(model.info);
  if (unsupported !== undefined) {
    await expect(method.run(model, input, target, options, { seed: 42 })).rejects.toThrow(unsupported);
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
    return;
  }
  const a = await method.run(model, input, target, options, { seed: 42 });
  expect(tf.memory().numTensors).toBe(before);

  // Layer methods (Grad-CAM) may give one map over the image instead of one per input channel.
  const channels = method.needsLayer && a.channels === 1 ? 1 : c;
  if (method.needsLayer) expect(a.layer).toBeDefined();
  expect([a.height, a.width, a.channels]).toEqual([h, w, channels]);
  expect(a.values).toBeInstanceOf(Float32Array);
  expect(a.values.length).toBe(h * w * channels);
  expect(a.values.every(Number.isFinite)).toBe(true);
  expect(a.method).toBe(method.id);
  expect(a.target).toBe(target);
  expect(Number.isFinite(a.stats.targetLogit)).toBe(true);
  expect(a.stats.targetProbability).toBeGreaterThanOrEqual(0);
  expect(a.stats.targetProbability).toBeLessThanOrEqual(1);
  expect(a.stats.min).toBe(Math.min(...a.values));
  expect(a.stats.max).toBe(Math.max(...a.values));

  const again = await method.run(model, input, target, options, { seed: 42 });
  expect(Array.from(again.values)).toEqual(Array.from(a.values));
  input.dispose();
}
