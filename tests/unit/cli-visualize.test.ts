/**
 * `glimpse visualize` and `glimpse gallery` as subprocesses: a PNG of one unit at >= 224 px, JSON
 * pixels that equal the in-process optimization with the same seed, and one-line errors that name
 * the allowed values.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { glimpse } from './cli-fixture';
import { loadModelNode } from '../../src/model/load-node';
import { visualizeUnits } from '../../src/synthesis/methods/visualize';

let dir = '';


beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glimpse-visualize-'));
  await tf.setBackend('cpu');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('writes a PNG and JSON; the JSON equals the in-process result', async () => {
  const png = join(dir, 'x.png');
  const run = await glimpse('visualize', '--model', 'fashion-cnn', '--objective', 'conv2:7', '--steps', '3', '--seed', '5', '--backend', 'cpu', '--out', png);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toMatch(/conv2:7: activation -?\d/);
  const meta = await sharp(await readFile(png)).metadata();
  expect([meta.width, meta.height]).toEqual([224, 224]);

  const json = join(dir, 'x.json');
  expect((await glimpse('visualize', '--model', 'fashion-cnn', '--objective', 'class:Sneaker', '--steps', '3', '--seed', '5', '--backend', 'cpu', '--out', json)).code).toBe(0);
  const parsed = JSON.parse(await readFile(json, 'utf8')) as { objective: string; pixels: number[]; shape: number[] };
  expect(parsed.objective).toBe('class:7');
  const model = await loadModelNode('fashion-cnn');
  const mine = await visualizeUnits(model, [{ kind: 'class', index: 7 }], { steps: 3, seed: 5 });
  model.dispose();
  mine.pixels.forEach((v, i) => expect(Math.abs(parsed.pixels[i] - v)).toBeLessThan(1e-6));
});

it('one-line errors name what is allowed', async () => {
  const out = join(dir, 'y.png');
  const badLayer = await glimpse('visualize', '--model', 'fashion-cnn', '--objective', 'conv9:1', '--out', out, '--backend', 'cpu');
  expect(badLayer.code).toBe(1);
  expect(badLayer.stderr).toMatch(/^glimpse: unit 'conv9:1': model 'fashion-cnn' has no layer 'conv9'; layers: input, conv1/);
  const badRecipe = await glimpse('visualize', '--model', 'fashion-cnn', '--objective', 'conv1:1', '--recipe', 'magic', '--out', out);
  expect(badRecipe.stderr).toMatch(/unknown recipe 'magic'; known: lucid, naive, simonyan, yosinski-1/);
  const badShard = await glimpse('gallery', '--model', 'fashion-cnn', '--shard', '3/3');
  expect(badShard.stderr).toMatch(/--shard must be i\/n with 0 <= i < n/);
  const noModel = await glimpse('gallery');
  expect(noModel.stderr).toMatch(/give --model <id\|path> or --all/);
});
