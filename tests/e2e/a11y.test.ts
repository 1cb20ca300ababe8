/**
 * Accessibility gate: axe-core over the index and every built article, in the light and the dark
 * theme, with the figures computed (their controls are in the page then): no serious or critical
 * violation. Colour contrast is one of axe's rules, so both themes must meet WCAG AA.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO } from './config';
import { baseUrl, connect } from './helpers';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const articles = readdirSync(join(REPO, 'dist/articles'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => `/articles/${d.name}/`);
const PAGES = ['/', '/search/', ...articles];

let browser: Browser;
beforeAll(async () => { browser = await connect(); });
afterAll(async () => { await browser?.close(); });

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/**
 * Brings each live figure into view and waits until it has finished, ready or not: its controls are
 * then in the page for axe to check. Bounded to 150 s a page, so an article with many slow figures
 * is checked with whatever has finished by then.
 */
async function settleFigures(page: Page): Promise<void> {
  const deadline = Date.now() + 150_000;
  const ids = await page.locator('figure.glimpse-figure [data-state][id]').evaluateAll((els) => els.map((e) => e.id));
  for (const id of ids) {
    const left = deadline - Date.now();
    if (left < 1000) break;
    await page.locator(`[id="${id}"]`).scrollIntoViewIfNeeded();
    await page
      .waitForFunction((i) => ['ready', 'error'].includes((document.getElementById(i) as HTMLElement).dataset.state ?? ''), id, { timeout: left, polling: 200 })
      .catch(() => undefined);
  }
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  })) as Violation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

it('finds the built articles', () => {
  expect(articles).toContain('/articles/saliency/');
});

for (const scheme of ['light', 'dark'] as const) {
  for (const path of PAGES) {
    it(`${path} (${scheme}): no serious or critical axe violations`, async () => {
      const context = await browser.newContext({ viewport: { width: 1300, height: 900 }, colorScheme: scheme });
      const page = await context.newPage();
      try {
        await page.goto(baseUrl() + path);
        if (path.startsWith('/articles/')) await settleFigures(page);
        const found = await seriousViolations(page);
        expect(found, found.join('\n')).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
}

it('every image has alt text and every figure control can be reached with Tab', async () => {
  const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
  const page = await context.newPage();
  try {
    await page.goto(`${baseUrl()}/articles/saliency/`);
    await settleFigures(page);
    expect(await page.locator('img:not([alt])').count()).toBe(0);
    // Controls inside figures: none taken out of the tab order, all of a kind the keyboard can use.
    const controls = await page.locator('figure.glimpse-figure').locator('button, select, input, a[href], [tabindex]').evaluateAll((els) =>
      els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => ({ tag: e.tagName, tabIndex: (e as HTMLElement).tabIndex })));
    expect(controls.length).toBeGreaterThan(0);
    expect(controls.filter((c) => c.tabIndex < 0)).toEqual([]);
  } finally {
    await context.close();
  }
});
