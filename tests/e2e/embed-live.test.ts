// Every kind of live figure embedded in a blog post Glimpse did not build: the views, feature
// visualization, the galleries and the adversarial figure (and Saliency, whose iframe once grew to
// 1,147 px in a 760 px column). The post is served from another origin (a second static server) and
// holds the iframe and script-tag code copied from the articles' "Embed this figure" buttons. Each
// figure must render, the iframes must take their content's height and fit the column, panels must
// not balloon to the column's width, nothing may scroll sideways (at 760 px and on a 390 px phone),
// no console errors, and no request may leave the two origins.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../scripts/serve.mjs';
import { OUTPUT, REPO } from './config';
import { baseUrl, connect, open } from './helpers';

/** One figure of each live kind: article slug, figure id, the element its script-tag code writes. */
const FIGURES: Array<[slug: string, id: string, tag: string]> = [
  ['saliency', 'fig-shapes', 'glimpse-saliency'],
  ['what-does-a-cnn-see', 'fig-filters', 'glimpse-filters'],
  ['what-does-a-cnn-see', 'fig-activations', 'glimpse-activations'],
  ['what-does-a-cnn-see', 'fig-top-patches', 'glimpse-top-patches'],
  ['what-does-a-cnn-see', 'fig-neighbours', 'glimpse-neighbours'],
  ['what-does-a-cnn-see', 'fig-embedding', 'glimpse-embedding'],
  ['feature-visualization', 'fig-fv-live', 'glimpse-feature-vis'],
  ['feature-visualization', 'fig-fv-dream', 'glimpse-feature-vis'],
  ['feature-visualization', 'fig-fv-gallery', 'glimpse-feature-gallery'],
  ['fooling-a-cnn', 'fig-live', 'glimpse-adversarial'],
  ['what-concepts-does-the-network-know', 'fig-live', 'glimpse-tcav'],
  ['what-concepts-does-the-network-know', 'fig-dissect-live', 'glimpse-dissection'],
];
const LIVE = [...new Set([...FIGURES.map((f) => f[2]), 'glimpse-attribution-grid', 'glimpse-ig-path'])];
const COLUMN = 760;
/**
 * Largest image panel (CSS px) a figure whose panels scale with its width may draw in the column:
 * 12rem, the grid's input panel (the views' fixed 224 px input is not such a panel).
 */
const MAX_PANEL = 192;

let browser: Browser;
let foreign: Server;
let foreignUrl: string;
const codes = new Map<string, { iframe: string; script: string }>();

