// The feature-visualization article in Chromium on wasm: the live figure streams frames (the
// progress line counts steps and shows steps/s) and paints the image as it forms, Stop cancels a
// run, the recipe menu restarts it; the build-time gallery shows every unit of shapes-cnn as an
// image that loads. Screenshots go to tests/output/.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, forget, open, screenshot, settle } from './helpers';

let browser: Browser;
beforeAll(async () => { browser = await connect(); });
afterAll(async () => { await browser?.close(); });

describe('feature visualization article', () => {
  it('optimizes live, shows steps/s, stops on Stop, and shows the gallery', async () => {
    const { page, context, errors } = await open(browser, '/articles/feature-visualization/?backend=wasm');
    try {
      const live = 'glimpse-feature-vis#fig-fv-live';
      await page.locator(live).scrollIntoViewIfNeeded();
      await settle(page, live, 'ready', 240_000);
      const progress = await page.locator(`${live} .gfv-progress`).textContent();
      expect(progress, errors.join('\n')).toMatch(/done, step 128 · [\d.]+ steps\/s on wasm/);
      // The canvas holds a 64x64 image that is not flat grey.
      const spread = await page.locator(`${live} .gfv-canvas`).first().evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let min = 255;
        let max = 0;
        for (let i = 0; i < d.length; i += 4) { min = Math.min(min, d[i]); max = Math.max(max, d[i]); }
        return { w: c.width, h: c.height, range: max - min };
      });
      // Every slider shows its value; nothing to stop once the run is over.
      const readouts = await page.locator(`${live} .gfv-knobs .gs-field`).evaluateAll((fs) => fs.map((f) => [f.querySelector('.gs-field-name')?.textContent, f.querySelector('output')?.textContent]).filter(([, v]) => v !== undefined));
      expect(Object.fromEntries(readouts)).toMatchObject({ Images: '1', Steps: '128', L2: '0', Diversity: '0' });
      expect(await page.locator(`${live} .gfv-stop`).isDisabled()).toBe(true);
      expect(spread).toMatchObject({ w: 64, h: 64 });
      expect(spread.range).toBeGreaterThan(50);
      await screenshot(page, '[data-figure-id="fig-fv-live"]', 'feature-vis-live-naive');

      // Lucid recipe, then Stop after a few frames: the run ends early.
      await forget(page, live);
      await page.selectOption(`${live} .gfv-preset`, 'lucid');
      await page.waitForFunction((sel) => /step [1-9]\d* \//.test(document.querySelector(`${sel} .gfv-progress`)?.textContent ?? ''), live);
      expect(await page.locator(`${live} .gfv-stop`).isDisabled()).toBe(false);
      await page.click(`${live} .gfv-stop`);
      await settle(page, live, 'ready', 120_000);
      expect(await page.locator(`${live} .gfv-stop`).isDisabled()).toBe(true);
      expect(await page.locator(`${live} .gfv-progress`).textContent()).toMatch(/stopped at step \d+/);
      await screenshot(page, '[data-figure-id="fig-fv-live"]', 'feature-vis-live-lucid');

      const gallery = page.locator('[data-figure-id="fig-fv-gallery"] img');
      expect(await gallery.count()).toBe(16 + 32 + 64 + 128 + 6);
      const first = page.locator('[data-figure-id="fig-fv-gallery"] details[open] img').first();
      await first.scrollIntoViewIfNeeded();
      await expect.poll(() => first.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(64);
      await screenshot(page, '[data-figure-id="fig-fv-gallery"]', 'feature-vis-gallery');
      // DeepDream takes the reader's image, as the text says.
      await page.locator('glimpse-feature-vis#fig-fv-dream').scrollIntoViewIfNeeded();
      await page.locator('glimpse-feature-vis#fig-fv-dream .gs-upload .gs-file').waitFor({ state: 'attached', timeout: 30_000 });
      expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a click on a gallery unit shows its panel: a class of fashion-cnn, and a shapes-cnn channel optimized live', async () => {
    const { page, context, errors } = await open(browser, '/articles/feature-visualization/?backend=wasm');
    try {
      // fashion-cnn's class units did nothing visible before.
      const fashion = '[data-figure-id="fig-fv-gallery-fashion"]';
      const cls = page.locator(`${fashion} .gfg-unit:not([data-layer])`).nth(1);
      await cls.scrollIntoViewIfNeeded();
      const label = await cls.getAttribute('data-label');
      await cls.click();
      await expect.poll(() => page.locator(`${fashion} .gfg-detail-title`).textContent()).toContain(`class “${label}”`);
      expect(await cls.getAttribute('aria-pressed')).toBe('true');
      await screenshot(page, fashion, 'feature-gallery-fashion-class-clicked');
      // A shapes-cnn channel: its panel offers the live figure of the same model, which then optimizes it.
      const live = 'glimpse-feature-vis#fig-fv-live';
      await settle(page, live, 'ready', 240_000);
      const unit = page.locator('[data-figure-id="fig-fv-gallery"] .gfg-unit[data-layer="conv2"][data-channel="7"]');
      await unit.scrollIntoViewIfNeeded();
      await unit.click();
      const go = page.locator('[data-figure-id="fig-fv-gallery"] .gfg-detail button', { hasText: 'Optimize it live' });
      await go.click();
      await expect.poll(() => page.locator(`${live} .gfv-progress`).textContent(), { timeout: 120_000 }).toMatch(/^conv2 channel 7: done/);
      expect(await page.locator(`${live} select`).first().inputValue()).toBe('conv2');
      expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
