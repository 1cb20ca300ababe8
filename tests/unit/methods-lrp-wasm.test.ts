/**
 * LRP on the wasm backend (what browsers without a usable GPU run) gives the cpu maps: depthwise and
 * strided convs take their wasm-safe input gradients (ops/conv.ts), BN is folded at run time, and
 * the shipped models (grey 28 px, colour 64 px) run with every rule.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getMethod } from '../../src/methods/registry';
import { loadModelFromArtifacts } from '../../src/model/load';
import { loadModelNode } from '../../src/model/load-node';
import type { Executor } from '../../src/model/types';
import { buildFixtures, testImage, type Fixture } from './fixtures/models';

const RULES: Array<Record<string, unknown>> = [
  {}, { rule: 'z-plus', firstLayer: 'z-b' }, { rule: 'alpha-beta', alpha: 2, beta: 1 }, { firstLayer: 'w-square' },
];

let fixtures: Fixture[];
beforeAll(async () => {
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  await tf.setBackend('cpu');
  fixtures = (await buildFixtures()).filter((f) => ['mnist-conv-bn', 'separable', 'grey-strided'].includes(f.name));
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

async function maps(backend: string, load: () => Promise<Executor>): Promise<Array<{ values: Float32Array; extra: Record<string, number> }>> {
  expect(await tf.setBackend(backend)).toBe(true);
  const model = await load();
  const x = testImage([1, ...model.info.inputShape], 21);
  const lrp = getMethod('lrp');
  const out = [];
  for (const options of RULES) {
    const a = await lrp.run(model, x, 1, lrp.options.parse(options), { seed: 3 });
    out.push({ values: a.values, extra: a.stats.extra! });
  }
  x.dispose();
  model.dispose();
  return out;
}

it('cpu and wasm agree on LRP for depthwise, strided and BN fixtures and the shipped models', async () => {
  const sources: Array<[string, () => Promise<Executor>]> = [
    ...fixtures.map((f): [string, () => Promise<Executor>] => [f.name, () => loadModelFromArtifacts(f.artifacts, { id: f.name })]),
    ['fashion-cnn', () => loadModelNode('fashion-cnn')],
    ['shapes-cnn', () => loadModelNode('shapes-cnn')],
  ];
  for (const [name, load] of sources) {
    const cpu = await maps('cpu', load);
    const wasm = await maps('wasm', load);
    cpu.forEach((c, r) => {
      const label = `${name} ${JSON.stringify(RULES[r])}`;
      const scale = Math.max(...Array.from(c.values, Math.abs));
      expect(scale, label).toBeGreaterThan(0);
      c.values.forEach((v, i) => expect(Math.abs(wasm[r].values[i] - v), `${label} index ${i}`).toBeLessThan(2e-3 * scale));
      expect(wasm[r].extra.relevanceSum).toBeCloseTo(c.extra.relevanceSum, 3);
    });
  }
});
