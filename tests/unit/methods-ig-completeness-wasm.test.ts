/**
 * Integrated Gradients' completeness at the default options (adaptive rule, black baseline), as the
 * issue demands: on each of the first 20 sample images of both shipped models, explaining the
 * predicted class, the map sums to f(x) - f(black) within 1 %. Run on wasm (what browsers without
 * a usable GPU run, and ~10x faster than tfjs cpu on shapes-cnn); stats.extra.completenessDelta is
 * checked against the map's own sum.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getMethod } from '../../src/methods/registry';
import { loadModelNode, REPO_ROOT } from '../../src/model/load-node';

beforeAll(async () => {
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  expect(await tf.setBackend('wasm')).toBe(true);
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

const MODELS: Array<[string, string]> = [['fashion-cnn', 'fashion-mnist'], ['shapes-cnn', 'shapes']];

for (const [id, data] of MODELS) {
  it(`${id}: the first 20 sample images sum to f(x) - f(black) within 1 %`, async () => {
    const model = await loadModelNode(id);
    const [h, w, c] = model.info.inputShape;
    const n = h * w * c;
    const bytes = readFileSync(`${REPO_ROOT}public/data/${data}/sample.bin`);
    const ig = getMethod('integrated-gradients');
    const options = ig.options.parse({});
    for (let image = 0; image < 20; image++) {
      const x = tf.tensor4d(Float32Array.from(bytes.subarray(image * n, (image + 1) * n), (v) => v / 255), [1, h, w, c]);
      const logits = tf.tidy(() => Array.from(model.forward(x).logits.dataSync()));
      const target = logits.indexOf(Math.max(...logits));
      const a = await ig.run(model, x, target, options, { seed: 0 });
      x.dispose();
      const gap = a.stats.targetLogit - a.stats.extra!.baselineLogit;
      const sum = Array.from(a.values).reduce((s, v) => s + v, 0);
      expect(Math.abs(gap), `image ${image}`).toBeGreaterThan(1);
      expect(sum - gap, `image ${image}`).toBeCloseTo(a.stats.extra!.completenessDelta, 3);
      expect(Math.abs(sum - gap), `image ${image}: ${a.stats.extra!.pathPoints} points`).toBeLessThan(0.01 * Math.abs(gap));
    }
    model.dispose();
  });
}
