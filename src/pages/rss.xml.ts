/** /rss.xml: the non-draft articles, newest first (linked from every page's head and footer). */
import rss from '@astrojs/rss';
import type { APIContext } from 'astro';
import { getCollection } from 'astro:content';

export async function GET(context: APIContext): Promise<Response> {
  const articles = (await getCollection('articles', (e) => !e.data.draft)).sort(
    (a, b) => b.data.published.getTime() - a.data.published.getTime(),
  );
  const base = import.meta.env.BASE_URL;
  return rss({
    title: 'Glimpse',
    description: 'Explorable articles about how convolutional networks see.',
    site: context.site ?? 'http://localhost:4321',
    items: articles.map((a) => ({
      title: a.data.title,
      description: a.data.description,
      pubDate: a.data.published,
      link: `${base}articles/${a.id}/`,
      author: a.data.authors.map((x) => x.name).join(', '),
    })),
  });
}
