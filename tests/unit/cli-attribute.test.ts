/**
 * `glimpse attribute` as a subprocess, the way people run it: a fixture model written to a temp dir
 * (and the shipped fashion-cnn when it has been trained), a PNG made with sharp. Checks the JSON
 * against the same computation in-process, the PNG size, and the one-line errors.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttributeJson } from '../../src/cli/attribute';
import { decodeImage, imageToInput } from '../../src/cli/image';
import { getMethod } from '../../src/methods/registry';
import { loadModelNode, SHIPPED_MODELS_DIR } from '../../src/model/load-node';
import { glimpse, writeModelDir } from './cli-fixture';
import { buildFixtures } from './fixtures/models';
import { useCpu } from './methods-nets';

let dir = '';
let modelPath = '';
let imagePath = '';



beforeAll(async () => {
  await useCpu();
  dir = await mkdtemp(join(tmpdir(), 'glimpse-cli-'));
  const fixture = (await buildFixtures()).find((f) => f.name === 'mnist-conv-bn')!;
  modelPath = await writeModelDir(fixture.artifacts, join(dir, 'model'));
  // 40x30 RGB gradient with a bright square: not the model's size or channel count on purpose.
  const px = Buffer.alloc(40 * 30 * 3);
  for (let y = 0; y < 30; y++) {
    for (let x = 0; x < 40; x++) {
      const v = x > 15 && x < 25 && y > 10 && y < 20 ? 255 : (x * 5 + y * 3) % 200;
      px.set([v, (v * 2) % 256, 255 - v], (y * 40 + x) * 3);
    }
  }
  imagePath = join(dir, 'image.png');
  await sharp(px, { raw: { width: 40, height: 30, channels: 3 } }).png().toFile(imagePath);
  await writeFile(join(dir, 'not-an-image.png'), 'hello');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('glimpse attribute', () => {
  it('writes JSON equal to the in-process computation, explaining the predicted class', async () => {
    const run = await glimpse('attribute', '--model', modelPath, '--method', 'gradient-x-input', '--image', imagePath);
    expect(run.stderr).toMatch(/^printed JSON \(\d+\.\d KB\) on stdout: gradient-x-input map for class \d 'class \d' of .*model\.json; predicted \d 'class \d' \(\d+\.\d %\); \d+ ms\n$/);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as AttributeJson;
    expect(Object.keys(json)).toEqual(['model', 'method', 'target', 'targetLabel', 'shape', 'values', 'stats']);
    expect(json.shape).toEqual([28, 28, 1]);
    expect(json.values.length).toBe(784);
    expect(json.method).toBe('gradient-x-input');
    expect(json.targetLabel).toBe(`class ${json.target}`);

    const model = await loadModelNode(modelPath);
    const input = tf.tensor4d(imageToInput(await decodeImage(imagePath), model.info), [1, 28, 28, 1]);
    const logits = tf.tidy(() => Array.from(model.forward(input).logits.dataSync()));
    expect(json.target).toBe(logits.indexOf(Math.max(...logits)));
    const a = await getMethod('gradient-x-input').run(model, input, json.target, {}, { seed: 0 });
    const scale = Math.max(...Array.from(a.values, Math.abs));
    json.values.forEach((v, i) => expect(Math.abs(v - a.values[i])).toBeLessThanOrEqual(1e-5 * scale));
    expect(json.stats.targetLogit).toBeCloseTo(a.stats.targetLogit, 5);
    input.dispose();
    model.dispose();
  });

  it('takes the target by name and by index, and writes a >= 224 px PNG', async () => {
    const out = join(dir, 'map.png');
    const [byName, png] = await Promise.all([
      glimpse('attribute', '--model', modelPath, '--method', 'vanilla-gradient', '--image', imagePath, '--target', 'class 7', '--out', join(dir, 'a.json')),
      glimpse('attribute', '--model', modelPath, '--method', 'vanilla-gradient', '--image', imagePath, '--target', '7', '--out', out, '--backend', 'wasm'),
    ]);
    expect(byName.code).toBe(0);
    expect(png.code).toBe(0);
    const json = JSON.parse(await readFile(join(dir, 'a.json'), 'utf8')) as AttributeJson;
    expect(json.target).toBe(7);
    const meta = await sharp(out).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 224, 224]); // 28 x 8, nearest neighbour
  });

  it('fails with one clear line and exit code 1', async () => {
    const base = ['attribute', '--model', modelPath, '--image', imagePath];
    const runs = await Promise.all([
      glimpse(...base, '--method', 'saliency'),
      glimpse(...base, '--method', 'vanilla-gradient', '--target', '10'),
      glimpse('attribute', '--model', 'no-such-model', '--method', 'vanilla-gradient', '--image', imagePath),
      glimpse('attribute', '--model', modelPath, '--method', 'vanilla-gradient', '--image', join(dir, 'not-an-image.png')),
    ]);
    const expected = [
      "glimpse: unknown method 'saliency'; known: vanilla-gradient, gradient-x-input",
      `glimpse: model '${modelPath}': target 10 is out of range; valid targets: 0..9 or a class name (0 class 0, 1 class 1,`,
      "glimpse: unknown model 'no-such-model'; shipped models:",
      `glimpse: '${join(dir, 'not-an-image.png')}' is not an image glimpse can read`,
    ];
    runs.forEach((run, i) => {
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr.startsWith(expected[i])).toBe(true);
    });
  });

  it('prints help with exit code 0', async () => {
    const [top, sub] = await Promise.all([glimpse('--help'), glimpse('attribute', '--help')]);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('attribute');
    expect(top.stdout).toContain('bench');
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--method <id>           vanilla-gradient, gradient-x-input');
  });

  it.runIf(existsSync(join(SHIPPED_MODELS_DIR, 'fashion-cnn/model.json')))('runs the shipped fashion-cnn by id', async () => {
    const run = await glimpse('attribute', '--model', 'fashion-cnn', '--method', 'vanilla-gradient', '--image', imagePath, '--target', 'Trouser');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as AttributeJson;
    expect([json.model, json.target, json.targetLabel]).toEqual(['fashion-cnn', 1, 'Trouser']);
    expect(json.shape).toEqual([28, 28, 1]);
  });
});
