/**
 * Perturbation batches shared with a scoring helper (scoreCopyBatches, RunContext.helper): RISE,
 * LIME and KernelSHAP give bit-identical maps with a helper that takes some batches, with one that
 * is slow, and with one that fails part-way (its batch is scored here); the helper really scores.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_SCORING_METHODS } from '../../src/methods/protocol';
import { getMethod, listMethods } from '../../src/methods/registry';
import { scoringLogits } from '../../src/methods/perturbation';
import type { CopyScorer } from '../../src/methods/types';
import { loadModelNode } from '../../src/model/load-node';
import type { Executor } from '../../src/model/types';

let model: Executor;
let input: tf.Tensor4D;
beforeAll(async () => {
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  expect(await tf.setBackend('wasm')).toBe(true);
  model = await loadModelNode('shapes-cnn');
  input = tf.randomUniform([1, 64, 64, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
});
afterAll(() => {
  input.dispose();
  model.dispose();
});

/** A helper in this process: the same model's scoring logits, after `delayMs`; fails from call `failAt` on. */
function helper(options: { delayMs?: number; failAt?: number } = {}): { scorer: CopyScorer; calls: number[] } {
  const calls: number[] = [];
  const scorer: CopyScorer = async (copies, shape) => {
    calls.push(shape[0]);
    if (options.failAt !== undefined && calls.length >= options.failAt) throw new Error('helper gone');
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    const logits = tf.tidy(() => scoringLogits(model, tf.tensor4d(copies, shape)));
    const values = (await logits.data()) as Float32Array;
    logits.dispose();
    return values;
  };
  return { scorer, calls };
}

const CASES: Array<[string, Record<string, unknown>]> = [
  ['rise', { samples: 200, batchSize: 16 }],
  ['lime', { samples: 120, batchSize: 16 }],
  ['kernel-shap', { samples: 150, batchSize: 16 }],
];

describe('scoreCopyBatches with a helper', () => {
  for (const [id, raw] of CASES) {
    it(`${id}: the same map with a helper, a slow helper and a failing one; the helper scores batches`, async () => {
      const m = getMethod(id);
      const opts = m.options.parse(raw);
      const alone = Array.from((await m.run(model, input, 2, opts, { seed: 5 })).values as Float32Array);
      const fast = helper();
      const shared = await m.run(model, input, 2, opts, { seed: 5, helper: fast.scorer });
      expect(Array.from(shared.values as Float32Array)).toEqual(alone);
      expect(fast.calls.length).toBeGreaterThan(0);
      const slow = helper({ delayMs: 30 });
      expect(Array.from((await m.run(model, input, 2, opts, { seed: 5, helper: slow.scorer })).values as Float32Array)).toEqual(alone);
      const failing = helper({ failAt: 2 });
      expect(Array.from((await m.run(model, input, 2, opts, { seed: 5, helper: failing.scorer })).values as Float32Array)).toEqual(alone);
      expect(failing.calls.length).toBe(2);
    });
  }

  it('with a cancel signal (the worker yields between batches, so the helper can take the last batches meanwhile): still the same map', async () => {
    for (const [id, raw] of CASES) {
      const m = getMethod(id);
      const opts = m.options.parse(raw);
      const alone = Array.from((await m.run(model, input, 2, opts, { seed: 5 })).values as Float32Array);
      for (const delayMs of [0, 1, 5]) {
        const h = helper({ delayMs });
        const shared = await m.run(model, input, 2, opts, { seed: 5, signal: { aborted: false }, helper: h.scorer });
        expect(Array.from(shared.values as Float32Array), `${id}, helper delay ${delayMs} ms`).toEqual(alone);
      }
    }
  });

  it('the page starts a helper for exactly the methods tested here, all perturbation methods', () => {
    expect([...SHARED_SCORING_METHODS].sort()).toEqual(CASES.map(([id]) => id).sort());
    for (const id of SHARED_SCORING_METHODS) expect(listMethods().find((m) => m.id === id)?.kind).toBe('perturbation');
  });

  it('a wrong answer from the helper (too few logits) drops it; the map is still the same', async () => {
    const m = getMethod('rise');
    const opts = m.options.parse({ samples: 64, batchSize: 16 });
    const alone = Array.from((await m.run(model, input, 1, opts, { seed: 2 })).values as Float32Array);
    const short: CopyScorer = async () => new Float32Array(3);
    expect(Array.from((await m.run(model, input, 1, opts, { seed: 2, helper: short })).values as Float32Array)).toEqual(alone);
  });

  it('a cancelled run stops even while the helper holds a batch', async () => {
    const m = getMethod('rise');
    const signal = { aborted: false };
    const slow = helper({ delayMs: 50 });
    const run = m.run(model, input, 1, m.options.parse({ samples: 400, batchSize: 16 }), { seed: 2, signal, helper: slow.scorer });
    setTimeout(() => { signal.aborted = true; }, 20);
    await expect(run).rejects.toThrow(/aborted/);
  });
});
