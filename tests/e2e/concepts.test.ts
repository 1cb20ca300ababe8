// "What concepts does the network know?" in Chromium on wasm: the live TCAV figure's scores and p
// equal the worker operation's in Node for the same request; no horizontal overflow at 390 px; the
// dissection strips and gallery images load; no console errors. Screenshots go to tests/output/.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TcavResponse } from '../../src/concepts/protocol';
import { tcav } from '../../src/concepts/worker';
import { SHAPES_TCAV_CONCEPTS } from '../../src/concepts/shapes-concept-ids';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { loadModelNode } from '../../src/model/load-node';
import { PNG } from 'pngjs';
import { shapesConceptPixels } from '../../src/concepts/shapes-concepts';
import { baseUrl, connect, open, screenshot, settle } from './helpers';

let browser: Browser;
beforeAll(async () => { browser = await connect(); });
afterAll(async () => { await browser?.close(); });

const PAGE = '/articles/what-concepts-does-the-network-know/?backend=wasm';
const FIG = 'glimpse-tcav#fig-live';

describe('What concepts does the network know?', () => {
  it('the live TCAV figure shows what the worker operation computes in Node', async () => {
    const { page, context, errors } = await open(browser, PAGE);
    try {
      await settle(page, FIG, 'ready', 240_000);
      const shown = await page.locator(FIG).evaluate((el) => {
        const r = (el as HTMLElement & { lastResult?: TcavResponse }).lastResult!;
        return { scores: r.scores, nullScores: r.nullScores, p: r.p, significant: r.significant, level: r.level, model: r.model, layer: r.layer, concept: r.concept, summary: el.querySelector('.gt-summary')?.textContent };
      });
      expect(shown.model).toBe('shapes-cnn-biased');
      // The figure offers every shapes concept at relu3 and relu4: Bonferroni over those pairs.
      expect(shown.level).toBeCloseTo(0.05 / (SHAPES_TCAV_CONCEPTS.length * 2), 12);
      // The Node reference runs on wasm, the backend the page ran on (?backend=wasm).
      setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
      expect(await tf.setBackend('wasm')).toBe(true);
      const model = await loadModelNode('shapes-cnn-biased');
      const ctx = { backend: 'wasm' as const, getModel: async () => model, describe: async () => { throw new Error('not used'); }, signal: { aborted: false } };
      const node = await tcav.run(ctx, { model: 'shapes-cnn-biased', modelsBase: '', target: 0, layer: 'relu3', concept: { shapes: 'cue:circle' }, comparisons: SHAPES_TCAV_CONCEPTS.length * 2, topK: 0 });
      expect(shown.scores).toEqual(node.scores);
      expect(shown.nullScores).toEqual(node.nullScores);
      expect(shown.p).toBeCloseTo(node.p, 10);

      // The reader's own concept: 12 PNGs of red-mark scenes, decoded in the page, scored as in Node.
      const pixels = shapesConceptPixels('cue:circle', 12);
      const files = pixels.map((data, i) => {
        const png = new PNG({ width: 64, height: 64 });
        for (let p = 0; p < 64 * 64; p++) png.data.set([data[p * 3], data[p * 3 + 1], data[p * 3 + 2], 255], p * 4);
        return { name: `mark-${i}.png`, mimeType: 'image/png', buffer: PNG.sync.write(png) };
      });
      await page.evaluate((sel) => { delete (document.querySelector(sel) as HTMLElement & { lastResult?: unknown }).lastResult; }, FIG);
      await page.locator(`${FIG} .gt-upload`).setInputFiles(files);
      await settle(page, FIG, 'ready', 240_000);
      const mine = await page.locator(FIG).evaluate((el) => {
        const r = (el as HTMLElement & { lastResult?: TcavResponse }).lastResult!;
        return { concept: r.concept, scores: r.scores, p: r.p, tcavMs: r.tcavMs };
      });
      expect(mine.concept).toBe('your 12 images');
      const nodeMine = await tcav.run(ctx, { model: 'shapes-cnn-biased', modelsBase: '', target: 0, layer: 'relu3', concept: { name: 'mine', images: pixels.map((data) => ({ data, width: 64, height: 64, channels: 3 })) }, comparisons: SHAPES_TCAV_CONCEPTS.length * 2, topK: 0 });
      expect(mine.scores).toEqual(nodeMine.scores);
      expect(mine.p).toBeCloseTo(nodeMine.p, 10);
      console.log(`live TCAV, second call (sets reused): ${Math.round(mine.tcavMs)} ms`);
      model.dispose();
      expect(shown.significant).toBe(true);
      expect(shown.summary).toMatch(/cue:circle at relu3 for class circle: TCAV 0\.83/);
      await screenshot(page, '[data-figure-id="fig-live"]', 'concepts-tcav-live');

      // The grid's layer picker: conv1 first, then the picked layer's panel alone, for both models.
      const grid = page.locator('[data-figure-id="fig-grid"]');
      expect(await grid.locator('.gc-panel:visible').getAttribute('data-layer')).toBe('conv1');
      await grid.locator('.gc-tab', { hasText: 'conv3' }).click();
      expect(await grid.locator('.gc-panel:visible').getAttribute('data-layer')).toBe('conv3');
      expect(await grid.locator('.gc-panel:visible .gc-title').allTextContents()).toEqual(['shapes-cnn · conv3', 'shapes-cnn-biased · conv3']);
      // Every dissection strip and feature visualization shown on the page loads once scrolled to.
      const images = page.locator('.gc-images img:visible');
      const n = await images.count();
      expect(n).toBeGreaterThan(20);
      for (let i = 0; i < n; i++) await images.nth(i).scrollIntoViewIfNeeded();
      await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.gc-images img')].filter((im) => im.checkVisibility()).every((im) => im.complete), null, { timeout: 30_000 });
      const broken = await images.evaluateAll((els) => els.filter((im) => (im as HTMLImageElement).naturalWidth === 0).map((im) => (im as HTMLImageElement).src));
      expect(broken).toEqual([]);
      expect(await page.locator('[data-figure-id="fig-detectors"] svg').count()).toBeGreaterThan(0);
      expect(await page.locator('[data-figure-id="fig-tcav"] svg').count()).toBeGreaterThan(0);
      await screenshot(page, '[data-figure-id="fig-grid"]', 'concepts-dissection-grid-conv3');
      expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('fits a 390 px phone in both themes: no horizontal overflow', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme });
      const page = await context.newPage();
      try {
        await page.goto(baseUrl() + PAGE);
        await settle(page, FIG, 'ready', 240_000);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, colorScheme).toBeLessThanOrEqual(0);
      } finally {
        await context.close();
      }
    }
  });
});
