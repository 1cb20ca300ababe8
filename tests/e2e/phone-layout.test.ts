// Phones: no page of the built site may scroll sideways at 360, 390 or 414 px. Every article,
// lecture and index page is opened at 390 px, scrolled through so its live figures start and draw,
// then measured at the three widths (a resize re-lays the same page out; no reload). Wide content
// that scrolls inside itself (equations, code blocks, tables) is allowed; the page itself is not.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './config';
import { baseUrl, connect, open, screenshot, type Opened } from './helpers';

const LIVE = 'glimpse-saliency, glimpse-attribution-grid, glimpse-ig-path, glimpse-feature-vis, glimpse-feature-gallery, glimpse-activations, glimpse-filters, glimpse-top-patches, glimpse-neighbours, glimpse-embedding, glimpse-adversarial, glimpse-tcav';

/** Site paths of every built page under `dir` (articles/, courses/, models/). */
function pagesUnder(dir: string): string[] {
  const root = join(REPO, 'dist', dir);
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name === 'index.html') out.push(`/${path.slice(join(REPO, 'dist').length + 1, -'index.html'.length)}`);
    }
  };
  walk(root);
  return out.sort();
}

/** The page's horizontal overflow and the outermost elements that cause it. */
async function overflow(page: Page): Promise<{ scrollWidth: number; width: number; culprits: string[] }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const culprits: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      if (el.getBoundingClientRect().right <= width + 0.5) continue;
      // Inside a box that scrolls by itself (katex-display, pre, table): allowed.
      let scroller = el.parentElement;
      while (scroller && scroller !== document.body && !['auto', 'scroll', 'hidden'].includes(getComputedStyle(scroller).overflowX)) scroller = scroller.parentElement;
      if (scroller && scroller !== document.body) continue;
      if (culprits.length < 6) culprits.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, width, culprits };
  });
}

/** Scrolls through the page so every figure starts, then waits (bounded) until each has drawn or failed. */
async function drawEverything(page: Page): Promise<void> {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let y = 0; y < height; y += 700) {
    await page.evaluate((top) => window.scrollTo(0, top), y);
    await page.waitForTimeout(60);
  }
  await page.waitForFunction((sel) => [...document.querySelectorAll<HTMLElement>(sel)].every((f) =>
    f.dataset.state === 'error' || f.dataset.state === 'ready' || f.hasAttribute('data-shown')), LIVE, { timeout: 30_000, polling: 250 }).catch(() => undefined);
}

// One page for all: a page of the site is a navigation away, and a context per page costs seconds.
let browser: Browser;
let opened: Opened;
beforeAll(async () => {
  browser = await connect();
  opened = await open(browser, '/', { width: 390, height: 800 });
});
afterAll(async () => {
  await opened?.context.close();
  await browser?.close();
});

const PAGES = ['/', '/courses/', ...pagesUnder('articles'), ...pagesUnder('courses'), ...pagesUnder('models')];

describe('phone widths', () => {
  it('finds every article and lecture', () => {
    expect(PAGES.filter((p) => p.startsWith('/articles/')).length).toBeGreaterThanOrEqual(6);
    // The articles added last ("Do feature visualizations explain a unit?", "Fooling a CNN", "What concepts does the network know?") are in the list.
    expect(PAGES).toEqual(expect.arrayContaining(['/articles/do-feature-visualizations-explain-a-unit/', '/articles/fooling-a-cnn/', '/articles/what-concepts-does-the-network-know/']));
    expect(PAGES.filter((p) => p.split('/').length === 5 && p.startsWith('/courses/')).length).toBeGreaterThanOrEqual(3);
  });

  for (const path of [...new Set(PAGES)]) {
    it(`${path} does not scroll sideways at 360, 390 and 414 px`, async () => {
      const { page } = opened;
      await page.setViewportSize({ width: 390, height: 800 });
      await page.goto(`${baseUrl()}${path}?backend=wasm`);
      await drawEverything(page);
      for (const width of [390, 360, 414]) {
        await page.setViewportSize({ width, height: 800 });
        await page.waitForTimeout(50);
        const o = await overflow(page);
        expect(o.scrollWidth, `${path} at ${width} px is ${o.scrollWidth} px wide: ${o.culprits.join(', ')}`).toBeLessThanOrEqual(o.width);
      }
      if (path === '/articles/which-pixels-matter/') {
        await page.setViewportSize({ width: 390, height: 800 });
        await screenshot(page, '#fig-smoothgrad', 'phone-390-smoothgrad');
      }
    }, 60_000);
  }
});
