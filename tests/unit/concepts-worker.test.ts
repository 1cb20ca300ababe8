/**
 * The worker's 'tcav' operation in Node on the shipped shapes models (wasm), called as the engine
 * calls it: the ground truth of issue 12 (the corner mark is significant for its class on
 * shapes-cnn-biased at relu3 and not on shapes-cnn; a texture no class depends on is not), the
 * top images along the directions, and errors that name the model, layer and what was expected.
 * Bonferroni over 6 pairs, the protocol the numbers in docs/concepts.md were measured with.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelWeights, project, randomDirection, topIndices, unitDirection } from '../../src/concepts/directions';
import type { TcavRequest } from '../../src/concepts/protocol';
import { shapesConceptPixels } from '../../src/concepts/shapes-concepts';
import { memoSet, tcav } from '../../src/concepts/worker';
import { loadModelNode } from '../../src/model/load-node';
import type { Executor } from '../../src/model/types';

const models = new Map<string, Executor>();
beforeAll(async () => {
  setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  expect(await tf.setBackend('wasm')).toBe(true);
  for (const id of ['shapes-cnn', 'shapes-cnn-biased']) models.set(id, await loadModelNode(id));
});
afterAll(() => models.forEach((m) => m.dispose()));

function call(request: Omit<TcavRequest, 'modelsBase'>) {
  const ctx = { backend: 'wasm' as const, getModel: async () => models.get(request.model)!, describe: async () => { throw new Error('not used'); }, signal: { aborted: false } };
  return tcav.run(ctx, { modelsBase: '/models', ...request });
}

describe('directions', () => {
  it('projects, ranks, sums a flattened direction per channel and builds unit and random directions', () => {
    const rows = { n: 3, d: 4, data: Float32Array.from([1, 0, 0, 1, 0, 2, 0, 0, 3, 3, 3, 3]) };
    expect(Array.from(project(rows, [1, 0, 1, 0]))).toEqual([1, 0, 6]);
    expect(topIndices([1, 5, 5, 0], 3)).toEqual([1, 2, 0]);
    // Two positions x two channels: channel 0 gets 0.5 + 0.25, channel 1 gets -1 + 2.
    expect(Array.from(channelWeights([0.5, -1, 0.25, 2], 2))).toEqual([0.75, 1]);
    expect(Array.from(unitDirection(6, 3, 1))).toEqual([0, 1, 0, 0, 1, 0]);
    const r = randomDirection(100, 3);
    expect(r.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 5);
    expect(Array.from(randomDirection(100, 3))).toEqual(Array.from(r));
  });
});

describe('generated sets kept between calls', () => {
  it('makes a set once per key and evicts the oldest past 64 keys', () => {
    let made = 0;
    const make = () => ({ n: ++made });
    const a = memoSet('test a', make);
    expect(memoSet('test a', make)).toBe(a);
    expect(made).toBe(1);
    for (let i = 0; i < 64; i++) memoSet(`test fill ${i}`, make);
    expect(memoSet('test a', make)).not.toBe(a);
    expect(made).toBe(66);
  });
});

describe('tcav operation on the shipped shapes models', () => {
  const base = { target: 0, layer: 'relu3', comparisons: 6, topK: 0 };

  it('finds the red mark (cue:circle) significant for circle on shapes-cnn-biased at relu3', async () => {
    const r = await call({ ...base, model: 'shapes-cnn-biased', concept: { shapes: 'cue:circle' }, topK: 0 });
    expect(r.targetLabel).toBe('circle');
    expect(r.scores).toHaveLength(10);
    expect(r.nullScores).toHaveLength(10);
    expect(r.level).toBeCloseTo(0.05 / 6, 12);
    expect(r.significant).toBe(true);
    expect(r.mean).toBeGreaterThan(r.nullMean);
    expect(Math.min(...r.cavAccuracy)).toBeGreaterThan(0.9);
    expect(r.directions).toEqual([]);
  }, 120_000);

  it('ranks pool images with the red mark first along the relu4 CAV, ahead of chance (1 in 6)', async () => {
    const r = await call({ ...base, layer: 'relu4', model: 'shapes-cnn-biased', concept: { shapes: 'cue:circle' }, topK: 10 });
    expect(r.directions.map((d) => d.kind)).toEqual(['cav', 'unit', 'random']);
    const cav = r.directions[0];
    expect(cav.images).toHaveLength(10);
    expect(cav.projections[0]).toBeGreaterThanOrEqual(cav.projections[9]);
    // Pixel (3, 3) is inside the 5 x 5 mark; the red mark is pure (255, 0, 0). By chance 10/6 would be red;
    // 5 or more of 10 has probability 1.5 %.
    const red = cav.images.filter((im) => {
      const p = (3 * 64 + 3) * 3;
      return im.data[p] === 255 && im.data[p + 1] === 0 && im.data[p + 2] === 0;
    });
    expect(red.length).toBeGreaterThanOrEqual(5);
  }, 120_000);

  it('does not find it on shapes-cnn, and a texture is not significant on the biased model', async () => {
    const clean = await call({ ...base, model: 'shapes-cnn', concept: { shapes: 'cue:circle' }, topK: 0 });
    expect(clean.significant).toBe(false);
    // Called again, with its sets now reused from the worker's memo: the same numbers.
    const again = await call({ ...base, model: 'shapes-cnn', concept: { shapes: 'cue:circle' }, topK: 0 });
    expect(again.scores).toEqual(clean.scores);
    expect(again.nullScores).toEqual(clean.nullScores);
    expect(clean.p).toBeGreaterThan(clean.level);
    const dots = await call({ ...base, model: 'shapes-cnn-biased', concept: { shapes: 'texture:dots' }, topK: 0 });
    expect(dots.significant).toBe(false);
  }, 120_000);

  it('takes an uploaded concept of 10 to 50 images and visualizes the CAV', async () => {
    const images = shapesConceptPixels('cue:circle', 12).map((data) => ({ data, width: 64, height: 64, channels: 3 }));
    const r = await call({ ...base, model: 'shapes-cnn-biased', runs: 2, perSet: 20, classCount: 20, concept: { name: 'mine', images }, topK: 2, visualizeSteps: 3 });
    expect(r.concept).toBe('mine');
    expect(r.scores).toHaveLength(2);
    expect(r.classImages).toBe(20);
    expect(r.visualization?.width).toBe(64);
    expect(r.visualization?.data.length).toBe(64 * 64 * 4);
  }, 120_000);

  it('names the model, the layer and what was expected', async () => {
    await expect(call({ ...base, model: 'shapes-cnn', layer: 'nope', concept: { shapes: 'cue:circle' } })).rejects.toThrow(/shapes-cnn.*no layer 'nope'; layers: conv1/);
    await expect(call({ ...base, model: 'shapes-cnn', concept: { shapes: 'colour:teal' } })).rejects.toThrow(/unknown shapes concept 'colour:teal'; known: shape:circle/);
    const few = Array.from({ length: 4 }, () => ({ data: new Uint8Array(64 * 64 * 3), width: 64, height: 64, channels: 3 }));
    await expect(call({ ...base, model: 'shapes-cnn', concept: { name: 'mine', images: few } })).rejects.toThrow(/shapes-cnn.*layer 'relu3'.*'mine' has 4 images; give 10 to 50/);
    await expect(call({ ...base, model: 'shapes-cnn', target: 9, concept: { shapes: 'cue:circle' } })).rejects.toThrow(/class 9 unknown; classes 0..5/);
  });
});
