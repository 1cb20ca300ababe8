/**
 * Publishing features as a reader meets them in Chromium: citation cards on hover and on keyboard
 * focus (Escape hides), numbered figures and working cross-references, side notes in the margin or
 * as inline toggles, the theme toggle and its persistence, site search, RSS, and a printable PDF.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT } from './config';
import { baseUrl, connect, open } from './helpers';

let browser: Browser;
beforeAll(async () => { browser = await connect(); });
afterAll(async () => { await browser?.close(); });

const ARTICLE = '/articles/saliency/';

describe('citations', () => {
  it('shows the hover card on mouse hover and on keyboard focus, and Escape hides it', async () => {
    const { page, context } = await open(browser, ARTICLE);
    try {
      const cite = page.locator('a.cite[data-cite="simonyan2014"]').first();
      const card = page.locator(`#${await cite.getAttribute('aria-describedby')}`);
      expect(await cite.textContent()).toBe('1');
      expect(await card.isVisible()).toBe(false);
      await cite.hover();
      await expect.poll(() => card.isVisible()).toBe(true);
      expect(await card.locator('.hc-title').textContent()).toBe('Deep Inside Convolutional Networks: Visualising Image Classification Models and Saliency Maps');
      expect(await card.locator('.hc-authors').textContent()).toBe('Karen Simonyan, Andrea Vedaldi, Andrew Zisserman');
      expect(await card.locator('.hc-venue').textContent()).toContain('2014');
      expect(await card.locator('a.hc-link').getAttribute('href')).toBe('https://arxiv.org/abs/1312.6034');
      await page.mouse.move(0, 0);
      await expect.poll(() => card.isVisible()).toBe(false);

      // Keyboard: Tab from the link just before the citation lands on it and opens the card.
      await page.locator('a.xref[href="#eq-linear"]').first().focus();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.cite)).toBe('simonyan2014');
      await expect.poll(() => card.isVisible()).toBe(true);
      await page.keyboard.press('Escape');
      await expect.poll(() => card.isVisible()).toBe(false);

      // The number links to the generated bibliography entry.
      const entry = page.locator('#ref-simonyan2014');
      expect(await entry.textContent()).toContain('Karen Simonyan, Andrea Vedaldi, Andrew Zisserman.');
      const numbers = await page.locator('.references li').evaluateAll((lis) => lis.map((li) => li.id));
      expect(numbers.slice(0, 3)).toEqual(['ref-simonyan2014', 'ref-baehrens2010', 'ref-xiao2017']);
    } finally {
      await context.close();
    }
  });

  it('writes citation meta tags and a BibTeX "cite this article" block', async () => {
    const { page, context } = await open(browser, ARTICLE);
    try {
      const meta = (name: string) => page.locator(`meta[name="${name}"]`).evaluateAll((ms) => ms.map((m) => m.getAttribute('content')));
      expect(await meta('citation_title')).toEqual(['Which pixels does the network look at?']);
      expect(await meta('citation_author')).toEqual(['Glimpse contributors']);
      expect(await meta('citation_publication_date')).toEqual(['2026/11/23']);
      expect((await meta('citation_reference'))[0]).toMatch(/^citation_title=Deep Inside Convolutional Networks.*;citation_author=Karen Simonyan;/);
      expect(await page.locator('pre.bibtex').textContent()).toMatch(/^@article\{contributors2026saliency,\n {2}author += \{Glimpse contributors\},/);
    } finally {
      await context.close();
    }
  });
});

describe('figures, equations and cross-references', () => {
  it('numbers figures in document order and links references to them', async () => {
    const { page, context } = await open(browser, ARTICLE);
    try {
      const numbers = await page.locator('figure.glimpse-figure').evaluateAll((fs) =>
        fs.map((f) => [f.getAttribute('data-figure-id'), f.querySelector('.figure-number')?.textContent]));
      expect(numbers).toEqual([['fig-saliency', 'Figure 1:'], ['fig-gradient-x-input', 'Figure 2:'], ['fig-shapes', 'Figure 3:']]);
      const refs = await page.locator('a.xref').evaluateAll((as) => as.map((a) => `${a.getAttribute('href')}=${a.textContent}`));
      expect(refs).toContain('#fig-shapes=Figure 3');
      expect(refs).toContain('#eq-gradient-x-input=Equation 2');
      for (const href of new Set(refs.map((r) => r.split('=')[0]))) expect(await page.locator(href).count(), href).toBe(1);
      // KaTeX draws the equation number from \tag.
      expect(await page.locator('#eq-linear .tag').textContent()).toBe('(1)');
    } finally {
      await context.close();
    }
  });
});

describe('side notes', () => {
  it('sit in the right margin on a wide screen', async () => {
    const { page, context } = await open(browser, ARTICLE, { width: 1400, height: 900 });
    try {
      const note = page.locator('.sidenote').first();
      expect(await note.isVisible()).toBe(true);
      const noteBox = await note.boundingBox();
      const textBox = await page.locator('.article-body > p').first().boundingBox();
      expect(noteBox && textBox && noteBox.x).toBeGreaterThan((textBox?.x ?? 0) + (textBox?.width ?? 0));
      expect(await note.textContent()).toContain('Baehrens et al.');
    } finally {
      await context.close();
    }
  });

  it('open inline from the footnote number on a narrow screen', async () => {
    const { page, context } = await open(browser, ARTICLE, { width: 700, height: 900 });
    try {
      const ref = page.locator('a.footnote-ref').first();
      const note = page.locator(`#${await ref.getAttribute('aria-controls')}`);
      expect(await note.isVisible()).toBe(false);
      await ref.click();
      expect(await note.isVisible()).toBe(true);
      expect(await ref.getAttribute('aria-expanded')).toBe('true');
      expect(new URL(page.url()).hash).toBe('');
    } finally {
      await context.close();
    }
  });
});

describe('theme', () => {
  it('follows prefers-color-scheme, and the toggle switches and persists the choice', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, colorScheme: 'dark' });
    const page = await context.newPage();
    try {
      const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await page.goto(`${baseUrl()}${ARTICLE}`);
      expect(await bg()).toBe('rgb(22, 24, 28)');
      const toggle = page.locator('button.theme-toggle');
      expect(await toggle.getAttribute('aria-pressed')).toBe('true');
      await toggle.click();
      expect(await bg()).toBe('rgb(255, 255, 255)');
      expect(await toggle.getAttribute('aria-pressed')).toBe('false');
      await page.goto(`${baseUrl()}/`);
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
      expect(await bg()).toBe('rgb(255, 255, 255)');
      await page.locator('button.theme-toggle').click();
      await page.reload();
      expect(await bg()).toBe('rgb(22, 24, 28)');
    } finally {
      await context.close();
    }
  });
});

describe('cite this article', () => {
  it('names the address the article is read at, not the build machine', async () => {
    const { page, context } = await open(browser, ARTICLE);
    try {
      const cite = page.locator('.cite-this');
      const expected = `${baseUrl()}${ARTICLE}`;
      expect(await cite.locator('p').first().textContent()).toContain(expected);
      expect(await cite.locator('pre code').textContent()).toContain(`{${expected}}`);
      expect(await cite.textContent()).not.toContain('localhost:4321');
    } finally {
      await context.close();
    }
  });
});

describe('search and feed', () => {
  it('finds the article from the header search box', async () => {
    const { page, context } = await open(browser, '/');
    try {
      await page.locator('#site-search-q').fill('Fashion-MNIST gradient');
      const first = page.locator('.site-search .search-results a').first();
      await first.waitFor({ timeout: 20_000 });
      expect(new URL(await first.getAttribute('href') ?? '', baseUrl()).pathname).toBe(ARTICLE);
      expect(await page.locator('.site-search .search-status').textContent()).toMatch(/^\d+ results? for/);
      // The dropdown closes when the reader clicks elsewhere, and comes back on focus.
      await page.mouse.click(5, 600);
      expect(await first.isVisible()).toBe(false);
      await page.locator('#site-search-q').focus();
      expect(await first.isVisible()).toBe(true);
      await page.goto(`${baseUrl()}/search/?q=saliency`);
      await page.locator('.search-page-results a').first().waitFor({ timeout: 20_000 });
      // Lectures are indexed too: Grad-CAM is taught in "Class maps and occlusion".
      await page.goto(`${baseUrl()}/search/?q=Grad-CAM`);
      await page.locator('.search-page-results a').first().waitFor({ timeout: 20_000 });
      const hrefs = await page.locator('.search-page-results a').evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
      expect(hrefs).toContain('/courses/reading-saliency-maps/class-maps-and-occlusion/');
    } finally {
      await context.close();
    }
  });

  it('lists the article in /rss.xml', async () => {
    const res = await fetch(`${baseUrl()}/rss.xml`);
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain('<title>Which pixels does the network look at?</title>');
    expect(xml).toMatch(/<link>http:\/\/[^<]+\/articles\/saliency\/<\/link>/);
  });
});

describe('print', () => {
  it('prints a clean PDF: no header tools, side notes or cards, light colours', async () => {
    const { page, context } = await open(browser, ARTICLE);
    try {
      await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
      const shown = (sel: string) => page.locator(sel).first().evaluate((el) => getComputedStyle(el).display);
      expect(await shown('.header-tools')).toBe('none');
      expect(await shown('.sidenote')).toBe('none');
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      mkdirSync(OUTPUT, { recursive: true });
      writeFileSync(`${OUTPUT}/saliency.pdf`, pdf);
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
      expect(pages).toBeGreaterThanOrEqual(3);
      expect(pages).toBeLessThanOrEqual(15);
      // For a person to look at: tests/output/saliency-1.png (when poppler-utils is installed).
      if (existsSync('/usr/bin/pdftoppm')) execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '2', `${OUTPUT}/saliency.pdf`, `${OUTPUT}/saliency`]);
    } finally {
      await context.close();
    }
  });
});
