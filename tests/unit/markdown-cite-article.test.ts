/** "Cite this article": the exact BibTeX and plain-text citation an article page shows. */
import { expect, it } from 'vitest';
import { articleBibtex, articleCitationText, citationKey, citationUrl, withPageOrigin } from '../../src/layouts/cite-article';

const article = {
  slug: 'which-pixels-matter',
  title: 'Which pixels matter?',
  authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'],
  published: new Date('2026-03-04T00:00:00Z'),
  url: 'https://glimpse.example/articles/which-pixels-matter/',
};

it('writes a BibTeX entry keyed by first author, year and slug, with the DOI when there is one', () => {
  expect(citationKey(article)).toBe('lovelace2026whichpixelsmatter');
  expect(articleBibtex({ ...article, title: 'Pixels & 100% of #1', doi: '10.1234/g_1' }).split('\n')[2]).toBe('  title   = {Pixels \\& 100\\% of \\#1},');
  expect(articleBibtex({ ...article, doi: '10.1234/g_1' })).toBe(
    [
      '@article{lovelace2026whichpixelsmatter,',
      '  author  = {Ada Lovelace and Alan Turing and Grace Hopper},',
      '  title   = {Which pixels matter?},',
      '  journal = {Glimpse},',
      '  year    = {2026},',
      '  note    = {https://glimpse.example/articles/which-pixels-matter/},',
      '  doi     = {10.1234/g_1}',
      '}',
    ].join('\n'),
  );
});

it('writes the plain-text citation with the DOI link in place of the URL when there is one', () => {
  expect(articleCitationText(article)).toBe('Ada Lovelace, Alan Turing and Grace Hopper, "Which pixels matter?", Glimpse, 2026. https://glimpse.example/articles/which-pixels-matter/');
  expect(articleCitationText({ ...article, authors: ['Ada Lovelace'], doi: '10.1/x' })).toBe('Ada Lovelace, "Which pixels matter?", Glimpse, 2026. https://doi.org/10.1/x');
});

it('cites the configured site, else the bare path that the page completes with its own origin', () => {
  const path = '/articles/which-pixels-matter/';
  expect(citationUrl(new URL('https://glimpse.example/'), path)).toBe('https://glimpse.example/articles/which-pixels-matter/');
  // No site: never the build machine's localhost.
  expect(citationUrl(undefined, path)).toBe(path);
  const bib = articleBibtex({ ...article, url: path });
  expect(bib).toContain(`  note    = {${path}}`);
  const read = withPageOrigin(bib, path, 'https://mirror.example');
  expect(read).toContain('  note    = {https://mirror.example/articles/which-pixels-matter/}');
  expect(withPageOrigin(articleCitationText({ ...article, url: path }), path, 'https://m.example')).toMatch(/, 2026\. https:\/\/m\.example\/articles\/which-pixels-matter\/$/);
  // A path inside another URL is left alone.
  expect(withPageOrigin('see https://x.org/articles/which-pixels-matter/', path, 'https://m.example')).toBe('see https://x.org/articles/which-pixels-matter/');
});
