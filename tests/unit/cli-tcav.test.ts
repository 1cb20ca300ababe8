/**
 * `glimpse tcav` as a subprocess: a shapes concept with few runs writes a JSON report whose scores
 * equal tcav() in process on the same generated sets; a concept folder under 10 images and an
 * unknown class get one line naming the model and what was expected.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shapesClassImages, shapesConceptImages, shapesConceptPixels, shapesRandomImages } from '../../src/concepts/shapes-concepts';
import { tcav, type TcavResult } from '../../src/concepts/tcav';
import { loadModelNode } from '../../src/model/load-node';
import { glimpse } from './cli-fixture';

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'glimpse-tcav-')); });
afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

describe('glimpse tcav', () => {
  it('writes the scores tcav() computes in process for the same sets', async () => {
    const out = join(dir, 't.json');
    const run = await glimpse('tcav', '--model', 'shapes-cnn-biased', '--class', 'circle', '--layer', 'relu4', '--concept', 'cue:circle', '--runs', '3', '--per-set', '12', '--class-count', '15', '--out', out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/cue:circle @ relu4: TCAV/);
    const r = JSON.parse(await readFile(out, 'utf8')) as TcavResult;
    expect(r.pairs).toHaveLength(1);
    setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    expect(await tf.setBackend('wasm')).toBe(true);
    const model = await loadModelNode('shapes-cnn-biased');
    const direct = await tcav(model, {
      concepts: [{ name: 'cue:circle', images: shapesConceptImages(model.info, 'cue:circle', 12) }],
      randoms: Array.from({ length: 4 }, (_, i) => shapesRandomImages(model.info, i, 12)),
      classImages: shapesClassImages(model.info, 0, 15),
    }, { layers: ['relu4'], target: 0, runs: 3 });
    model.dispose();
    expect(r.pairs[0].scores).toEqual(direct.pairs[0].scores);
    expect(r.pairs[0].nullScores).toEqual(direct.pairs[0].nullScores);
    expect(r.classImages).toBe(15);
  }, 120_000);

  it('names the model and what was expected for a small concept folder and an unknown class', async () => {
    const folder = join(dir, 'stripes');
    await mkdir(folder, { recursive: true });
    const pixels = shapesConceptPixels('texture:stripes', 4);
    for (const [i, p] of pixels.entries()) await writeFile(join(folder, `s${i}.png`), await sharp(Buffer.from(p), { raw: { width: 64, height: 64, channels: 3 } }).png().toBuffer());
    const few = await glimpse('tcav', '--model', 'shapes-cnn', '--class', '0', '--layer', 'relu3', '--concept-dir', folder, '--runs', '2', '--per-set', '10');
    expect(few.code).toBe(1);
    expect(few.stderr).toMatch(/model 'shapes-cnn'.*at least 10 images; 'stripes' has 4/);
    const cls = await glimpse('tcav', '--model', 'shapes-cnn', '--class', 'hexagon', '--layer', 'relu3', '--concept', 'cue:circle');
    expect(cls.stderr).toMatch(/--class: model 'shapes-cnn' has classes 0..5 \(circle, square, triangle, star, cross, ring\); got 'hexagon'/);
  }, 120_000);
});
