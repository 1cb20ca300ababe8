/**
 * The pages only tests use (/test/figure/: a figure configured by its query string; /test/bench/:
 * the browser benchmark) are built only when GLIMPSE_TEST_PAGES=1, which the e2e suite and
 * `glimpse bench` set (tests/e2e/site.ts). They take model, labels and models-base from the URL, so
 * on a published site anyone could link the site's own origin to a page that runs an arbitrary
 * model with attacker-chosen labels: `npm run build` and `npm start` leave them out.
 */
import type { AstroIntegration } from 'astro';

export const TEST_PAGES_ENV = 'GLIMPSE_TEST_PAGES';

/** Route -> page file, relative to the project root. */
export const TEST_PAGES: Readonly<Record<string, string>> = {
  '/test/figure': './src/test-pages/figure.astro',
  '/test/bench': './src/test-pages/bench.astro',
};

export function testPages(env: Record<string, string | undefined> = process.env): AstroIntegration {
  return {
    name: 'glimpse-test-pages',
    hooks: {
      'astro:config:setup': ({ injectRoute, logger }) => {
        if (env[TEST_PAGES_ENV] !== '1') return;
        for (const [pattern, entrypoint] of Object.entries(TEST_PAGES)) injectRoute({ pattern, entrypoint, prerender: true });
        logger.info(`test pages built (${TEST_PAGES_ENV}=1): ${Object.keys(TEST_PAGES).join(', ')}`);
      },
    },
  };
}
