// Every option control shows the value its map was computed with: for each method with controls in
// "Which pixels matter?", the values on screen equal the options sent plus what the method resolved
// from the image (occlusion's patch and stride, a CAM's layer), and moving the occlusion slider to
// the value it already shows leaves the map as it is. On wasm.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { occlusionGeometry } from '../../src/methods/occlusion';
import { connect, forget, open, settle, shown } from './helpers';

const PAGE = '/articles/which-pixels-matter/?backend=wasm';
const FIGURES = { '#fig-smoothgrad': 'smooth-grad', '#fig-lrp': 'lrp', '#fig-gradcam': 'grad-cam', '#fig-occlusion': 'occlusion', '#fig-rise': 'rise' };

let browser: Browser;
beforeAll(async () => { browser = await connect(); });
afterAll(async () => { await browser?.close(); });

/** What each control of a figure shows: a slider's readout, a select's value (a layer default: the layer it names). */
async function displayed(page: Page, fig: string): Promise<Record<string, string>> {
  return page.locator(fig).evaluate((root) => Object.fromEntries([...root.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-option]')].map((c) => {
    const name = c.dataset.option!;
    if (c instanceof HTMLSelectElement) {
      const text = c.selectedOptions[0]?.textContent ?? '';
      return [name, c.value === '' ? /\((.*)\)/.exec(text)?.[1] ?? text : c.value];
    }
    const readout = c.parentElement?.querySelector('output');
    return [name, readout ? readout.textContent ?? '' : c.value];
  })));
}

interface Used { options: Record<string, unknown>; used: Record<string, unknown>; method: string; layer?: string }

describe('option controls tell the truth', () => {
  it('each method shows the values its map used; occlusion its resolved patch and stride', async () => {
    const { page, context, errors } = await open(browser, PAGE);
    try {
      for (const [fig, method] of Object.entries(FIGURES)) {
        await settle(page, fig);
        const r = await page.locator(fig).evaluate((el) => {
          const { options, used, method, layer } = (el as HTMLElement & { lastResult: Used }).lastResult;
          return { options, used, method, layer };
        });
        expect(r.method, errors.join('\n')).toBe(method);
        const shownValues = await displayed(page, fig);
        expect(Object.keys(shownValues).length, fig).toBeGreaterThan(0);
        for (const [name, text] of Object.entries(shownValues)) {
          const used = r.used[name];
          expect(used, `${fig} ${name}: no value recorded`).toBeDefined();
          if (typeof used === 'number') expect(Number(text), `${fig} ${name} shows ${text}, the map used ${used}`).toBeCloseTo(used, 6);
          else expect(text, `${fig} ${name}`).toBe(String(used));
          // What was sent is what is shown.
          if (name in r.options) expect(r.options[name], `${fig} ${name} sent`).toEqual(used);
        }
        if (method === 'grad-cam') expect(shownValues.layer).toBe(r.layer);
        if (method === 'occlusion') {
          const { windowSize, stride } = occlusionGeometry(64, 64, {});
          expect([Number(shownValues.windowSize), Number(shownValues.stride)]).toEqual([windowSize, stride]);
        }
      }
      // Moving the patch slider to the value it shows must not change the map.
      const fig = '#fig-occlusion';
      const before = await shown(page, fig);
      const value = (await displayed(page, fig)).windowSize;
      await forget(page, fig);
      await page.locator(`${fig} [data-option="windowSize"]`).evaluate((el, v) => {
        (el as HTMLInputElement).value = v;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }, value);
      await settle(page, fig);
      const after = await shown(page, fig);
      const opts = await page.locator(fig).evaluate((el) => (el as HTMLElement & { lastResult: Used }).lastResult.options);
      expect(opts.windowSize).toBe(Number(value));
      expect(after.map).toEqual(before.map);
    } finally {
      await context.close();
    }
  }, 300_000);
});
