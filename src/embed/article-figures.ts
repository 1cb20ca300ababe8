/**
 * The embeddable figures of each published article, parsed once per build from the MDX source
 * (entry.body) and shared by the embed pages and the copy-embed-code buttons.
 */
import { getCollection, type CollectionEntry } from 'astro:content';
import { FIGURE_NAMES } from './embed-figures';
import { findFigures, type ArticleFigures } from './figure-source';

export interface ArticleWithFigures extends ArticleFigures {
  entry: CollectionEntry<'articles'>;
}

let cache: Promise<Map<string, ArticleWithFigures>> | undefined;

async function load(): Promise<Map<string, ArticleWithFigures>> {
  const entries = await getCollection('articles', (e) => !e.data.draft || import.meta.env.DEV);
  const out = new Map<string, ArticleWithFigures>();
  for (const entry of entries) {
    const found = findFigures(entry.body ?? '', FIGURE_NAMES);
    for (const s of found.skipped) {
      console.warn(`[glimpse] ${entry.filePath ?? entry.id}:${s.line}: <${s.component}${s.id ? ` id="${s.id}"` : ''}> gets no embed page: ${s.reason}`);
    }
    out.set(entry.id, { entry, ...found });
  }
  return out;
}

/** Every article by slug with its embeddable figures. */
export function allArticleFigures(): Promise<Map<string, ArticleWithFigures>> {
  cache ??= load();
  return cache;
}
