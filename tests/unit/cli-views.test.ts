/**
 * `glimpse activations`, `glimpse top-examples` and `glimpse embed` as a user runs them: a user's
 * model file and image folder, the JSON they write equals the library call, errors name the allowed values.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadImageSet } from '../../src/cli/image-folder';
import { loadModelNode } from '../../src/model/load-node';
import { topExamples } from '../../src/views/top-examples';
import { glimpse, writeModelDir } from './cli-fixture';
import { buildFixtures } from './fixtures/models';
import { useCpu } from './methods-nets';

let dir = '';
let modelPath = '';
let images = '';



beforeAll(async () => {
  await useCpu();
  dir = await mkdtemp(join(tmpdir(), 'glimpse-views-'));
  const fixture = (await buildFixtures()).find((f) => f.name === 'mnist-conv-bn')!;
  modelPath = await writeModelDir(fixture.artifacts, join(dir, 'model'));
  images = join(dir, 'images');
  await mkdir(images);
  for (let i = 0; i < 5; i++) {
    const px = Buffer.alloc(30 * 30);
    for (let p = 0; p < px.length; p++) px[p] = (p * (i + 3) * 37) % 256;
    await sharp(px, { raw: { width: 30, height: 30, channels: 1 } }).png().toFile(join(images, `im${i}.png`));
  }
});

afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('glimpse activations', () => {
  it('writes every channel of a layer and its dead channels', async () => {
    const r = await glimpse('activations', '--model', modelPath, '--image', join(images, 'im0.png'), '--layer', 'relu1');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.shape).toEqual([28, 28, 8]);
    expect(json.values).toHaveLength(28 * 28 * 8);
    expect(json.receptiveField).toMatchObject({ size: [3, 3], stride: [1, 1], offset: [-1, -1] });
    for (const c of json.dead) expect(json.channelMax[c]).toBe(0);
  });
  it('draws filters and grids as PNG', async () => {
    const out = join(dir, 'f.png');
    expect((await glimpse('activations', '--model', modelPath, '--filters', '--layer', 'conv2', '--out', out)).code).toBe(0);
    const meta = await sharp(out).metadata();
    // 12 filters x 8 input channels, 3x3 kernels zoomed 8x, 1 px gaps: 8 columns, 12 rows.
    expect([meta.width, meta.height]).toEqual([8 * 24 + 7, 12 * 24 + 11]);
  });
  it('names the allowed layers and scales', async () => {
    const r = await glimpse('activations', '--model', modelPath, '--image', join(images, 'im0.png'), '--layer', 'gap');
    expect(r.stderr).toMatch(/'gap' is not a spatial \(\[h, w, c\]\) layer; spatial \(\[h, w, c\]\) layers: conv1, bn1, relu1, pool1, conv2/);
    const s = await glimpse('activations', '--model', modelPath, '--image', join(images, 'im0.png'), '--scale', 'log');
    expect(s.stderr).toMatch(/--scale must be shared or per-channel; got 'log'/);
  });
});

describe('glimpse top-examples', () => {
  it('ranks a folder of the user\'s images like the library does', async () => {
    const out = join(dir, 'top.json');
    const r = await glimpse('top-examples', '--model', modelPath, '--images', images, '--k', '2', '--backend', 'cpu', '--out', out);
    expect(r.code).toBe(0);
    const json = JSON.parse(await readFile(out, 'utf8'));
    expect(json.images).toEqual(['im0.png', 'im1.png', 'im2.png', 'im3.png', 'im4.png']);
    const model = await loadModelNode(modelPath);
    const set = await loadImageSet(model, images);
    const expected = await topExamples(model, set.source, { k: 2 });
    expect(json.layers.map((l: { image: number[] }) => l.image)).toEqual(expected.layers.map((l) => l.image));
    model.dispose();
  });
  it('says when a folder has no images', async () => {
    const r = await glimpse('top-examples', '--model', modelPath, '--images', join(dir, 'model'));
    expect(r.stderr).toMatch(/holds no images \(\.png, \.jpg/);
  });
});

describe('glimpse embed', () => {
  it('gives the same t-SNE for the same seed, with neighbours', async () => {
    const args = ['embed', '--model', modelPath, '--images', images, '--method', 'tsne', '--seed', '3', '--perplexity', '1', '--neighbours', '2', '--backend', 'cpu'];
    const [a, b] = [await glimpse(...args), await glimpse(...args)];
    expect(a.code).toBe(0);
    const [ja, jb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(ja.coords).toHaveLength(10);
    expect(ja.coords).toEqual(jb.coords);
    expect(ja.featureLayer).toBe('gap');
    expect(ja.neighbours.index).toHaveLength(10);
  });
  it('names the methods', async () => {
    const r = await glimpse('embed', '--model', modelPath, '--method', 'mds');
    expect(r.stderr).toMatch(/unknown --method 'mds'; known: pca, tsne, umap/);
  });
});
