// The article's figure on each backend Chromium offers, forced with ?backend=, against the same
// method run in Node on tfjs cpu. Tolerance: max |browser - node| <= 1e-3 × max |node map|. The
// backends compute in float32 with different op orders (WebGPU/WebGL shaders, wasm XNNPACK), which
// moves a gradient by ~1e-6 relative; a real bug (other target, other preprocessing, a missing
// ReLU mask) changes the map by O(1) of its max. A backend that cannot start makes the worker fall
// back to another one, so the label check fails: nothing here is skipped.
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argmax } from '../../src/methods/target';
import { REPO } from './config';
import { connect, expectSameMap, helpersOf, nodeMap, open, screenshot, settle, shown } from './helpers';

const SAMPLE = readFileSync(`${REPO}public/data/fashion-mnist/sample.bin`);
const sampleBytes = (i: number): number[] => Array.from(SAMPLE.subarray(i * 784, (i + 1) * 784));

let browser: Browser;
beforeAll(async () => { browser = await connect(); });
afterAll(async () => { await browser?.close(); });

describe.each(['webgpu', 'webgl', 'wasm'])('the saliency article on %s', (backend) => {
  it('names the backend and shows the map Node computes', async () => {
    const { page, context, errors } = await open(browser, `/articles/saliency/?backend=${backend}`);
    try {
      await settle(page, '#fig-saliency');
      const s = await shown(page, '#fig-saliency');
      expect(s.backend, errors.join('\n')).toBe(backend);
      expect(s.status).toMatch(new RegExp(`^computed on ${backend} in \\d`));
      expect(await page.locator('#fig-saliency .gs-status-line').textContent()).toBe(s.status);
      expect(s.method).toBe('vanilla-gradient');
      expect(s.pixels.data).toEqual(sampleBytes(0)); // image={0}, unchanged bytes
      const ref = await nodeMap('fashion-cnn', 'vanilla-gradient', s.pixels, s.target);
      expect(s.target).toBe(argmax(ref.probs)); // default target: the prediction
      expect(s.prediction[0].index).toBe(argmax(ref.probs));
      expect(s.prediction[0].prob).toBeCloseTo(ref.probs[s.target], 4);
      expectSameMap(s.map, ref.map, `${s.method} on ${s.backend}`);
      await screenshot(page, '#fig-saliency', `figure-${backend}`);
    } finally {
      await context.close();
    }
  });
});

describe('the gradient × input figure', () => {
  it('shows a signed map equal to Node on webgl, for another class', async () => {
    const { page, context } = await open(browser, '/articles/saliency/?backend=webgl');
    try {
      const sel = '#fig-gradient-x-input';
      await settle(page, sel);
      await page.locator(`${sel} .gs-target`).selectOption('3');
      await page.waitForFunction((q) => (document.querySelector(q) as HTMLElement & { lastResult?: { target: number } }).lastResult?.target === 3 && (document.querySelector(q) as HTMLElement).dataset.state === 'ready', sel, { timeout: 120_000 });
      const s = await shown(page, sel);
      expect(s.method).toBe('gradient-x-input');
      expect(s.pixels.data).toEqual(sampleBytes(7));
      const ref = await nodeMap('fashion-cnn', 'gradient-x-input', s.pixels, 3);
      expect(Math.min(...ref.map)).toBeLessThan(0); // signed: both signs present
      expectSameMap(s.map, ref.map, `${s.method} on ${s.backend}`);
      await screenshot(page, sel, 'figure-gradient-x-input-webgl');
    } finally {
      await context.close();
    }
  });
});

describe('the scoring helper (src/workers/helper.ts)', () => {
  it.each(['rise', 'kernel-shap'])('%s on wasm: the same map with the helper as without it, bit for bit, and Node\'s', async (method) => {
    const options = encodeURIComponent(JSON.stringify({ samples: 192 }));
    const figure = (helpers: boolean) => `/test/figure/?model=shapes-cnn&method=${method}&options=${options}&backend=wasm${helpers ? '' : '&helpers=0'}`;
    const maps: Float32Array[] = [];
    for (const helpers of [true, false]) {
      const { page, context, errors } = await open(browser, figure(helpers));
      try {
        await settle(page, '#fig-test');
        const s = await shown(page, '#fig-test');
        expect(s.backend, errors.join('\n')).toBe('wasm');
        const started = await helpersOf(page, helpers);
        expect(started.started).toBe(started.expected);
        maps.push(Float32Array.from(s.map));
        if (helpers) expectSameMap(s.map, (await nodeMap('shapes-cnn', method, s.pixels, s.target, { samples: 192 })).map, `${method} with the helper`);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    }
    expect(Array.from(maps[0])).toEqual(Array.from(maps[1]));
  });
});
