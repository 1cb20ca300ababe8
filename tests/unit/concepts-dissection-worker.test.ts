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

describe('a shapes probe whose every mark is one class', () => {
  it("changes only the mark's 25 pixels, all one colour, and labels the mark with that class", async () => {
    const model = models.get('shapes-cnn')!;
    const plain = shapesProbe(model.info, { generator: DISSECTION_DEFAULTS.generator, count: 12 });
    const red = shapesProbe(model.info, { generator: DISSECTION_DEFAULTS.generator, count: 12, markClass: 0 });
    expect(red.name).toMatch(/marks circle 0\.\.11$/);
    const a = plain.images.batch(0, 12).dataSync();
    const b = red.images.batch(0, 12).dataSync();
    const changed = new Set<number>();
    const markValues = new Set<string>();
    let recoloured = 0;
    for (let i = 0; i < 12; i++) {
      if (renderSample(i, DISSECTION_DEFAULTS.generator).cue!.label !== 0) recoloured++;
      for (let p = 0; p < 64 * 64; p++) {
        const y = Math.floor(p / 64), x = p % 64;
        const px = [0, 1, 2].map((ch) => b[(i * 64 * 64 + p) * 3 + ch]);
        if ([0, 1, 2].some((ch) => a[(i * 64 * 64 + p) * 3 + ch] !== px[ch])) changed.add(p);
        if (y >= 1 && y < 6 && x >= 1 && x < 6) markValues.add(px.join(','));
      }
      const m = red.masks(i);
      expect(m.segmentConcepts[3].map((c) => SHAPES_VOCABULARY.concepts[c].id)).toEqual(['cue:cue', 'cue:circle']);
      expect(Array.from(m.segments)).toEqual(Array.from(plain.masks(i).segments));
    }
    expect(recoloured).toBeGreaterThan(0);
    expect([...changed].every((p) => Math.floor(p / 64) >= 1 && Math.floor(p / 64) < 6 && p % 64 >= 1 && p % 64 < 6)).toBe(true);
    expect(markValues.size).toBe(1);
    expect(() => shapesProbe(model.info, { generator: DISSECTION_DEFAULTS.generator, count: 1, markClass: 6 })).toThrow(/markClass must be an index into circle, .*0-5.*got 6/);
    expect(() => shapesProbe(model.info, { generator: { seed: 1 }, count: 1, markClass: 0 })).toThrow(/needs a generator with a bias/);
  });

  it('the clean model already has a red-mark detector in conv1 when every mark is red: IoU > 0.4 over 300 images (docs/concepts.md)', async () => {
    const model = models.get('shapes-cnn')!;
    const d = await dissect(model, shapesProbe(model.info, { generator: DISSECTION_DEFAULTS.generator, count: 300, markClass: 0 }), { layers: ['conv1'] });
    const c = d.vocabulary.concepts.findIndex((x) => x.id === 'cue:circle');
    const n = d.vocabulary.concepts.length;
    const best = Math.max(...d.layers[0].units.map((u) => d.layers[0].iou[u.unit * n + c]));
    expect(best).toBeGreaterThan(0.4);
  });
});
