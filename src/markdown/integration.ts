/**
 * Astro integration for publishing: after `astro build` writes dist/, index it for offline search
 * with Pagefind (dist/pagefind/, read by the header search box) and then fail the build on any broken
 * internal link. Both run in the build itself, so `npm run build`, `npm start` and `npm test` all get
 * them with no extra step.
 */
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
// Imported statically: astro.config's module runner is closed by the time build:done runs.
import * as pagefind from 'pagefind';
import { checkLinks, formatBroken } from './link-check';

export default function glimpsePublish(): AstroIntegration {
  let base = '/';
  return {
    name: 'glimpse-publish',
    hooks: {
      'astro:config:done': ({ config }) => {
        base = config.base;
      },
      'astro:build:done': async ({ dir, logger }) => {
        const dist = fileURLToPath(dir);
        // Only elements marked data-pagefind-body (article bodies) are indexed: test and embed pages stay out.
        // Left out of the index: text repeated elsewhere (citation cards, side notes, contents) and
        // text about the page rather than the article (embed code, figure fallbacks).
        const { index, errors } = await pagefind.createIndex({
          excludeSelectors: ['.hover-card', '.sidenote', '.toc', '.embed-code', '.gs-fallback', '.cite-this'],
        });
        if (!index) throw new Error(`pagefind could not start: ${errors.join('; ')}`);
        const added = await index.addDirectory({ path: dist });
        if (added.errors.length) throw new Error(`pagefind: ${added.errors.join('; ')}`);
        await index.writeFiles({ outputPath: `${dist}/pagefind` });
        await pagefind.close();
        logger.info(`search index: dist/pagefind (${added.page_count} pages read; what is inside data-pagefind-body is indexed)`);

        const broken = checkLinks(dist, base);
        if (broken.length > 0) throw new Error(formatBroken(broken));
        logger.info('internal links: all resolve');
      },
    },
  };
}
