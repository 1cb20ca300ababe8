/**
 * Internal link check over the built site: every href/src in dist/**.html that points inside the
 * site must name a file that exists, and a #fragment must name an id on the target page. Run from
 * the astro:build:done hook (integration.ts), so a moved article or a renamed figure id fails the
 * build with the page and the link, instead of a 404 in a reader's browser.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface BrokenLink {
  /** Page the link is on, as a site path ("/articles/saliency/"). */
  page: string;
  /** The link as written. */
  link: string;
  /** Why it is broken. */
  reason: string;
}

/** Attribute values that are links: href on a/link/area, src on img/script/iframe/source/video/audio. */
const LINK_ATTR = /<(a|link|area|img|script|iframe|source|video|audio)\b[^>]*?\s(href|src)="([^"]*)"/gi;
const ID_ATTR = /\sid="([^"]*)"/g;
const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

function htmlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...htmlFiles(path));
    else if (name.endsWith('.html')) out.push(path);
  }
  return out;
}

/** dist/articles/x/index.html → /articles/x/ ; dist/404.html → /404.html */
export function sitePath(dist: string, file: string): string {
  const rel = relative(dist, file).split(sep).join('/');
  return `/${rel.replace(/(^|\/)index\.html$/, '$1')}`;
}

/** The file a site path is served from (as scripts/serve.mjs resolves it), or undefined. */
export function fileFor(dist: string, path: string): string | undefined {
  const target = join(dist, decodeURIComponent(path));
  const candidates = path.endsWith('/') ? [join(target, 'index.html')] : [target, join(target, 'index.html'), `${target}.html`];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** Every broken internal link in the built site at `dist`. */
export function checkLinks(dist: string, base = '/'): BrokenLink[] {
  const files = htmlFiles(dist);
  const ids = new Map<string, Set<string>>();
  const idsOf = (file: string): Set<string> => {
    let set = ids.get(file);
    if (!set) {
      set = new Set([...readFileSync(file, 'utf8').matchAll(ID_ATTR)].map((m) => decodeEntities(m[1])));
      ids.set(file, set);
    }
    return set;
  };
  const broken: BrokenLink[] = [];
  for (const file of files) {
    const page = sitePath(dist, file);
    const html = readFileSync(file, 'utf8');
    for (const m of html.matchAll(LINK_ATTR)) {
      const link = decodeEntities(m[3]);
      if (link === '' || EXTERNAL.test(link)) continue;
      const url = new URL(link, `http://site${page}`);
      let path = url.pathname;
      if (base !== '/' && path.startsWith(base)) path = `/${path.slice(base.length)}`;
      const target = link.startsWith('#') ? file : fileFor(dist, path);
      if (!target) {
        broken.push({ page, link, reason: 'no such file in the built site' });
        continue;
      }
      const fragment = decodeURIComponent(url.hash.slice(1));
      if (fragment && target.endsWith('.html') && !idsOf(target).has(fragment)) {
        broken.push({ page, link, reason: `no element with id '${fragment}' on ${sitePath(dist, target)}` });
      }
    }
  }
  return broken;
}

function decodeEntities(s: string): string {
  return s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/** One message for the build log: every broken link, grouped by page. */
export function formatBroken(broken: BrokenLink[]): string {
  const lines = broken.map((b) => `  ${b.page}: ${b.link} (${b.reason})`);
  return `${broken.length} broken internal link${broken.length === 1 ? '' : 's'} in the built site:\n${lines.join('\n')}`;
}
