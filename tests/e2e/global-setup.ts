/**
 * Once per e2e run: build the site unless dist/ is newer than every source, write the broken-model
 * fixtures into dist/e2e-fixtures/, serve dist/ on a free port, and start one headless Debian
 * Chromium that every test file connects to. Tests read `baseUrl` and `wsEndpoint` via inject().
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { startServer } from '../../scripts/serve.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH, REPO } from './config';
import { ensureBuilt } from './site';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    wsEndpoint: string;
  }
}

/** Models that must fail to load, each in its own way (see tests/e2e/errors.test.ts). */
function writeFixtures(): void {
  const dir = join(REPO, 'dist/e2e-fixtures');
  const shipped = JSON.parse(readFileSync(join(REPO, 'public/models/fashion-cnn/model.json'), 'utf8'));
  const write = (name: string, body: string): void => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'model.json'), body);
  };
  const missingShard = structuredClone(shipped);
  missingShard.weightsManifest[0].paths = ['group1-shard-that-is-not-there.bin'];
  write('missing-shard', JSON.stringify(missingShard));
  write('not-json', '<!doctype html><title>Not a model</title>');
  const { weightsManifest: _dropped, ...noWeights } = shipped;
  write('no-weights', JSON.stringify(noWeights));
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureBuilt();
  writeFixtures();
  const server = await startServer({ dir: join(REPO, 'dist'), port: 0 });
  const { port } = server.address() as AddressInfo;
  const browser = await chromium.launchServer({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  project.provide('baseUrl', `http://127.0.0.1:${port}`);
  project.provide('wsEndpoint', browser.wsEndpoint());
  return async () => {
    await browser.close();
    await new Promise((done) => server.close(done));
  };
}
