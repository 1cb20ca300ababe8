/** The built site the browser tests and benchmarks use: dist/, rebuilt when a source is newer. */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_PAGES_ENV } from '../../src/test-pages/integration';
import { REPO } from './config';

function newestMtime(path: string): number {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newestMtime(join(path, name))), info.mtimeMs);
}

export function distIsFresh(): boolean {
  // A production build (npm run build) has no test pages: the tests need a build with them.
  if (!statSync(join(REPO, 'dist/test/figure/index.html'), { throwIfNoEntry: false })) return false;
  const built = statSync(join(REPO, 'dist/index.html'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = ['src', 'content', 'public', 'astro.config.mjs', 'package-lock.json'].map((p) => newestMtime(join(REPO, p)));
  return built > Math.max(...sources);
}

/** Runs `npx astro build` with the test pages (GLIMPSE_TEST_PAGES=1) unless dist/ is fresh (or GLIMPSE_E2E_NO_BUILD=1 says to use it as it is). */
export function ensureBuilt(log: (line: string) => void = console.log): void {
  if (distIsFresh() || process.env.GLIMPSE_E2E_NO_BUILD === '1') return;
  log('[glimpse] building the site (npx astro build)…');
  // Build output goes to stderr: callers such as `glimpse bench` print their results on stdout.
  execFileSync('npx', ['astro', 'build'], { cwd: REPO, stdio: ['ignore', 2, 2], env: { ...process.env, [TEST_PAGES_ENV]: '1' } });
}
