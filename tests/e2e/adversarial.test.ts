// "Fooling a CNN" in Chromium on wasm: the live figure's adversarial prediction equals Node's for
// the same pixels, attack and seed; moving the ε slider quickly leaves the last value's result
// (superseded requests are cancelled, never shown); the build-time charts render. Screenshots at
// 1200 px go to tests/output/.
import * as tf from '@tensorflow/tfjs-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttackResponse } from '../../src/adversarial/protocol';
import { attack } from '../../src/adversarial/run';
import { pixelsToInput, type PixelChannels } from '../../src/model/preprocess';
import { connect, forget, nodeModel, open, screenshot, settle } from './helpers';

let browser: Browser;
beforeAll(async () => { browser = await connect(); });
afterAll(async () => { await browser?.close(); });

const FIG = 'glimpse-adversarial#fig-live';

async function shownResult(page: import('playwright-core').Page) {
  return page.locator(FIG).evaluate((el) => {
    const e = el as HTMLElement & { lastResult?: AttackResponse; pixels?: { data: Uint8Array; width: number; height: number; channels: number } };
    const p = e.pixels!;
    return {
      final: e.lastResult!.attack.final, eps: e.lastResult!.attack.eps, success: e.lastResult!.attack.success,
      pixels: { data: Array.from(p.data), width: p.width, height: p.height, channels: p.channels },
    };
  });
}

async function inNode(pixels: { data: number[]; width: number; height: number; channels: number }, eps: number) {
  const model = await nodeModel('shapes-cnn');
  const [h, w, c] = model.info.inputShape;
  const input = tf.tensor4d(pixelsToInput(Uint8Array.from(pixels.data), pixels.width, pixels.height, pixels.channels as PixelChannels, model.info), [1, h, w, c]);
  const r = await attack(model, input, { attack: 'pgd', options: { eps } }, { seed: 0 });
  input.dispose();
  return r.final;
}

describe('Fooling a CNN', () => {
  it('the live figure fools shapes-cnn like Node does, and the last slider value wins', async () => {
    const { page, context, errors } = await open(browser, '/articles/fooling-a-cnn/?backend=wasm');
    try {
      await settle(page, FIG, 'ready', 240_000);
      const first = await shownResult(page);
      expect(first.eps).toBeCloseTo(8 / 255, 6);
      const node = await inNode(first.pixels, 8 / 255);
      expect(first.final.label, errors.join('\n')).toBe(node.label);
      expect(first.final.probability).toBeCloseTo(node.probability, 1);
      await screenshot(page, '[data-figure-id="fig-live"]', 'adversarial-live');

      // Four slider moves in a row: only the last (3/255) may end up shown.
      await forget(page, FIG);
      await page.locator(`${FIG} .gs-eps`).evaluate((input: HTMLInputElement) => {
        for (const v of ['1', '6', '2', '3']) {
          input.value = v;
          input.dispatchEvent(new Event('input', { bubbles: true }));
        }
      });
      await settle(page, FIG, 'ready', 120_000);
      const last = await shownResult(page);
      expect(last.eps).toBeCloseTo(3 / 255, 6);
      expect(last.final.label).toBe((await inNode(last.pixels, 3 / 255)).label);

      expect(await page.locator('[data-figure-id="fig-accuracy"] svg').count()).toBeGreaterThan(0);
      expect(await page.locator('[data-figure-id="fig-transfer"] svg').count()).toBeGreaterThan(0);
      expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
