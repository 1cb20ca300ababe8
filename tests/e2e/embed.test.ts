// Figures embedded in a page Glimpse did not build, served from another origin: an iframe of
// /embed/<article>/<figure>/ and the script-tag bundle, both with the code the article's Embed button
// offers. Each computes the map the article shows, the iframe takes its content's height, and no
// request leaves the two local origins.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer } from '../../scripts/serve.mjs';
import { OUTPUT, REPO } from './config';
import { baseUrl, connect, expectSameMap, nodeMap, open, settle, shown, type Shown } from './helpers';

let browser: Browser;
let foreign: Server;
let foreignUrl: string;
/** What the article's own figures show, by figure id. */
const article = new Map<string, Shown>();
const codes: Record<string, string> = {};

beforeAll(async () => {
  browser = await connect();
  // The article: its figures' maps, and the embed code its Embed buttons offer.
  const { page, context } = await open(browser, '/articles/saliency/');
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl() });
  try {
    for (const id of ['fig-shapes', 'fig-gradient-x-input']) {
      await settle(page, `#${id}`);
      article.set(id, await shown(page, `#${id}`));
    }
    await page.locator('[data-figure-id="fig-shapes"] details.embed-code summary').click();
    codes.iframe = await page.locator('[data-figure-id="fig-shapes"] [data-kind="iframe"] textarea').inputValue();
    codes.script = await page.locator('[data-figure-id="fig-gradient-x-input"] [data-kind="script"] textarea').inputValue();
    // The Copy button puts exactly the shown code on the clipboard.
    await page.locator('[data-figure-id="fig-shapes"] [data-kind="iframe"] button.embed-copy').click();
    await page.locator('[data-figure-id="fig-shapes"] [data-kind="iframe"] button.embed-copy', { hasText: 'Copied' }).waitFor();
    codes.clipboard = await page.evaluate(() => navigator.clipboard.readText());
  } finally {
    await context.close();
  }
  // The foreign page, on its own origin (localhost vs 127.0.0.1, another port).
  const dir = join(OUTPUT, 'foreign');
  mkdirSync(dir, { recursive: true });
  const html = readFileSync(join(REPO, 'tests/e2e/foreign/embed.html'), 'utf8')
    .replace('<!-- IFRAME_EMBED -->', codes.iframe)
    .replace('<!-- SCRIPT_EMBED -->', codes.script);
  writeFileSync(join(dir, 'index.html'), html);
  foreign = await startServer({ dir, port: 0 });
  foreignUrl = `http://localhost:${(foreign.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => foreign?.close(done));
});

it('offers embed code that points at the page origin, and copies it', () => {
  expect(codes.clipboard).toBe(codes.iframe);
  expect(codes.iframe).toMatch(new RegExp(`^<iframe src="${baseUrl()}/embed/saliency/fig-shapes/" `));
  expect(codes.iframe).toContain(`event.origin !== "${baseUrl()}"`);
  expect(codes.script).toBe(
    `<script type="module" src="${baseUrl()}/embed/glimpse.js"></script>\n` +
      '<glimpse-saliency model="fashion-cnn" method="gradient-x-input" image="7"></glimpse-saliency>',
  );
});

it('gives every figure that offers embed code an embed page', async () => {
  const { page, context } = await open(browser, '/');
  try {
    const articles = [...new Set(await page.locator('a[href*="/articles/"]').evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname)))];
    expect(articles).toContain('/articles/saliency/');
    let offered = 0;
    for (const path of articles) {
      await page.goto(baseUrl() + path);
      const srcs = await page.locator('[data-kind="iframe"] textarea').evaluateAll((ts) => ts.map((t) => /src="([^"]+)"/.exec((t as HTMLTextAreaElement).value)?.[1] ?? ''));
      for (const src of srcs) {
        const response = await page.request.get(src);
        expect(response.status(), src).toBe(200);
        expect(await response.text(), src).toContain('class="glimpse-figure');
      }
      offered += srcs.length;
    }
    expect(offered).toBeGreaterThanOrEqual(3);
  } finally {
    await context.close();
  }
});

/** Waits for a figure inside a frame (the iframe) as settle() does on a page. */
async function settleIn(frame: Frame | Page, selector: string): Promise<void> {
  await frame.locator(selector).scrollIntoViewIfNeeded();
  await frame.waitForFunction(
    (sel) => {
      const el = document.querySelector(sel) as (HTMLElement & { lastResult?: unknown }) | null;
      if (el?.dataset.state === 'error') throw new Error(`${sel}: ${el.querySelector('.gs-error')?.textContent}`);
      return el?.dataset.state === 'ready' && el.lastResult !== undefined;
    },
    selector,
    { timeout: 180_000, polling: 100 },
  );
}

it('computes the article figures in a foreign page, by iframe and by script tag, from the Glimpse origin only', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  context.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
  try {
    await page.goto(`${foreignUrl}/`);

    // iframe: the same map as the article's figure, and the frame sized to its content. The frame may
    // still be on about:blank when the page's load event fires (seen in CI): wait for its navigation.
    const isEmbed = (f: Frame) => f.url().startsWith(`${baseUrl()}/embed/saliency/fig-shapes/`);
    const frame = page.frames().find(isEmbed) ?? await page.waitForEvent('framenavigated', { predicate: isEmbed, timeout: 30_000 }).catch(() => undefined);
    expect(frame, `no embed frame; frames: ${page.frames().map((f) => f.url()).join(', ')}`).toBeDefined();
    await settleIn(frame as Frame, '#fig-shapes');
    const inFrame = await shown(frame as unknown as Page, '#fig-shapes');
    const want = article.get('fig-shapes') as Shown;
    expect([inFrame.model, inFrame.method, inFrame.target]).toEqual([want.model, want.method, want.target]);
    expect(inFrame.pixels.data).toEqual(want.pixels.data);
    expectSameMap(inFrame.map, want.map, 'iframe fig-shapes vs the article');
    const contentHeight = await (frame as Frame).evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
    await page.waitForFunction(
      (h) => (document.querySelector('iframe[data-glimpse-embed]') as HTMLIFrameElement).style.height === `${h}px`,
      contentHeight,
      { timeout: 10_000 },
    );
    expect(contentHeight).toBeGreaterThan(300);

    // Script tag, as copied: the same map as the article's gradient × input figure.
    const copied = 'glimpse-saliency[method="gradient-x-input"]';
    await settleIn(page, copied);
    const viaScript = await shown(page, copied);
    const wantGxI = article.get('fig-gradient-x-input') as Shown;
    expect([viaScript.model, viaScript.target, viaScript.prediction[0].label]).toEqual([wantGxI.model, wantGxI.target, wantGxI.prediction[0].label]);
    expectSameMap(viaScript.map, wantGxI.map, 'script-tag gradient × input vs the article');

    // Script tag, by hand: Grad-CAM, checked against Node.
    await settleIn(page, '#by-hand');
    const byHand = await shown(page, '#by-hand');
    expect(byHand.prediction[0].label).toBe('Trouser');
    const ref = await nodeMap('fashion-cnn', 'grad-cam', byHand.pixels, byHand.target);
    expectSameMap(byHand.map, ref.map, 'script-tag grad-cam vs Node');

    // A second element type from the same bundle: both its methods computed.
    await page.locator('#grid-by-hand').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => (document.querySelector('#grid-by-hand') as HTMLElement).dataset.state === 'ready', null, { timeout: 180_000 });
    const grid = await page.locator('#grid-by-hand').evaluate((el) => {
      const results = (el as HTMLElement & { results?: Record<string, { target: number; error?: string }> }).results ?? {};
      return Object.fromEntries(Object.entries(results).map(([id, r]) => [id, r.error ?? r.target]));
    });
    expect(grid).toEqual({ 'grad-cam': 2, 'gradient-x-input': 2 }); // shapes sample 3 is a triangle (class 2)

    // A full-page capture leaves the cross-origin (out-of-process) frame blank, so the frame gets a
    // viewport capture of its own once it has repainted at the top.
    await page.screenshot({ path: join(OUTPUT, 'embed-foreign-page.png'), fullPage: true });
    await page.evaluate(() => scrollTo(0, 0));
    await page.waitForTimeout(1000);
    await page.screenshot({ path: join(OUTPUT, 'embed-iframe.png') });
    const origins = new Set(requests.filter((u) => !/^(blob|data):/.test(u)).map((u) => new URL(u).origin));
    expect([...origins].sort()).toEqual([baseUrl(), foreignUrl].sort());
    expect(requests.some((u) => u.startsWith(`${baseUrl()}/embed/_glimpse/`) && u.endsWith('.wasm'))).toBe(true);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
