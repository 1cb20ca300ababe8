/**
 * The worker's load and call paths on failure (Retry on a broken model must not grow the worker):
 * a model whose shard is truncated or holds NaN weights fails the same way every try with no
 * tensor left behind, and a failed attribution call leaves none either. Stubbed fetch, cpu backend.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, getModel, init } from '../../src/workers/engine';
import { REPO_ROOT } from '../../src/model/load-node';

const ORIGIN = 'http://glimpse.test';
const dir = `${REPO_ROOT}public/models/fashion-cnn`;
const modelJson = readFileSync(`${dir}/model.json`);
const shard = readFileSync(`${dir}/group1-shard1of1.bin`);
const nanShard = Buffer.from(shard);
new Float32Array(nanShard.buffer, nanShard.byteOffset, nanShard.byteLength / 4)[shard.byteLength / 4 - 1] = NaN; // the last weight
const files: Record<string, Buffer> = {
  '/truncated/model.json': modelJson, '/truncated/group1-shard1of1.bin': shard.subarray(0, 100_000),
  '/nan/model.json': modelJson, '/nan/group1-shard1of1.bin': nanShard,
};

beforeAll(async () => {
  vi.stubGlobal('fetch', async (url: string | URL) => {
    const u = new URL(String(url));
    if (u.origin !== ORIGIN) throw new Error(`unexpected fetch ${u.href}`);
    const body = files[u.pathname] ?? readFileSync(`${REPO_ROOT}public${u.pathname}`, { flag: 'r' });
    return new Response(new Uint8Array(body), { status: 200 });
  });
  await tf.setBackend('cpu');
  await init('cpu');
});
afterAll(() => vi.unstubAllGlobals());

describe('worker failures leak nothing', () => {
  it.each([
    ['truncated', /holds 100000 bytes but the weights model.json lists for it need \d+/],
    ['nan', /has 1 NaN or Inf values/],
  ])('a %s model fails the same way on every Retry, with no tensor left', async (name, message) => {
    const ref = { model: `${ORIGIN}/${name}/model.json`, modelsBase: `${ORIGIN}/models` };
    const before = tf.memory().numTensors;
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(getModel(ref)).rejects.toThrow(message);
      expect(tf.memory().numTensors, `attempt ${attempt}`).toBe(before);
    }
  });

  it('a failed attribution call leaves no tensor behind', async () => {
    const ref = { model: 'fashion-cnn', modelsBase: `${ORIGIN}/models` };
    await getModel(ref);
    const image = { data: new Uint8Array(28 * 28).fill(7), width: 28, height: 28, channels: 1 };
    const before = tf.memory().numTensors;
    await expect(call('attribution', 1, { ...ref, method: 'vanilla-gradient', target: 99, image })).rejects.toThrow(/target 99/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
