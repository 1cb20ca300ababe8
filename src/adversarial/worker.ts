/**
 * The adversarial family's worker operations (table: src/workers/operations.ts): 'attacks' lists the
 * registry for the figure's picker; 'adversarial' attacks the figure's image and computes the
 * saliency of the original and of the adversarial image through src/methods. A newer request from
 * the same figure sets ctx.signal, which the attack checks between steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getMethod } from '../methods/registry';
import type { Operation } from '../workers/operation';
import { inputTensor } from '../workers/model-input';
import type { Prediction } from '../workers/protocol';
import type { AttackChoice, AttackRequest, AttackResponse } from './protocol';
import { listAttacks } from './registry';
import { attack } from './run';
import type { Prediction as AttackPrediction } from './types';

export const attacks: Operation<void, AttackChoice[]> = {
  run: async () => listAttacks().map((a) => ({
    id: a.id, label: a.label, targeted: a.targeted, hasEps: typeof (a.options.parse({}) as { eps?: unknown }).eps === 'number',
  })),
};

function named(p: AttackPrediction, labels: string[]): Prediction[] {
  return p.top.map((t) => ({ index: t.index, label: labels[t.index] ?? `class ${t.index}`, prob: t.probability }));
}

export const adversarial: Operation<AttackRequest, AttackResponse> = {
  async run(ctx, request) {
    const [model, summary] = await Promise.all([ctx.getModel(request), ctx.describe(request)]);
    const startedAt = performance.now();
    const method = getMethod(request.saliency ?? 'vanilla-gradient');
    const input = inputTensor(model, request.image);
    let advInput: tf.Tensor4D | undefined;
    try {
      const signal = ctx.signal as { aborted: boolean };
      const result = await attack(model, input, { attack: request.attack, options: request.options, target: request.target }, { seed: request.seed ?? 0, signal });
      advInput = tf.tensor4d(result.input, input.shape);
      const options = method.options.parse({});
      const original = await method.run(model, input, result.original.label, options, { seed: 0, signal });
      const adversarialMap = await method.run(model, advInput, result.final.label, options, { seed: 0, signal });
      const labels = model.info.labels;
      return {
        attack: result, original: named(result.original, labels), adversarial: named(result.final, labels),
        saliency: { method: method.id, display: method.display, original, adversarial: adversarialMap },
        backend: ctx.backend, model: summary, elapsedMs: performance.now() - startedAt,
      };
    } finally {
      input.dispose();
      advInput?.dispose();
    }
  },
  transfer: (r) => [r.attack.adversarial, r.attack.perturbation, r.attack.input, r.saliency.original.values, r.saliency.adversarial.values].map((a) => a.buffer as ArrayBuffer),
};
