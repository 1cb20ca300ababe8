/**
 * The gradient family gives the same maps on the wasm backend (what browsers without a usable GPU
 * run) as on cpu: the guided and deconvnet ReLU rules, the batched noisy copies and path points.
 * Noise and baselines are drawn in JavaScript, so both backends see identical inputs.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getMethod } from '../../src/methods/registry';
import { loadModelFromArtifacts } from '../../src/model/load';
import { buildFixtures, testImage, type Fixture } from './fixtures/models';

const RUNS: Array<[string, Record<string, unknown>]> = [
  ['smooth-grad', { samples: 6, batchSize: 4 }],
  ['smooth-grad', { samples: 6, variant: 'vargrad' }],
  ['integrated-gradients', { steps: 6, batchSize: 4 }],
  ['integrated-gradients', { steps: 5, baseline: 'blurred', method: 'riemann-middle' }],
  ['guided-backprop', {}],
  ['deconvnet', {}],
];

let fixtures: Fixture[];
beforeAll(async () => {
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  await tf.setBackend('cpu');
  fixtures = (await buildFixtures()).filter((f) => ['mnist-conv-bn', 'separable', 'graph-model'].includes(f.name));
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

async function maps(backend: string, fixture: Fixture): Promise<Float32Array[]> {
  expect(await tf.setBackend(backend)).toBe(true);
  const model = await loadModelFromArtifacts(fixture.artifacts, { id: fixture.name });
  const x = testImage([1, ...model.info.inputShape], 21);
  const out: Float32Array[] = [];
  for (const [id, options] of RUNS) {
    const method = getMethod(id);
    out.push((await method.run(model, x, 1, method.options.parse(options), { seed: 3 })).values);
  }
  x.dispose();
  model.dispose();
  return out;
}

it('cpu and wasm agree on SmoothGrad, IG, guided backprop and deconvnet (incl. the GraphModel)', async () => {
  for (const fixture of fixtures) {
    const cpu = await maps('cpu', fixture);
    const wasm = await maps('wasm', fixture);
    cpu.forEach((c, m) => {
      const label = `${fixture.name} ${RUNS[m][0]} ${JSON.stringify(RUNS[m][1])}`;
      const scale = Math.max(...Array.from(c, Math.abs));
      expect(scale, label).toBeGreaterThan(0);
      c.forEach((v, i) => expect(Math.abs(wasm[m][i] - v), `${label} index ${i}`).toBeLessThan(1e-3 * scale));
    });
  }
});