beforeAll(async () => {
  browser = await connect();
  const { page, context } = await open(browser, '/');
  try {
    for (const slug of new Set(FIGURES.map((f) => f[0]))) {
      await page.goto(`${baseUrl()}/articles/${slug}/`);
      for (const [s, id] of FIGURES.filter((f) => f[0] === slug)) {
        const block = (kind: string) => page.locator(`[data-figure-id="${id}"] [data-kind="${kind}"] textarea`).inputValue();
        codes.set(`${s}/${id}`, { iframe: await block('iframe'), script: await block('script') });
      }
    }
  } finally {
    await context.close();
  }
  const section = (key: string, code: string) => `<section data-embed="${key}">\n${code}\n</section>`;
  const html = readFileSync(join(REPO, 'tests/e2e/foreign/column.html'), 'utf8')
    .replace('<!-- IFRAME_EMBEDS -->', [...codes].map(([k, c]) => section(`iframe:${k}`, c.iframe)).join('\n'))
    .replace('<!-- SCRIPT_EMBEDS -->', [...codes].map(([k, c]) => section(`script:${k}`, c.script)).join('\n'));
  const dir = join(OUTPUT, 'foreign-column');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.html'), html);
  foreign = await startServer({ dir, port: 0 });
  // Another origin: localhost, not 127.0.0.1, and another port.
  foreignUrl = `http://localhost:${(foreign.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => foreign?.close(done));
});

/** Waits until the live figure `selector` in `frame` has drawn (the gallery: its images loaded). */
async function drawn(frame: Frame | Page, selector: string, tag: string): Promise<void> {
  await frame.locator(selector).scrollIntoViewIfNeeded();
  // The gallery's images load lazily: bring its first open image on screen (a tall iframe, once
  // resized, can be "in view" with its top above the viewport).
  if (tag === 'glimpse-feature-gallery') await frame.locator(`${selector} details[open] .gfg-unit img`).first().scrollIntoViewIfNeeded({ timeout: 60_000 });
  await frame.waitForFunction(
    ([sel, t]) => {
      const el = document.querySelector<HTMLElement>(sel);
      if (!el) return false;
      if (el.dataset.state === 'error') throw new Error(`${sel}: ${el.textContent?.slice(0, 300)}`);
      if (t === 'glimpse-feature-gallery') {
        const imgs = [...el.querySelectorAll<HTMLImageElement>('details[open] .gfg-unit img')];
        if (el.querySelector('.gfg-note')?.textContent?.includes('could not be loaded')) throw new Error(`${sel}: ${el.textContent}`);
        return imgs.length > 0 && imgs.slice(0, 8).every((i) => i.complete && i.naturalWidth > 0);
      }
      return el.dataset.state === 'ready';
    },
    [selector, tag] as const,
    { timeout: 180_000, polling: 200 },
  );
}

/** What does not fit: horizontal overflow, and image panels wider than MAX_PANEL. */
async function fit(frame: Frame | Page, root: string): Promise<{ scrollWidth: number; width: number; rootRight: number; widestPanel: number }> {
  return frame.evaluate(([sel]) => {
    const el = document.querySelector(sel) as HTMLElement;
    const panels = [...el.querySelectorAll<HTMLElement>('.gs-canvas, .gs-tile-canvas, .gfv-canvas, .gfg-detail-image')];
    return {
      scrollWidth: document.documentElement.scrollWidth,
      width: document.documentElement.clientWidth,
      rootRight: Math.ceil(el.getBoundingClientRect().right),
      widestPanel: Math.max(0, ...panels.map((p) => Math.round(p.getBoundingClientRect().width))),
    };
  }, [root] as const);
}

describe('embedding every live figure', () => {
  it('offers an embed page, iframe code and a custom element for every live figure of every article', async () => {
    const { page, context } = await open(browser, '/');
    try {
      const articles = [...new Set(await page.locator('a[href*="/articles/"]').evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname)))];
      let checked = 0;
      for (const path of articles) {
        await page.goto(baseUrl() + path);
        const figures = await page.locator('figure[data-figure-id]').evaluateAll((fs, live) => fs.map((f) => {
          const element = f.querySelector(live.join(','));
          const text = (kind: string) => (f.querySelector(`[data-kind="${kind}"] textarea`) as HTMLTextAreaElement | null)?.value ?? '';
          return { id: f.getAttribute('data-figure-id'), tag: element?.tagName.toLowerCase(), iframe: text('iframe'), script: text('script') };
        }).filter((f) => f.tag), LIVE);
        for (const f of figures) {
          expect(f.iframe, `${path}#${f.id}: no iframe code`).toMatch(/^<iframe src="[^"]+\/embed\//);
          expect(f.script, `${path}#${f.id}: no script-tag code`).toContain(`<${f.tag} `);
          const src = /src="([^"]+)"/.exec(f.iframe)?.[1] ?? '';
          const response = await page.request.get(new URL(new URL(src).pathname, baseUrl()).href);
          expect(response.status(), src).toBe(200);
          expect(await response.text(), src).toContain(`<${f.tag}`);
          checked += 1;
        }
      }
      // 3 saliency + 1 grid + 1 IG + 6 saliency (which pixels) + 8 views + 6 feature vis/gallery/top + 1 adversarial, at least.
      expect(checked).toBeGreaterThanOrEqual(20);
    } finally {
      await context.close();
    }
  });

  describe('in a 760 px column on another origin', () => {
    let context: BrowserContext;
    let page: Page;
    const requests: string[] = [];
    const errors: string[] = [];
    beforeAll(async () => {
      context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      context.on('request', (r) => requests.push(r.url()));
      context.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
      page = await context.newPage();
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(`${m.location().url}: ${m.text()}`); });
      await page.goto(`${foreignUrl}/?backend=wasm`);
    });
    afterAll(async () => { await context?.close(); });

    for (const [slug, id, tag] of FIGURES) {
      it(`iframe: ${slug}/${id} renders, takes its content's height and fits the column`, async () => {
        const section = page.locator(`section[data-embed="iframe:${slug}/${id}"]`);
        await section.scrollIntoViewIfNeeded();
        const isEmbed = (f: Frame) => f.url().startsWith(`${baseUrl()}/embed/${slug}/${id}/`);
        const frame = page.frames().find(isEmbed) ?? await page.waitForEvent('framenavigated', { predicate: isEmbed, timeout: 30_000 });
        await drawn(frame, `#${id}`, tag);
        const inside = await fit(frame, `#${id}`);
        expect(inside.width, 'the frame is as wide as the column').toBe(COLUMN);
        expect(inside.scrollWidth, `${slug}/${id} scrolls sideways inside its frame`).toBeLessThanOrEqual(inside.width);
        expect(inside.widestPanel, `${slug}/${id}: a panel balloons to the column`).toBeLessThanOrEqual(MAX_PANEL);
        const content = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
        await expect.poll(() => section.locator('iframe').evaluate((f) => (f as HTMLIFrameElement).style.height), { timeout: 10_000 }).toBe(`${content}px`);
        // The Saliency figure in a 760 px column was 1,147 px tall (two 362 px panels a row).
        if (tag === 'glimpse-saliency') expect(content).toBeLessThan(700);
        if (tag === 'glimpse-feature-vis') expect(await frame.locator(`#${id} .gfv-progress`).textContent()).toMatch(/done, step \d+/);
      }, 240_000);
    }

    for (const [slug, id, tag] of FIGURES) {
      it(`script tag: <${tag}> from ${slug}/${id} renders in the column and fits it`, async () => {
        const selector = `section[data-embed="script:${slug}/${id}"] > ${tag}`;
        await drawn(page, selector, tag);
        const o = await fit(page, selector);
        const column = await page.locator('main').evaluate((m) => Math.ceil(m.getBoundingClientRect().right));
        expect(o.rootRight, `${tag} sticks out of the column`).toBeLessThanOrEqual(column);
        expect(o.scrollWidth).toBeLessThanOrEqual(o.width);
        expect(o.widestPanel, `${tag}: a panel balloons to the column`).toBeLessThanOrEqual(MAX_PANEL);
        if (tag === 'glimpse-feature-gallery') {
          // Rendered by the element itself from the gallery index: every unit of shapes-cnn, and a
          // click on one opens its panel.
          expect(await page.locator(`${selector} .gfg-unit`).count()).toBe(16 + 32 + 64 + 128 + 6);
          await page.locator(`${selector} details[open] .gfg-unit`).first().click();
          await expect.poll(() => page.locator(`${selector} .gfg-detail .gfg-detail-title`).textContent()).toMatch(/conv2 channel 0/);
        }
      }, 240_000);
    }

    it('fits a 390 px phone too, loads only from the two origins, and logs no error', async () => {
      await page.screenshot({ path: join(OUTPUT, 'embed-live-column.png'), fullPage: true });
      await page.setViewportSize({ width: 390, height: 800 });
      await page.waitForTimeout(1500);
      const outer = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, width: document.documentElement.clientWidth }));
      expect(outer.scrollWidth, 'the post scrolls sideways at 390 px').toBeLessThanOrEqual(outer.width);
      for (const frame of page.frames().filter((f) => f.url().startsWith(`${baseUrl()}/embed/`))) {
        const o = await frame.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, width: document.documentElement.clientWidth }));
        expect(o.scrollWidth, `${frame.url()} scrolls sideways at 390 px`).toBeLessThanOrEqual(o.width);
      }
      await page.screenshot({ path: join(OUTPUT, 'embed-live-column-390.png'), fullPage: true });
      const origins = new Set(requests.filter((u) => !/^(blob|data):/.test(u)).map((u) => new URL(u).origin));
      expect([...origins].sort()).toEqual([baseUrl(), foreignUrl].sort());
      expect(errors).toEqual([]);
    });
  });
});
