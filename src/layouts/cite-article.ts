/**
 * "Cite this article": the plain-text citation and the BibTeX entry for a Glimpse article, built from
 * its front matter. Pure, so the exact text is unit-tested.
 */

export interface ArticleCitation {
  /** Article slug (file name): part of the BibTeX key. */
  slug: string;
  title: string;
  authors: string[];
  published: Date;
  /** Absolute URL of the article page. */
  url: string;
  doi?: string;
}

export const JOURNAL = 'Glimpse';

/**
 * The article's URL for its citation: absolute on the configured `site` (GLIMPSE_SITE, astro.config),
 * else just the path, which the page completes with its own origin when it is read
 * (`withPageOrigin`). Never a build machine's address such as http://localhost:4321.
 */
export function citationUrl(site: URL | undefined, pathname: string): string {
  return site ? new URL(pathname, site).href : pathname;
}

/** A citation written with a bare `path` (no site configured), completed with the origin it is read at. */
export function withPageOrigin(text: string, path: string, origin: string): string {
  if (!path.startsWith('/')) return text;
  // The path stands alone in the citation: after a space or a brace, never inside another URL.
  return text.replace(new RegExp(`(^|[\\s{])${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'g'), (_, pre: string) => `${pre}${origin}${path}`);
}

/** "glimpse2026saliency": first author's last word, year, slug with non-letters dropped. */
export function citationKey(c: ArticleCitation): string {
  const first = (c.authors[0] ?? 'anonymous').trim().split(/\s+/).pop() ?? 'anonymous';
  const clean = (s: string): string => s.normalize('NFD').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  return `${clean(first)}${c.published.getUTCFullYear()}${clean(c.slug)}`;
}

/** BibTeX braces protect capitals; escape the characters BibTeX treats specially. */
const bibValue = (s: string): string => `{${s.replace(/([&%$#_])/g, '\\$1')}}`;

export function articleBibtex(c: ArticleCitation): string {
  const fields: Array<[string, string]> = [
    ['author', c.authors.join(' and ')],
    ['title', c.title],
    ['journal', JOURNAL],
    ['year', String(c.published.getUTCFullYear())],
    ['note', c.url],
  ];
  if (c.doi) fields.push(['doi', c.doi]);
  const width = Math.max(...fields.map(([k]) => k.length));
  // note (a URL) and doi are read verbatim by biblatex: escaping their `_` would change them.
  const value = (k: string, v: string): string => (k === 'note' || k === 'doi' ? `{${v}}` : bibValue(v));
  return `@article{${citationKey(c)},\n${fields.map(([k, v]) => `  ${k.padEnd(width)} = ${value(k, v)}`).join(',\n')}\n}`;
}

/** "A. Author, B. Author, "Title", Glimpse, 2026." with the DOI or URL after. */
export function articleCitationText(c: ArticleCitation): string {
  const authors = c.authors.length > 2 ? `${c.authors.slice(0, -1).join(', ')} and ${c.authors.at(-1)}` : c.authors.join(' and ');
  const where = c.doi ? `https://doi.org/${c.doi}` : c.url;
  return `${authors}, "${c.title}", ${JOURNAL}, ${c.published.getUTCFullYear()}. ${where}`;
}
