/**
 * The method layer checks what every caller passes (library API, CLI, worker): a target outside
 * [0, numClasses) or not an integer is refused before any op runs, with the model and the valid
 * targets named, so an out-of-bounds read can never poison the wasm backend ("Aborted()"); and a
 * call that fails part-way leaves no tensors behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMethod, listMethods } from '../../src/methods/registry';
import type { Executor } from '../../src/model/types';
import { CONV_X, convReluNet, useCpu } from './methods-nets';

beforeAll(useCpu);
afterAll(async () => { await tf.setBackend('cpu'); });

const input = (): tf.Tensor4D => tf.tensor4d(CONV_X, [1, 3, 3, 1]);

describe('target validation in the method layer', () => {
  it.each([99, 2, -1, Number.NaN, 1.5, Infinity])('every method refuses target %s, naming the model and the valid targets', async (target) => {
    const net = convReluNet();
    const x = input();
    const before = tf.memory().numTensors;
    for (const method of listMethods()) {
      const options = method.options.parse(method.testOptions ?? {});
      await expect(method.run(net, x, target, options, { seed: 0 }), method.id).rejects.toThrow(
        `model 'conv-relu-test': ${method.id}: target ${target} is not a class index; valid targets: 0..1 or a class name (0 zero, 1 one)`,
      );
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    net.dispose();
  });

  it('a bad target on wasm leaves the backend working (no Aborted() afterwards)', async () => {
    setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    expect(await tf.setBackend('wasm')).toBe(true);
    const net = convReluNet();
    const x = input();
    const method = getMethod('vanilla-gradient');
    await expect(method.run(net, x, 99, {}, { seed: 0 })).rejects.toThrow('target 99 is not a class index');
    const good = await method.run(net, x, 0, {}, { seed: 0 });
    expect(good.stats.targetLogit).toBe(10);
    x.dispose();
    net.dispose();
    await tf.setBackend('cpu');
  });
});

/** convReluNet whose logits op throws inside the gradient tape, after the conv saved its tensors. */
function failingNet(): Executor {
  const net = convReluNet();
  return {
    ...net,
    forward: (x, opts) => {
      const out = net.forward(x, opts);
      if (x.shape[0] === 1 && tf.engine().state.gradientDepth > 0) {
        out.logits.dispose();
        throw new Error('boom inside the tape');
      }
      return out;
    },
  };
}

describe('failed calls', () => {
  it('leave no tensors behind, also when the error is thrown inside tf.grad', async () => {
    const net = failingNet();
    const x = input();
    const before = tf.memory().numTensors;
    for (const id of ['vanilla-gradient', 'gradient-x-input', 'guided-backprop', 'deconvnet']) {
      await expect(getMethod(id).run(net, x, 0, {}, { seed: 0 }), id).rejects.toThrow('boom inside the tape');
      expect(tf.memory().numTensors, id).toBe(before);
    }
    x.dispose();
    net.dispose();
  });
});
