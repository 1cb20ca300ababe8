/**
 * Feature visualization on the shipped shapes-cnn, on the wasm backend (what the gallery build and
 * most browsers run): with the gallery's own settings, the synthesized image of at least 90 % of
 * sampled channels activates the channel more than its most activating image of the shipped sample.
 * Also DeepDream raises its layer's energy, and multifaceted visualization starts one image per facet.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mulberry32, randInt } from '../../src/methods/random';
import { loadModelNode } from '../../src/model/load-node';
import type { Executor } from '../../src/model/types';
import { channel, layerL2 } from '../../src/synthesis/objectives';
import { evaluate } from '../../src/synthesis/optimize';
import { deepDream } from '../../src/synthesis/methods/deepdream';
import { kMeans, multifaceted } from '../../src/synthesis/methods/multifaceted';
import { GALLERY_DEFAULTS, visualizeUnits } from '../../src/synthesis/methods/visualize';

let model: Executor;
let sample: Float32Array;
const N = 120;
beforeAll(async () => {
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  expect(await tf.setBackend('wasm')).toBe(true);
  model = await loadModelNode('shapes-cnn');
  sample = Float32Array.from(readFileSync('public/data/shapes/sample.bin'), (v) => v / 255);
});
afterAll(async () => {
  model.dispose();
  await tf.setBackend('cpu');
});

it('synthesized images beat the top natural image for >= 90 % of sampled channels', async () => {
  const rng = mulberry32(11);
  const layers = ['conv1', 'conv2', 'conv3', 'conv4'];
  let wins = 0;
  let total = 0;
  const report: string[] = [];
  for (const layer of layers) {
    const channels = model.info.layers.find((l) => l.name === layer)!.outputShape[2];
    const picked = [...new Set(Array.from({ length: 4 }, () => randInt(rng, channels)))];
    const units = picked.map((c) => ({ kind: 'channel' as const, layer, channel: c }));
    const result = await visualizeUnits(model, units, { ...GALLERY_DEFAULTS });
    for (let k = 0; k < picked.length; k++) {
      const best = Math.max(...(await evaluate(model, channel(layer, picked[k]), sample, [N, 64, 64, 3])));
      total++;
      if (result.activations[k] > best) wins++;
      report.push(`${layer}:${picked[k]} ${result.activations[k].toFixed(3)} vs ${best.toFixed(3)}`);
    }
  }
  expect(wins / total, report.join('; ')).toBeGreaterThanOrEqual(0.9);
});

it('DeepDream raises the layer energy of a sample image and keeps its size', async () => {
  const image = sample.slice(0, 64 * 64 * 3);
  const out = await deepDream(model, { layer: 'conv3', image, octaves: 3, stepsPerOctave: 5, seed: 1 });
  expect(out.shape).toEqual([1, 64, 64, 3]);
  const [before] = await evaluate(model, layerL2('conv3'), image, [1, 64, 64, 3]);
  const [after] = await evaluate(model, layerL2('conv3'), out.pixels, [1, 64, 64, 3]);
  expect(after).toBeGreaterThan(1.2 * before);
});

it('k-means separates two obvious clusters; multifaceted starts one image per facet', async () => {
  const pts = [[0, 0], [0.1, 0], [0, 0.1], [5, 5], [5.1, 5], [5, 5.2]].map((p) => Float32Array.from(p));
  const a = kMeans(pts, 2, mulberry32(1));
  expect(a.slice(0, 3).every((x) => x === a[0])).toBe(true);
  expect(a.slice(3).every((x) => x === a[3])).toBe(true);
  expect(a[0]).not.toBe(a[3]);

  const size = 64 * 64 * 3;
  const examples = sample.slice(0, 12 * size);
  const objective = channel('conv4', 1);
  const result = await multifaceted(model, {
    objective, examples, count: 12, featureLayer: 'gap', facets: 3, seed: 2,
    optimize: { steps: 8, param: { kind: 'pixel', decorrelate: false, squash: 'clip' } },
  });
  expect(result.shape[0]).toBe(result.facetSizes.length);
  expect(result.facetSizes.reduce((x, y) => x + y, 0)).toBe(12);
  const values = await evaluate(model, objective, result.pixels, result.shape);
  const starts = await evaluate(model, objective, examples, [12, 64, 64, 3]);
  // Each facet's image ends above the mean activation of the examples it started from.
  expect(Math.min(...values)).toBeGreaterThan(starts.reduce((x, y) => x + y, 0) / 12);
});
