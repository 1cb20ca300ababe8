/**
 * `glimpse new article`: the scaffold is written where it should be, refuses to overwrite or take a
 * bad slug, and compiles through the site's markdown plugins (its citation, figure reference,
 * equation reference and footnote all resolve against the .bib and ids it ships with).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { newArticle } from '../../src/cli/new';
import { compileMdx } from './markdown-harness';

const root = mkdtempSync(join(tmpdir(), 'glimpse-new-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('glimpse new article', () => {
  it('writes the .mdx and .bib with the slug, title, author and date filled in', async () => {
    const files = await newArticle('my-first-article', { root, title: 'My first: article', author: 'Ada Lovelace', date: new Date('2026-01-02T10:00:00Z') });
    expect(files).toEqual(['content/articles/my-first-article.mdx', 'content/articles/my-first-article.bib']);
    const mdx = readFileSync(join(root, files[0]), 'utf8');
    expect(mdx).toContain('title: "My first: article"\n');
    expect(mdx).toContain('  - name: Ada Lovelace\n');
    expect(mdx).toContain('published: 2026-01-02\n');
    expect(mdx).toContain('id="fig-my-first-article"');
    expect(mdx).not.toContain('{{');
    expect(readFileSync(join(root, files[1]), 'utf8')).toContain('@inproceedings{simonyan2014,');
  });

  it('compiles: one citation, a numbered figure and equation, their references, a side note', async () => {
    const path = join(root, 'content/articles/my-first-article.mdx');
    const body = readFileSync(path, 'utf8').replace(/^---[\s\S]*?---\n/, '');
    const { html, markup } = await compileMdx(body, path);
    expect(markup.references.map((r) => r.key)).toEqual(['simonyan2014']);
    expect(markup.figures).toEqual({ 'fig-my-first-article': 1 });
    expect(markup.equations).toEqual({ 'eq-my-first-article-gradient': 1 });
    expect(html).toContain('<a class="xref" href="#fig-my-first-article">Figure 1</a>');
    expect(html).toContain('<a class="xref" href="#eq-my-first-article-gradient">Equation 1</a>');
    expect(html).toContain('class="sidenote"');
  });

  it('refuses to overwrite and rejects a bad slug, naming the allowed form', async () => {
    await expect(newArticle('my-first-article', { root })).rejects.toThrow('content/articles/my-first-article.mdx already exists');
    await expect(newArticle('My Article', { root })).rejects.toThrow("article slug 'My Article' is not allowed; use lower-case letters, digits and dashes");
  });

  it('is registered in the CLI, which names the kinds it can create', async () => {
    const err: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((s: string) => { err.push(s); return true; }) as typeof process.stderr.write;
    try {
      expect(await main(['new', 'lecture', 'x'])).toBe(1);
    } finally {
      process.stderr.write = write;
    }
    expect(err.join('')).toBe("glimpse: 'glimpse new' needs what to create: article, course or study (got 'lecture')\n");
  });
});
