/**
 * Every attack on every user-model fixture (colour and grey, 28-224 px, BatchNorm, residual,
 * depthwise, a GraphModel): the result has the input's shape, stays in [0, 1] and in its ball, and
 * the model's [-1, 1] / [0, 255] preprocessing is respected (eps is in pixel units either way).
 * A fixture loaded without a stated range is refused, asking for it.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAttacks } from '../../src/adversarial/registry';
import { attack } from '../../src/adversarial/run';
import { loadModelFromArtifacts } from '../../src/model/load';
import type { Executor } from '../../src/model/types';
import { toModelInput } from '../../src/synthesis/objectives';
import { buildFixtures, testImage, type Fixture } from './fixtures/models';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

let fixtures: Fixture[];
const models: Executor[] = [];
const RANGES: Array<[number, number]> = [[0, 1], [-1, 1], [0, 255]];

beforeAll(async () => {
  // Built on cpu (tf.layers), attacked on wasm (cpu takes half a minute over these fixtures).
  await tf.setBackend('cpu');
  fixtures = await buildFixtures();
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  expect(await tf.setBackend('wasm')).toBe(true);
  for (const [i, { name, artifacts }] of fixtures.entries()) {
    models.push(await loadModelFromArtifacts(artifacts, { id: name, preprocessing: { range: RANGES[i % RANGES.length] } }));
  }
});
afterAll(() => models.forEach((m) => m.dispose()));

describe('attacks on user models', () => {
  it('every attack: same shape, in [0, 1], inside its ball', async () => {
    for (const model of models) {
      const [h, w, c] = model.info.inputShape;
      const pixels = testImage([1, h, w, c], 3);
      const input = tf.tidy(() => toModelInput(pixels, model.info));
      for (const def of listAttacks()) {
        // Few steps: the largest fixtures cost a tenth of a second per pass.
        const options = def.id === 'fool' ? { steps: 2 } : def.id === 'deepfool' ? { steps: 2 } : def.id === 'fgsm' ? {} : { steps: 2 };
        const r = await attack(model, input, { attack: def.id, options, target: def.targeted === 'required' ? 1 : undefined }, { seed: 0 }).catch((err: Error) => {
          if (/already the model's prediction/.test(err.message)) return undefined;
          throw err;
        });
        if (r === undefined) continue;
        expect([r.height, r.width, r.channels], `${model.info.id} ${def.id}`).toEqual([h, w, c]);
        expect(r.adversarial.length).toBe(h * w * c);
        for (const v of r.adversarial) expect(v >= -1e-6 && v <= 1 + 1e-6).toBe(true);
        if (def.id !== 'deepfool') expect(r.norm === 'linf' ? r.norms.linf : r.norms.l2).toBeLessThanOrEqual(r.eps + 1e-5);
        expect(r.input.length).toBe(h * w * c);
      }
      pixels.dispose();
      input.dispose();
    }
  });

  it('a fixture loaded without a stated range is refused', async () => {
    const unstated = await loadModelFromArtifacts(fixtures[0].artifacts, { id: 'mine' });
    const [h, w, c] = unstated.info.inputShape;
    const x = testImage([1, h, w, c]);
    await expect(attack(unstated, x, { attack: 'pgd' }, { seed: 0 })).rejects.toThrow(/model 'mine': its input value range is unknown/);
    x.dispose();
    unstated.dispose();
  });
});
