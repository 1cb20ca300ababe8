// Failures show inside the figure, say which model/method and what was expected, offer Retry, and
// leave the page working. Broken models are fixtures written into dist/e2e-fixtures/ by
// global-setup.ts; the other figures come from the /test/figure/ page's query string.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, expectSameMap, forget, nodeMap, open, screenshot, settle, shown } from './helpers';

let browser: Browser;
beforeAll(async () => { browser = await connect(); });
afterAll(async () => { await browser?.close(); });

const FIG = '#fig-test';

async function errorOf(query: string, shot?: string): Promise<string> {
  const { page, context } = await open(browser, `/test/figure/?backend=wasm&${query}`);
  try {
    await settle(page, FIG, 'error');
    const box = page.locator(`${FIG} .gs-error`);
    expect(await box.isVisible()).toBe(true);
    expect(await page.locator(`${FIG} .gs-retry`).isVisible()).toBe(true);
    if (shot) await screenshot(page, FIG, shot);
    return (await box.textContent()) ?? '';
  } finally {
    await context.close();
  }
}

describe('figure errors', () => {
  it('unknown model id', async () => {
    const text = await errorOf('model=no-such-model', 'error-unknown-model');
    expect(text).toContain("model 'no-such-model'");
    // model.json and glimpse.json are fetched together; either 404 may be the one reported.
    expect(text).toMatch(/models\/no-such-model\/(model|glimpse)\.json returned 404/);
  });

  it('model.json that is not JSON', async () => {
    const text = await errorOf('model=/e2e-fixtures/not-json/model.json');
    expect(text).toMatch(/not JSON/);
    expect(text).toContain('/e2e-fixtures/not-json/model.json');
  });

  it('model.json without weights', async () => {
    expect(await errorOf('model=/e2e-fixtures/no-weights/model.json')).toMatch(/no weightsManifest/);
  });

  it('missing weight shard', async () => {
    const text = await errorOf('model=/e2e-fixtures/missing-shard/model.json', 'error-missing-shard');
    expect(text).toMatch(/group1-shard-that-is-not-there\.bin returned 404/);
  });

  it('unknown method lists the known ones', async () => {
    const text = await errorOf('model=fashion-cnn&method=grad-camm', 'error-unknown-method');
    expect(text).toContain("unknown method 'grad-camm'; known: vanilla-gradient, gradient-x-input");
  });

  it('target out of range', async () => {
    const text = await errorOf('model=fashion-cnn&target=12');
    expect(text).toMatch(/target 12 is out of range; valid targets: 0\.\.9/);
  });
});

describe('recovering in the article', () => {
  it('a non-image upload shows an error and the figure works after', async () => {
    const { page, context } = await open(browser, '/articles/saliency/?backend=wasm');
    try {
      await settle(page, '#fig-saliency');
      await page.locator('#fig-saliency .gs-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
      await settle(page, '#fig-saliency', 'error');
      expect(await page.locator('#fig-saliency .gs-error').textContent()).toContain('not an image: notes.txt (text/plain)');
      await screenshot(page, '#fig-saliency', 'error-not-an-image');
      // The previous image's panels go; the sample picker stays, to go on with.
      expect(await page.locator('#fig-saliency .gs-panels').isVisible()).toBe(false);
      expect(await page.locator('#fig-saliency .gs-picker').isVisible()).toBe(true);
      await forget(page, '#fig-saliency');
      await page.locator('#fig-saliency .gs-thumb').nth(2).click();
      await settle(page, '#fig-saliency');
      expect(await page.locator('#fig-saliency .gs-error').isVisible()).toBe(false);
    } finally {
      await context.close();
    }
  });

  it('a crashed worker shows an error, and Retry recovers on a fresh worker', async () => {
    const { page, context, requests } = await open(browser, '/articles/saliency/?backend=webgl');
    try {
      const sel = '#fig-saliency';
      await settle(page, sel);
      const workersBefore = requests.filter((u) => /compute\.worker/.test(u)).length;
      await page.locator(sel).evaluate((el) => (el as HTMLElement & { crashWorkerOnNextRun(): Promise<void> }).crashWorkerOnNextRun());
      await page.locator(`${sel} .gs-next`).click();
      await settle(page, sel, 'error');
      expect(await page.locator(`${sel} .gs-error`).textContent()).toMatch(/compute worker crashed.*deliberate crash/);
      await screenshot(page, sel, 'error-worker-crashed');
      await forget(page, sel);
      await page.locator(`${sel} .gs-retry`).click();
      await settle(page, sel);
      expect(requests.filter((u) => /compute\.worker/.test(u)).length).toBe(workersBefore + 1);
      const s = await shown(page, sel);
      expect(s.backend).toBe('webgl');
      const ref = await nodeMap('fashion-cnn', 'vanilla-gradient', s.pixels, s.target);
      expectSameMap(s.map, ref.map, `${s.method} on ${s.backend}`);
    } finally {
      await context.close();
    }
  });

  it('a worker that dies silently (close()) is noticed within seconds, and Retry recovers', async () => {
    const { page, context } = await open(browser, '/articles/saliency/?backend=wasm');
    try {
      const sel = '#fig-saliency';
      await settle(page, sel);
      await page.locator(sel).evaluate((el) => (el as HTMLElement & { closeWorkerOnNextRun(): Promise<void> }).closeWorkerOnNextRun());
      const started = Date.now();
      await page.locator(`${sel} .gs-next`).click();
      await settle(page, sel, 'error');
      expect(Date.now() - started).toBeLessThan(10_000); // the deadline alone took 120 s
      expect(await page.locator(`${sel} .gs-error`).textContent()).toMatch(/stopped without an error/);
      await forget(page, sel);
      await page.locator(`${sel} .gs-retry`).click();
      await settle(page, sel);
      expect((await shown(page, sel)).backend).toBe('wasm');
    } finally {
      await context.close();
    }
  });
});
