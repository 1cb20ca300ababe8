/**
 * The class activation map methods give the same maps on the wasm backend (what browsers without a
 * usable GPU run) as on cpu: the split forward pass, the half-pixel bilinear upsampling and the
 * guided ReLU all exist there too.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cam } from '../../src/methods/cam';
import { gradCam } from '../../src/methods/grad-cam';
import { gradCamPlusPlus } from '../../src/methods/grad-cam-plus-plus';
import { guidedGradCam } from '../../src/methods/guided-grad-cam';
import { loadModelFromArtifacts } from '../../src/model/load';
import { buildFixtures, testImage, type Fixture } from './fixtures/models';

let fixtures: Fixture[];
beforeAll(async () => {
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  await tf.setBackend('cpu');
  fixtures = (await buildFixtures()).filter((f) => ['mnist-conv-bn', 'residual-96', 'graph-model'].includes(f.name));
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

async function maps(backend: string, fixture: Fixture): Promise<Float32Array[]> {
  expect(await tf.setBackend(backend)).toBe(true);
  const model = await loadModelFromArtifacts(fixture.artifacts, { id: fixture.name });
  const x = testImage([1, ...model.info.inputShape], 12);
  const out: Float32Array[] = [];
  for (const method of [cam, gradCam, gradCamPlusPlus, guidedGradCam]) {
    out.push((await method.run(model, x, 1, {}, { seed: 0 })).values);
  }
  x.dispose();
  model.dispose();
  return out;
}

it('cpu and wasm agree on every CAM method (GAP fixtures, incl. the residual and the GraphModel)', async () => {
  for (const fixture of fixtures) {
    const cpu = await maps('cpu', fixture);
    const wasm = await maps('wasm', fixture);
    cpu.forEach((c, m) => {
      const scale = Math.max(...Array.from(c, Math.abs));
      expect(scale, `${fixture.name} method ${m}`).toBeGreaterThan(0);
      c.forEach((v, i) => expect(Math.abs(wasm[m][i] - v), `${fixture.name} method ${m} index ${i}`).toBeLessThan(1e-3 * scale));
    });
  }
});
