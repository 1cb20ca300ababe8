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
import { overlayRgba, rankUnits } from '../../src/concepts/figure-data';
import { unpackBits } from '../../src/concepts/dissection';
import { conceptMask, renderSample, SHAPE_CLASSES } from '../../src/data/shapes';
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

  it('live: streams progress over both passes, draws overlays of the first units, stops when cancelled', async () => {
    const frames: Array<{ done: number; total: number }> = [];
    const c = { ...ctx('shapes-cnn'), onFrame: async (f: { done: number; total: number }) => { frames.push(f); } };
    const r = await dissection.run(c, { model: 'shapes-cnn', modelsBase: '', layer: 'conv2', count: 70, overlays: 2 });
    // Batches of 32: 32, 64, 70 in pass 1, then 70 + the same.
    expect(frames).toEqual([32, 64, 70, 102, 134, 140].map((done) => ({ done, total: 140 })));
    expect(r.unitsInLayer).toBe(32);
    expect(r.units).toHaveLength(32);
    expect(r.units.map((u) => u.overlays?.length ?? 0)).toEqual([3, 3, ...new Array(30).fill(0)]);
    // The overlay of the best unit's top image, rebuilt from the generator's own concept mask.
    const u = r.units[0];
    const o = u.overlays![0];
    const sample = renderSample(o.image, DISSECTION_DEFAULTS.generator);
    // The mark's concepts (cue:cue, cue:<class of its colour>) are its pixels (object map 255); others the generator's mask.
    const markClass = sample.cue === undefined ? undefined : SHAPE_CLASSES[sample.cue.label];
    const expectedMask = u.concept === 'cue:cue' || u.concept === `cue:${markClass}`
      ? Uint8Array.from(sample.objectMap, (v) => (v === 255 ? 1 : 0))
      : u.concept.startsWith('cue:') ? new Uint8Array(64 * 64) : conceptMask(sample, u.concept);
    expect(Array.from(o.data)).toEqual(Array.from(overlayRgba(sample.image, unpackBits(u.top[0].mask, 64 * 64), expectedMask, 64, 64)));
    // Cancelled after the first frame: the operation stops at its next batch.
    const signal = { aborted: false };
    const stopped = dissection.run({ ...ctx('shapes-cnn'), signal, onFrame: async () => { signal.aborted = true; } }, { model: 'shapes-cnn', modelsBase: '', layer: 'conv1', count: 200 });
    await expect(stopped).rejects.toThrow(/cancelled/);
  });

  it('a layer without spatial extent: the error names model, layer and the layers that have one', async () => {
    await expect(dissection.run(ctx('shapes-cnn'), { model: 'shapes-cnn', modelsBase: '', layer: 'gap', count: 10 })).rejects.toThrow(/model 'shapes-cnn' layer 'gap' has output shape \[128\], no spatial extent.*layers with an \[h, w, c\] output: conv1, bn1, relu1/);
  });

  it('names the model and what it takes when a live dissection cannot run', async () => {
    await expect(dissection.run(ctx('fashion-cnn'), { model: 'fashion-cnn', modelsBase: '', layer: 'conv1' })).rejects.toThrow(/fashion-cnn.*64x64 RGB.*28x28x1/);
  });
});
