/**
 * `glimpse dissect --images --masks` as a subprocess on a reader's own probe (docs/concepts.md):
 * 12 shapes scenes as PNGs with index-map masks of their corner mark; the IoUs it writes equal
 * dissect() run in process on the same pixels and masks, so the mask folder is read as documented.
 * Bad input (masks of two sizes, an unknown index value, a PNG naming an unknown concept, no
 * concepts.json) gets one line naming the file and what was expected.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISSECTION_DEFAULTS } from '../../src/concepts/cache/plan';
import { dissect, type Dissection } from '../../src/concepts/dissection';
import { CUE_ID, renderSample } from '../../src/data/shapes';
import { loadModelNode } from '../../src/model/load-node';
import { pixelSource } from '../../src/views/image-set';
import { glimpse } from './cli-fixture';
import { arrayProbe } from './concepts-nets';

const N = 12;
let dir = '';
const samples = Array.from({ length: N }, (_, i) => renderSample(i, DISSECTION_DEFAULTS.generator));
const markMask = (i: number) => Uint8Array.from(samples[i].objectMap, (v) => (v === CUE_ID ? 1 : 0));
const png = (data: Uint8Array, w: number, h: number, channels: 1 | 3) => sharp(Buffer.from(data), { raw: { width: w, height: h, channels } }).png().toBuffer();

async function probeDir(name: string, masks: (i: number) => Promise<void>, concepts: unknown = ['mark:mark']): Promise<{ images: string; masks: string }> {
  const images = join(dir, name, 'images');
  const maskDir = join(dir, name, 'masks');
  await mkdir(images, { recursive: true });
  await mkdir(maskDir, { recursive: true });
  if (concepts !== null) await writeFile(join(maskDir, 'concepts.json'), JSON.stringify(concepts));
  for (let i = 0; i < N; i++) {
    await writeFile(join(images, `img${String(i).padStart(2, '0')}.png`), await png(samples[i].image, 64, 64, 3));
    await masks(i);
  }
  return { images, masks: maskDir };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'glimpse-dissect-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('glimpse dissect on your own images and masks', () => {
  it('reads index-map masks as documented: the IoUs equal dissect() in process', async () => {
    const p = await probeDir('ok', async (i) => writeFile(join(dir, 'ok', 'masks', `img${String(i).padStart(2, '0')}.png`), await png(markMask(i), 64, 64, 1)));
    const out = join(dir, 'd.json');
    const run = await glimpse('dissect', '--model', 'shapes-cnn', '--images', p.images, '--masks', p.masks, '--layer', 'conv2', '--out', out);
    expect(run.code, run.stderr).toBe(0);
    const d = JSON.parse(await readFile(out, 'utf8')) as Dissection & { images: string[] };
    expect(d.count).toBe(N);
    expect(d.vocabulary.concepts.map((c) => c.id)).toEqual(['mark:mark']);
    expect(d.layers.map((l) => l.layer)).toEqual(['conv2']);

    setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    expect(await tf.setBackend('wasm')).toBe(true);
    const model = await loadModelNode('shapes-cnn');
    // Index map value 1 = concept 0 ('mark:mark'); the category is labelled where a mark pixel exists.
    const probe = arrayProbe(pixelSource(N, (i) => samples[i].image, 64, 64, 3, model.info), [64, 64], samples.map((_, i) => markMask(i)), [[], [0]], () => [0], [{ id: 'mark:mark', category: 'mark', name: 'mark' }], ['mark']);
    const direct = await dissect(model, probe, { layers: ['conv2'] });
    model.dispose();
    expect(d.layers[0].iou).toEqual(direct.layers[0].iou);
    expect(Math.max(...d.layers[0].iou)).toBeGreaterThan(0.1);
  }, 120_000);

  it('names the file and what was expected on bad masks', async () => {
    const stem = (i: number) => `img${String(i).padStart(2, '0')}`;
    const sizes = await probeDir('sizes', async (i) => writeFile(join(dir, 'sizes', 'masks', `${stem(i)}.png`), await png(new Uint8Array(i === 3 ? 32 * 32 : 64 * 64), i === 3 ? 32 : 64, i === 3 ? 32 : 64, 1)));
    const a = await glimpse('dissect', '--model', 'shapes-cnn', '--images', sizes.images, '--masks', sizes.masks);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/masks must all have one size: 'img03' is 32x32, the first was 64x64/);

    const values = await probeDir('values', async (i) => writeFile(join(dir, 'values', 'masks', `${stem(i)}.png`), await png(new Uint8Array(64 * 64).fill(i === 0 ? 7 : 0), 64, 64, 1)));
    const b = await glimpse('dissect', '--model', 'shapes-cnn', '--images', values.images, '--masks', values.masks);
    expect(b.stderr).toMatch(/img00\.png has value 7, but concepts\.json lists 1 concepts \(values 1\.\.1, 0 = unlabelled\)/);

    const named = await probeDir('named', async (i) => {
      await mkdir(join(dir, 'named', 'masks', stem(i)), { recursive: true });
      await writeFile(join(dir, 'named', 'masks', stem(i), 'colour.teal.png'), await png(markMask(i), 64, 64, 1));
    });
    const c = await glimpse('dissect', '--model', 'shapes-cnn', '--images', named.images, '--masks', named.masks);
    expect(c.stderr).toMatch(/colour\.teal\.png names concept 'colour:teal', which concepts\.json does not list; known: mark:mark/);

    const missing = await probeDir('missing', async () => undefined);
    const e = await glimpse('dissect', '--model', 'shapes-cnn', '--images', missing.images, '--masks', missing.masks);
    expect(e.stderr).toMatch(/image 'img00\.png' has no mask: expected .*img00\.png \(an index map\) or a folder .*img00\/ of <category>\.<name>\.png/);

    const none = await probeDir('none', async () => undefined, null);
    const f = await glimpse('dissect', '--model', 'shapes-cnn', '--images', none.images, '--masks', none.masks);
    expect(f.stderr).toMatch(/--masks '.*none\/masks' has no concepts\.json/);
  }, 120_000);

  it('--cue corner-glyph dissects over the glyph probe (its config names the cue); an unknown cue is refused', async () => {
    const cache = join(dir, 'glyph-cache');
    const run = await glimpse('dissect', '--model', join(__dirname, '..', '..', 'training/models/shapes-cnn-glyph/model.json'), '--cue', 'corner-glyph', '--count', '40', '--layer', 'conv2', '--cache', cache, '--index-dir', cache);
    expect(run.code, run.stderr).toBe(0);
    const index = JSON.parse(await readFile(join(cache, 'shapes-cnn-glyph.json'), 'utf8')) as { config: { generator: unknown; count: number } };
    expect(index.config.generator).toEqual({ seed: 1, split: 'test', bias: { cue: 'corner-glyph', strength: 0.95 } });
    expect(index.config.count).toBe(40);
    const bad = await glimpse('dissect', '--model', 'shapes-cnn', '--cue', 'corner-dot', '--count', '4');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--cue must be one of corner-mark, corner-glyph; got 'corner-dot'/);
  }, 120_000);
});
