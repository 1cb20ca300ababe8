// The article's shapes figure (shapes-cnn, 64×64 RGB) on wasm and webgl, forced with ?backend=,
// against the same method run in Node on tfjs cpu, with backends.test.ts' tolerance (max |browser -
// node| <= 1e-3 × max |node map|, helpers.ts). Then a colour PNG of another shape and size is
// uploaded: the figure centre-crops and resizes it to 64×64 RGB as Node's fitPixels does, and shows
// the map Node computes from those pixels.
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHAPE_CLASSES } from '../../src/data/shapes';
import { argmax } from '../../src/methods/target';
import { fitPixels } from '../../src/model/preprocess';
import { REPO } from './config';
import { connect, expectSameMap, forget, nodeMap, open, screenshot, settle, shown } from './helpers';

const SEL = '#fig-shapes';
const IMAGE = 3; // the figure's image={3}
const SIZE = 64 * 64 * 3;
const SAMPLE = readFileSync(`${REPO}public/data/shapes/sample.bin`);
const sampleBytes = (i: number): number[] => Array.from(SAMPLE.subarray(i * SIZE, (i + 1) * SIZE));

let browser: Browser;
beforeAll(async () => { browser = await connect(); });
afterAll(async () => { await browser?.close(); });

describe.each(['wasm', 'webgl'])('the shapes figure on %s', (backend) => {
  it('shows a shapes class and the map Node computes for the sample image', async () => {
    const { page, context, errors } = await open(browser, `/articles/saliency/?backend=${backend}`);
    try {
      await settle(page, SEL);
      const s = await shown(page, SEL);
      expect(s.backend, errors.join('\n')).toBe(backend);
      expect([s.model, s.method]).toEqual(['shapes-cnn', 'vanilla-gradient']);
      expect(s.pixels).toMatchObject({ width: 64, height: 64, channels: 3 });
      expect(s.pixels.data).toEqual(sampleBytes(IMAGE));
      expect([s.width, s.height, s.map.length]).toEqual([64, 64, 64 * 64]);
      expect(SHAPE_CLASSES).toContain(s.prediction[0].label);
      expect(s.prediction.length).toBeLessThanOrEqual(SHAPE_CLASSES.length);
      const ref = await nodeMap('shapes-cnn', 'vanilla-gradient', s.pixels, s.target);
      expect(s.target).toBe(argmax(ref.probs));
      expect(s.prediction[0].index).toBe(argmax(ref.probs));
      expect(s.prediction[0].prob).toBeCloseTo(ref.probs[s.target], 4);
      expectSameMap(s.map, ref.map, `shapes-cnn ${s.method} on ${s.backend}`);
      await screenshot(page, SEL, `figure-shapes-${backend}`);
    } finally {
      await context.close();
    }
  });
});

describe('uploading a colour image to the shapes figure', () => {
  it('centre-crops and resizes a 200×150 PNG to 64×64 RGB, and shows the map Node computes', async () => {
    // Sample image 10 scaled up to 150×150 (nearest), with 25 px magenta bands left and right that
    // the centre crop must remove: 200×150 in all.
    const raw = await sharp(SAMPLE.subarray(10 * SIZE, 11 * SIZE), { raw: { width: 64, height: 64, channels: 3 } })
      .resize(150, 150, { kernel: 'nearest' })
      .extend({ left: 25, right: 25, background: '#ff00ff' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(raw.info).toMatchObject({ width: 200, height: 150, channels: 3 });
    const png = await sharp(raw.data, { raw: raw.info }).png().toBuffer();
    const { page, context } = await open(browser, '/articles/saliency/?backend=wasm');
    try {
      await settle(page, SEL);
      await forget(page, SEL);
      await page.locator(`${SEL} .gs-file`).setInputFiles({ name: 'shape.png', mimeType: 'image/png', buffer: png });
      await settle(page, SEL);
      const s = await shown(page, SEL);
      expect(s.pixels).toMatchObject({ width: 64, height: 64, channels: 4 });
      // A 150×150 crop decodes at its own size (under the 512 px cap), so the browser area-resamples
      // exactly the bytes Node does: RGB equal to fitPixels, alpha opaque, no magenta left.
      const expected = fitPixels(raw.data, 200, 150, 3, 64, 64);
      const rgb = s.pixels.data.filter((_, i) => i % 4 !== 3);
      expect(rgb).toEqual(Array.from(expected));
      expect(s.pixels.data.filter((_, i) => i % 4 === 3).every((a) => a === 255)).toBe(true);
      expect(SHAPE_CLASSES).toContain(s.prediction[0].label);
      const ref = await nodeMap('shapes-cnn', 'vanilla-gradient', s.pixels, s.target);
      expect(s.target).toBe(argmax(ref.probs));
      expectSameMap(s.map, ref.map, `shapes-cnn upload on ${s.backend}`);
      expect(await page.locator(`${SEL} .gs-caption`).first().textContent()).toContain('shape.png');
      await screenshot(page, SEL, 'figure-shapes-upload');
    } finally {
      await context.close();
    }
  });
});
