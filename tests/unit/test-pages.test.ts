/**
 * /test/figure/ and /test/bench/ run any model with any labels from their query string: they are
 * built only for the tests (GLIMPSE_TEST_PAGES=1), never by `npm run build` / `npm start`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AstroIntegration } from 'astro';
import { describe, expect, it } from 'vitest';
import { TEST_PAGES, testPages } from '../../src/test-pages/integration';

const REPO = join(__dirname, '../..');

function injected(env: Record<string, string>): string[] {
  const routes: string[] = [];
  const setup = testPages(env).hooks['astro:config:setup'] as (o: unknown) => void;
  setup({ injectRoute: (r: { pattern: string }) => routes.push(r.pattern), logger: { info: () => undefined } } as unknown as Parameters<NonNullable<AstroIntegration['hooks']['astro:config:setup']>>[0]);
  return routes;
}

describe('test pages', () => {
  it('are not in src/pages, where every build would ship them', () => {
    expect(existsSync(join(REPO, 'src/pages/test'))).toBe(false);
    for (const file of Object.values(TEST_PAGES)) expect(existsSync(join(REPO, file)), file).toBe(true);
  });

  it('are injected only with GLIMPSE_TEST_PAGES=1', () => {
    expect(injected({})).toEqual([]);
    expect(injected({ GLIMPSE_TEST_PAGES: '0' })).toEqual([]);
    expect(injected({ GLIMPSE_TEST_PAGES: '1' })).toEqual(['/test/figure', '/test/bench']);
  });
});
