// "Which pixels matter?" as a reader uses it, on wasm (the backend the site picks on this machine):
// the all-methods grid against Node, a model switch, SmoothGrad's σ = 0 slider giving back the
// vanilla gradient, Grad-CAM's layer picker, and the Integrated Gradients path against Node's.
import * as tf from '@tensorflow/tfjs-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integratedGradientsPath } from '../../src/methods/integrated-gradients-path';
import { getMethod } from '../../src/methods/registry';
import { pixelsToInput, type PixelChannels } from '../../src/model/preprocess';
import { reduceChannels } from '../../src/render/heatmap';
import { connect, expectSameMap, helpersOf, nodeMap, nodeModel, open, screenshot, settle, shown } from './helpers';

const PAGE = '/articles/which-pixels-matter/?backend=wasm';
let browser: Browser;
beforeAll(async () => { browser = await connect(); });
afterAll(async () => { await browser?.close(); });

interface GridState {
  state: string;
  model: string;
  pixels: { data: number[]; width: number; height: number; channels: number };
  results: Record<string, { target: number; values?: number[]; error?: string }>;
  tiles: string[];
}

async function gridState(page: Page): Promise<GridState> {
  return page.locator('#fig-all').evaluate((el) => {
    const g = el as HTMLElement & { results: Record<string, { target: number; values?: Float32Array; error?: string }>; pixels: { data: Uint8Array; width: number; height: number; channels: number }; props: { model: string } };
    return {
      state: g.dataset.state ?? '',
      model: g.props.model,
      pixels: { ...g.pixels, data: Array.from(g.pixels.data) },
      results: Object.fromEntries(Object.entries(g.results).map(([k, r]) => [k, { ...r, values: r.values ? Array.from(r.values) : undefined }])),
      tiles: [...g.querySelectorAll<HTMLElement>('.gs-tile')].map((t) => t.dataset.method ?? ''),
    };
  });
}

async function gridReady(page: Page, model: string): Promise<GridState> {
  await page.locator('#fig-all').scrollIntoViewIfNeeded();
  await page.waitForFunction((m) => {
    const g = document.querySelector('#fig-all') as HTMLElement & { props?: { model: string } };
    return g.dataset.state === 'ready' && g.props?.model === m;
  }, model, { timeout: 300_000, polling: 200 });
  return gridState(page);
}

describe('the all-methods grid', () => {
  it('fills a tile per registered method, equal to Node, and switches model', async () => {
    const { page, context, errors } = await open(browser, PAGE);
    try {
      let g = await gridReady(page, 'shapes-cnn');
      const methods = (await import('../../src/methods/registry')).METHOD_IDS;
      expect(g.tiles).toEqual([...methods]);
      expect(Object.keys(g.results).sort(), errors.join('\n')).toEqual([...methods].sort());
      // On two or more cores a scoring helper worker shared the perturbation methods' batches
      // (src/workers/helper.ts; its maps: tests/e2e/backends.test.ts).
      const helpers = await helpersOf(page);
      expect(helpers.started).toBe(helpers.expected);
      for (const id of ['vanilla-gradient', 'grad-cam', 'occlusion']) {
        const r = g.results[id];
        expect(r.error, id).toBeUndefined();
        const def = getMethod(id);
        const ref = await nodeMap('shapes-cnn', id, g.pixels, r.target);
        const [h, w] = [g.pixels.height, g.pixels.width];
        const browserMap = reduceChannels({ values: Float32Array.from(r.values!), width: w, height: h, channels: r.values!.length / (w * h) }, def.display);
        expectSameMap(browserMap, ref.map, `grid ${id}`);
      }
      await screenshot(page, '#fig-all', 'article2-grid-shapes');
      await page.locator('#fig-all .gs-model').selectOption('fashion-cnn');
      g = await gridReady(page, 'fashion-cnn');
      expect([g.pixels.width, g.pixels.height, g.pixels.channels]).toEqual([28, 28, 1]);
      const r = g.results['gradient-x-input'];
      const ref = await nodeMap('fashion-cnn', 'gradient-x-input', g.pixels, r.target);
      expectSameMap(Float32Array.from(r.values!), ref.map, 'grid gradient-x-input on fashion-cnn');
      await screenshot(page, '#fig-all', 'article2-grid-fashion');
    } finally {
      await context.close();
    }
  });
});

