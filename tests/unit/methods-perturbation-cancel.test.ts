// A perturbation method (RISE, occlusion, LIME, KernelSHAP) gives the event loop a turn between
// batches when it can be cancelled, so a cancel that arrives as a message (a timer here) stops it
// mid-run. Before, the loop only awaited already-resolved reads and ran to its end.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMethod } from '../../src/methods/registry';
import { loadModelNode } from '../../src/model/load-node';
import type { Executor } from '../../src/model/types';

let model: Executor;
beforeAll(async () => {
  await tf.setBackend('cpu');
  model = await loadModelNode('fashion-cnn');
});
afterAll(() => model.dispose());

describe('cancelling a perturbation method', () => {
  it('stops RISE between batches when a timer sets the signal', async () => {
    const input = tf.randomUniform([1, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const rise = getMethod('rise');
    const signal = { aborted: false };
    let batches = 0;
    const forward = model.forward.bind(model);
    const counting: Executor = { ...model, forward: (x, o) => { batches++; return forward(x, o); } };
    setTimeout(() => { signal.aborted = true; }, 0);
    const run = rise.run(counting, input, 0, rise.options.parse({ samples: 2000, batchSize: 8 }), { seed: 0, signal });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(batches).toBeLessThan(50); // of 250
    input.dispose();
  });
});
