// Nothing heavy before the figure is near: the article's first paint loads no worker, no tfjs, no
// model, and little JavaScript; scrolling the figure near starts it.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, open, settle } from './helpers';

let browser: Browser;
beforeAll(async () => { browser = await connect(); });
afterAll(async () => { await browser?.close(); });

/** Requests that belong to the figure's computation, never to the page's first load. */
const HEAVY = /compute\.worker|engine-|wasm-paths|\.wasm$|\/models\/|sample\.(bin|json)/;

it('requests tfjs, the model and the sample only once the figure is scrolled near', async () => {
  // A short viewport puts the first figure well beyond the 300 px margin.
  const { page, context, requests } = await open(browser, '/articles/saliency/', { width: 1000, height: 360 });
  try {
    await page.waitForLoadState('networkidle');
    const top = await page.locator('#fig-saliency').evaluate((el) => el.getBoundingClientRect().top - innerHeight);
    expect(top).toBeGreaterThan(300 + 50);
    await page.waitForTimeout(500);
    expect(requests.filter((u) => HEAVY.test(u))).toEqual([]);
    expect(await page.locator('#fig-saliency').getAttribute('data-state')).toBe('idle');
    const jsBytes = await page.evaluate(() => performance.getEntriesByType('resource')
      .filter((e) => e.name.endsWith('.js'))
      .reduce((sum, e) => sum + (e as PerformanceResourceTiming).decodedBodySize, 0));
    // Measured ~55 KB (the element, the render code, d3's colormaps, comlink); tfjs alone is > 1 MB.
    expect(jsBytes).toBeGreaterThan(0);
    expect(jsBytes).toBeLessThan(150_000);

    await settle(page, '#fig-saliency');
    expect(requests.some((u) => /compute\.worker/.test(u))).toBe(true);
    expect(requests.some((u) => /\/models\/fashion-cnn\/model\.json$/.test(u))).toBe(true);
  } finally {
    await context.close();
  }
});
