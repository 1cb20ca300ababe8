/**
 * The test bench page (/test/bench/) in headless Chromium, for the benchmarks that time a worker
 * operation in the browser: builds the site if needed, serves dist/, opens the page on `backend`,
 * waits for its `ready` hook (e.g. 'glimpseTcav') and hands the page over; closes everything after.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export async function withBenchPage<T>(ready: string, use: (page: Page) => Promise<T>, backend = 'wasm'): Promise<T> {
  const { chromium } = await import('playwright-core');
  const { CHROMIUM_ARGS, CHROMIUM_PATH, REPO } = await import('../../tests/e2e/config');
  const { ensureBuilt } = await import('../../tests/e2e/site');
  const { startServer } = await import('../serve.mjs');
  ensureBuilt((line) => process.stderr.write(`${line}\n`));
  const server = await startServer({ dir: join(REPO, 'dist'), port: 0 });
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/test/bench/?backend=${backend}`);
    await page.waitForFunction((name) => name in window, ready);
    return await use(page);
  } finally {
    await browser.close();
    server.close();
  }
}