/** Sets a control's value as a reader would and waits for the map computed with it. */
async function setOption(page: Page, fig: string, option: string, value: string): Promise<void> {
  await page.locator(`${fig} [data-option="${option}"]`).evaluate((el, v) => {
    (el as HTMLInputElement).value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
  await page.waitForFunction(([sel, name]) => {
    const el = document.querySelector(sel) as HTMLElement & { lastResult?: { options: Record<string, unknown> } };
    return el.dataset.state === 'ready' && el.lastResult !== undefined && name in el.lastResult.options;
  }, [fig, option] as const, { timeout: 120_000 });
}

describe('option controls', () => {
  it('SmoothGrad with σ = 0 is the vanilla gradient', async () => {
    const { page, context } = await open(browser, PAGE);
    try {
      const fig = '#fig-smoothgrad';
      await settle(page, fig);
      expect(await page.locator(`${fig} [data-option]`).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.option))).toEqual(['stdev', 'samples', 'variant']);
      await setOption(page, fig, 'stdev', '0');
      const s = await shown(page, fig);
      const ref = await nodeMap('shapes-cnn', 'vanilla-gradient', s.pixels, s.target);
      expectSameMap(s.map, ref.map, 'smooth-grad at stdev 0');
      await screenshot(page, fig, 'article2-smoothgrad-sigma0');
    } finally {
      await context.close();
    }
  });

  it("Grad-CAM's layer picker recomputes at the chosen layer", async () => {
    const { page, context } = await open(browser, PAGE);
    try {
      const fig = '#fig-gradcam';
      await settle(page, fig);
      const layers = await page.locator(`${fig} [data-option="layer"] option`).evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      expect(layers[0]).toBe('');
      const early = layers[2];
      await setOption(page, fig, 'layer', early);
      const s = await page.locator(fig).evaluate((el) => (el as HTMLElement & { lastResult: { layer?: string } }).lastResult.layer);
      expect(s).toBe(early);
      const shownMap = await shown(page, fig);
      const ref = await nodeMap('shapes-cnn', 'grad-cam', shownMap.pixels, shownMap.target, { layer: early });
      expectSameMap(shownMap.map, ref.map, `grad-cam at ${early}`);
      const captions = await page.locator(`${fig} .gs-caption`).allTextContents();
      expect(captions.some((t) => t.endsWith(`at ${early}`)), captions.join(' | ')).toBe(true);
    } finally {
      await context.close();
    }
  });
});

describe('the Integrated Gradients path', () => {
  it('equals the path Node traces, five checkpoints, completeness close', async () => {
    const { page, context } = await open(browser, PAGE);
    try {
      const fig = '#fig-ig-path';
      await page.locator(fig).scrollIntoViewIfNeeded();
      await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLElement).dataset.state === 'ready', fig, { timeout: 180_000 });
      const got = await page.locator(fig).evaluate((el) => {
        const e = el as HTMLElement & { lastPath: { scores: number[]; accumulated: number[]; checkpoints: Array<{ step: number; map: Float32Array }> }; pixels: { data: Uint8Array; width: number; height: number; channels: number }; target?: number };
        return { scores: e.lastPath.scores, accumulated: e.lastPath.accumulated, steps: e.lastPath.checkpoints.map((c) => c.step), last: Array.from(e.lastPath.checkpoints.at(-1)!.map), pixels: { ...e.pixels, data: Array.from(e.pixels.data) } };
      });
      expect(got.steps).toEqual([10, 20, 30, 40, 50]);
      const model = await nodeModel('shapes-cnn');
      const x = tf.tensor4d(pixelsToInput(Uint8Array.from(got.pixels.data), 64, 64, got.pixels.channels as PixelChannels, model.info), [1, 64, 64, 3]);
      const probs = await model.predict(x).data();
      const target = probs.indexOf(Math.max(...probs));
      const ref = await integratedGradientsPath(model, x, target, { steps: 50, baseline: 'black', checkpoints: [10, 20, 30, 40, 50] }, { seed: 0 });
      x.dispose();
      got.scores.forEach((s, k) => expect(s).toBeCloseTo(ref.scores[k], 3));
      expectSameMap(got.last, ref.checkpoints[4].map, 'IG path final map');
      const change = got.scores[50] - got.scores[0];
      expect(Math.abs(got.accumulated[50] - change)).toBeLessThan(0.1 * Math.abs(change));
      await screenshot(page, fig, 'article2-ig-path');
    } finally {
      await context.close();
    }
  });
});
