/**
 * The worker's 'dissection' operation in Node (wasm): a shipped model's layer is read from the
 * site's cache through fetch (stubbed here with the committed files), any other request is
 * dissected live over the shapes probe and equals dissect() run directly; errors name the model.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DISSECTION_DEFAULTS } from '../../src/concepts/cache/plan';
import { dissect } from '../../src/concepts/dissection';
import { dissection } from '../../src/concepts/dissection-worker';
import { rankUnits } from '../../src/concepts/figure-data';
import { shapesProbe, SHAPES_VOCABULARY } from '../../src/concepts/shapes-probe';
import { loadModelNode } from '../../src/model/load-node';
import type { Executor } from '../../src/model/types';

const DIR = join(__dirname, '..', '..', 'public/data/dissection');
const models = new Map<string, Executor>();
beforeAll(async () => {
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  expect(await tf.setBackend('wasm')).toBe(true);
  for (const id of ['shapes-cnn', 'fashion-cnn']) models.set(id, await loadModelNode(id));
  vi.stubGlobal('fetch', async (url: string) => {
    const path = join(DIR, decodeURIComponent(url.replace('https://site.test/data/dissection/', '')));
    return existsSync(path) ? { ok: true, status: 200, json: async () => JSON.parse(readFileSync(path, 'utf8')) } : { ok: false, status: 404, json: async () => ({}) };
  });
});
afterAll(() => {
  vi.unstubAllGlobals();
  models.forEach((m) => m.dispose());
});

const ctx = (id: string) => ({ backend: 'wasm' as const, getModel: async () => models.get(id)!, describe: async () => { throw new Error('not used'); }, signal: { aborted: false } });

describe('dissection operation', () => {
  it('reads a shipped layer from the cache: conv2 of shapes-cnn, best unit 25 (cue:cue, 0.305)', async () => {
    const r = await dissection.run(ctx('shapes-cnn'), { model: 'shapes-cnn', modelsBase: '', layer: 'conv2', dataBase: 'https://site.test/data/dissection', limit: 3 });
    expect(r.source).toBe('cache');
    expect(r.count).toBe(DISSECTION_DEFAULTS.count);
    expect(r.units.map((u) => [u.unit, u.concept])).toEqual([[25, 'cue:cue'], [8, 'cue:cue'], [29, 'cue:cue']]);
    expect(r.units[0].iou).toBeCloseTo(0.30462, 5);
    expect(r.detectors.find((d) => d.category === 'cue')).toEqual({ category: 'cue', units: 20, unique: 4 });
  });

  it('dissects live when there is no cache, with the numbers of dissect() itself', async () => {
    const r = await dissection.run(ctx('shapes-cnn'), { model: 'shapes-cnn', modelsBase: '', layer: 'conv1', count: 40, limit: 5 });
    expect(r.source).toBe('live');
    expect(r.count).toBe(40);
    const model = models.get('shapes-cnn')!;
    const direct = await dissect(model, shapesProbe(model.info, { generator: DISSECTION_DEFAULTS.generator, count: 40 }), { layers: ['conv1'], topK: DISSECTION_DEFAULTS.topK });
    expect(r.units).toEqual(rankUnits(direct.layers[0], SHAPES_VOCABULARY, 5));
  });

  it('names the model and what it takes when a live dissection cannot run', async () => {
    await expect(dissection.run(ctx('fashion-cnn'), { model: 'fashion-cnn', modelsBase: '', layer: 'conv1' })).rejects.toThrow(/fashion-cnn.*64x64 RGB.*28x28x1/);
  });
});
