// The live dissection figure of "What concepts does the network know?" in Chromium on wasm: it runs
// the default (shapes-cnn, conv2, 2,000 probe images), shows its units as cards with labels, IoUs and
// painted top images, and agrees with the worker operation run in Node on the same images; Stop
// ends a long run and the worker takes the next; a user's model (a model.json URL) is dissected, and
// a layer without spatial extent or a model of the wrong input size gets an error naming model,
// layer and what was expected; no horizontal overflow at 390 px. Screenshots go to tests/output/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { DissectionResponse } from '../../src/concepts/protocol';
import { dissection } from '../../src/concepts/dissection-worker';
import { loadModelNode } from '../../src/model/load-node';
import { baseUrl, connect, open, screenshot, settle } from './helpers';

let browser: Browser;
beforeAll(async () => { browser = await connect(); });
afterAll(async () => { await browser?.close(); });

const PAGE = '/articles/what-concepts-does-the-network-know/?backend=wasm';
const FIG = 'glimpse-dissection#fig-dissect-live';
type Shown = Omit<DissectionResponse, 'units'> & { units: Array<Omit<DissectionResponse['units'][number], 'overlays'>> };

const result = (page: Page, sel: string) => page.locator(sel).evaluate((el) => {
  const r = (el as HTMLElement & { lastResult?: DissectionResponse }).lastResult!;
  return { ...r, units: r.units.map(({ overlays: _, ...u }) => u) };
}) as Promise<Shown>;

describe('live Network Dissection', () => {
  it('runs, shows units with labels, and agrees with Node on the same images; Stop; user models and errors', async () => {
    const { page, context, errors } = await open(browser, PAGE);
    try {
      await settle(page, FIG, 'ready', 240_000);
      const shown = await result(page, FIG);
      expect([shown.model, shown.layer, shown.source, shown.count, shown.backend]).toEqual(['shapes-cnn', 'conv2', 'live', 2000, 'wasm']);
      const cards = page.locator(`${FIG} .gc-unit`);
      expect(await cards.count()).toBe(12);
      const labels = await page.locator(`${FIG} .gc-unit .gc-label`).allTextContents();
      expect(labels).toEqual(shown.units.slice(0, 12).map((u) => u.concept));
      expect(await page.locator(`${FIG} .gc-unit canvas.gd-top`).count()).toBe(36);
      // The canvases hold pixels (not blank): the first top image has more than one colour.
      const colours = await page.locator(`${FIG} canvas.gd-top`).first().evaluate((c) => {
        const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 64, 64).data;
        return new Set(Array.from({ length: d.length / 4 }, (_, i) => `${d[i * 4]},${d[i * 4 + 1]},${d[i * 4 + 2]}`)).size;
      });
      expect(colours).toBeGreaterThan(10);
      expect(await page.locator(`${FIG} .gd-summary`).textContent()).toMatch(/^shapes-cnn, conv2, 2,000 probe images: \d+ of 32 units are detectors/);
      await screenshot(page, '[data-figure-id="fig-dissect-live"]', 'concepts-dissection-live-1200');

      // Node, same backend, same request: same ranking, labels and IoUs to float tolerance.
      setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`);
      expect(await tf.setBackend('wasm')).toBe(true);
      const model = await loadModelNode('shapes-cnn');
      const ctx = { backend: 'wasm' as const, getModel: async () => model, describe: async () => { throw new Error('not used'); }, signal: { aborted: false } };
      const node = await dissection.run(ctx, { model: 'shapes-cnn', modelsBase: '', layer: 'conv2', count: 2000 });
      model.dispose();
      expect(shown.units.map((u) => [u.unit, u.concept, u.detector])).toEqual(node.units.map((u) => [u.unit, u.concept, u.detector]));
      shown.units.forEach((u, i) => expect(u.iou).toBeCloseTo(node.units[i].iou, 6));
      expect(shown.detectors).toEqual(node.detectors);

      // Stop during a 10,000-image run: the figure says so, and the worker then takes the next run.
      await page.locator(`${FIG} select`).nth(2).selectOption('10000');
      await page.waitForFunction((sel) => /Pass 1 of 2/.test(document.querySelector(sel)!.querySelector('.gs-status')!.textContent ?? ''), FIG, { timeout: 60_000 });
      await page.locator(`${FIG} .gd-stop`).click();
      expect(await page.locator(FIG).getAttribute('data-state')).toBe('stopped');
      expect(await page.locator(`${FIG} .gs-status`).textContent()).toMatch(/^Stopped \(Pass 1 of 2 \(thresholds\): [\d,]+ of 10,000 images\)/);
      const stoppedAt = Date.now();
      await page.locator(`${FIG} select`).nth(2).selectOption('500');
      await settle(page, FIG, 'ready', 120_000);
      expect((await result(page, FIG)).count).toBe(500);
      // A cancelled run stops at its next batch: the 500-image run did not wait for 10,000 images.
      expect(Date.now() - stoppedAt).toBeLessThan(30_000);

      // A user's model, by model.json URL (the path every live figure takes), and its errors.
      const own = async (model: string, layer: string) => page.evaluate(([m, l]) => {
        const el = document.createElement('glimpse-dissection');
        el.id = `own-${l}`;
        el.setAttribute('model', m);
        el.setAttribute('models', '');
        el.setAttribute('layer', l);
        el.setAttribute('count', '200');
        el.setAttribute('units', '4');
        document.querySelector('[data-figure-id="fig-dissect-live"]')!.append(el);
      }, [model, layer]);
      await own('/models/shapes-cnn/model.json', 'conv1');
      await settle(page, 'glimpse-dissection#own-conv1', 'ready', 120_000);
      const mine = await result(page, 'glimpse-dissection#own-conv1');
      expect([mine.layer, mine.count, mine.unitsInLayer]).toEqual(['conv1', 200, 16]);
      expect(await page.locator('glimpse-dissection#own-conv1 .gc-unit').count()).toBe(4);
      expect(await page.locator('glimpse-dissection#own-conv1 select').first().textContent()).toMatch(/your model/);
      await own('/models/shapes-cnn/model.json', 'gap');
      await settle(page, 'glimpse-dissection#own-gap', 'error', 120_000);
      expect(await page.locator('glimpse-dissection#own-gap .gt-error').textContent()).toMatch(/model '.*shapes-cnn\/model\.json' layer 'gap' has output shape \[128\], no spatial extent.*layers with an \[h, w, c\] output: conv1, bn1/);
      await page.evaluate(() => document.querySelectorAll('glimpse-dissection[id^="own-"]').forEach((e) => e.remove()));
      await own('/models/fashion-cnn/model.json', 'conv1');
      await settle(page, 'glimpse-dissection#own-conv1', 'error', 120_000);
      expect(await page.locator('glimpse-dissection#own-conv1 .gt-error').textContent()).toMatch(/model '.*fashion-cnn\/model\.json', layer 'conv1': live dissection uses the shapes probe \(64x64 RGB\); this model takes 28x28x1/);
      expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('fits a 390 px phone: no horizontal overflow', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    try {
      await page.goto(baseUrl() + PAGE);
      await settle(page, FIG, 'ready', 240_000);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const widest = await page.locator(`${FIG} .gc-unit`).evaluateAll((els) => Math.max(...els.map((e) => e.getBoundingClientRect().right)));
      expect(widest).toBeLessThanOrEqual(390);
      await screenshot(page, '[data-figure-id="fig-dissect-live"]', 'concepts-dissection-live-390');
    } finally {
      await context.close();
    }
  });
});
