/**
 * Shared e2e steps: connect to the suite's Chromium, open a page with every request recorded, bring
 * a figure into view and wait for it, read what it shows, and compute the same map in Node.
 */
import { mkdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { getMethod } from '../../src/methods/registry';
import { loadModelNode } from '../../src/model/load-node';
import { pixelsToInput, type PixelChannels } from '../../src/model/preprocess';
import type { Executor } from '../../src/model/types';
import { reduceChannels } from '../../src/render/heatmap';
import { OUTPUT } from './config';

export const baseUrl = (): string => inject('baseUrl');

export async function connect(): Promise<Browser> {
  return chromium.connect(inject('wsEndpoint'));
}

export interface Opened {
  context: BrowserContext;
  page: Page;
  /** Every URL requested by the page or its workers, in order. */
  requests: string[];
  /** Console errors and uncaught page errors, for failure messages. */
  errors: string[];
}

export async function open(browser: Browser, path: string, viewport = { width: 1200, height: 900 }): Promise<Opened> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(baseUrl() + path);
  return { context, page, requests, errors };
}

export type FigureState = 'idle' | 'loading' | 'ready' | 'error';

/** Scrolls the figure into view and waits until it settles in `state`. */
export async function settle(page: Page, selector: string, state: FigureState = 'ready', timeout = 180_000): Promise<void> {
  await page.locator(selector).scrollIntoViewIfNeeded();
  await page.waitForFunction(
    ([sel, want]) => {
      const el = document.querySelector(sel) as HTMLElement | null;
      const s = el?.dataset.state;
      if (s === want) return want !== 'ready' || (el as HTMLElement & { lastResult?: unknown }).lastResult !== undefined;
      // Settled in the wrong state: stop waiting so the assertion shows what happened.
      if (s === (want === 'ready' ? 'error' : 'ready')) throw new Error(`figure ${sel} is ${s}: ${el?.querySelector('.gs-error')?.textContent ?? el?.querySelector('.gs-status')?.textContent}`);
      return false;
    },
    [selector, state] as const,
    { timeout, polling: 100 },
  );
}

/** Forget the shown result, so that the next settle() waits for a new one. */
export async function forget(page: Page, selector: string): Promise<void> {
  await page.locator(selector).evaluate((el) => { (el as HTMLElement & { lastResult?: unknown }).lastResult = undefined; });
}

export interface Shown {
  map: number[];
  width: number;
  height: number;
  backend: string;
  target: number;
  method: string;
  model: string;
  pixels: { data: number[]; width: number; height: number; channels: number };
  prediction: Array<{ index: number; label: string; prob: number }>;
  status: string;
}

export async function shown(page: Page, selector: string): Promise<Shown> {
  return page.locator(selector).evaluate((el) => {
    const r = (el as HTMLElement & { lastResult?: Record<string, any> }).lastResult;
    if (!r) throw new Error('the figure has no lastResult');
    return { ...r, map: Array.from(r.map as Float32Array), pixels: { ...r.pixels, data: Array.from(r.pixels.data as Uint8Array) } } as never;
  });
}

const models = new Map<string, Promise<Executor>>();

/**
 * The backend of the Node reference: cpu, as the tests state. GLIMPSE_E2E_NODE_BACKEND=wasm is a
 * diagnostic: tfjs' max-pool gradient sends a tied window's gradient to the first maximum on cpu and
 * to the last on wasm, webgl and webgpu, so a map that matches wasm but not cpu points at ties.
 */
const NODE_BACKEND = process.env.GLIMPSE_E2E_NODE_BACKEND || 'cpu';

/** The executor Node compares with (cached per model, on NODE_BACKEND). */
export async function nodeModel(model: string): Promise<Executor> {
  if (tf.getBackend() !== NODE_BACKEND) await tf.setBackend(NODE_BACKEND);
  if (!models.has(model)) models.set(model, loadModelNode(model));
  return models.get(model) as Promise<Executor>;
}

/** The map the figure should show, computed in Node (tfjs cpu) from the same pixels and options. */
export async function nodeMap(
  model: string, method: string, pixels: Shown['pixels'], target: number, options: Record<string, unknown> = {},
): Promise<{ map: Float32Array; probs: Float32Array }> {
  if (tf.getBackend() !== NODE_BACKEND) await tf.setBackend(NODE_BACKEND);
  if (!models.has(model)) models.set(model, loadModelNode(model));
  const executor = await (models.get(model) as Promise<Executor>);
  const def = getMethod(method);
  const values = pixelsToInput(Uint8Array.from(pixels.data), pixels.width, pixels.height, pixels.channels as PixelChannels, executor.info);
  const [h, w, c] = executor.info.inputShape;
  const input = tf.tensor4d(values, [1, h, w, c]);
  try {
    const probsT = executor.predict(input);
    const probs = (await probsT.data()) as Float32Array;
    probsT.dispose();
    const attribution = await def.run(executor, input, target, def.options.parse(options) as never, { seed: 0 });
    return { map: reduceChannels(attribution, def.display), probs };
  } finally {
    input.dispose();
  }
}

/** max |a - b| and max |b|, for "within 1e-3 of the map's max". */
export function compareMaps(a: ArrayLike<number>, b: ArrayLike<number>): { maxDiff: number; maxAbs: number } {
  if (a.length !== b.length) throw new Error(`maps differ in size: ${a.length} vs ${b.length}`);
  let maxDiff = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    maxAbs = Math.max(maxAbs, Math.abs(b[i]));
  }
  return { maxDiff, maxAbs };
}

/**
 * The figure's map equals Node's within 1e-3 of Node's max |value|. The failure message names the
 * known cause of a mismatch on the vanilla gradient: tied maxima in a max-pool window.
 */
export function expectSameMap(browserMap: ArrayLike<number>, nodeMapValues: ArrayLike<number>, what: string): void {
  const { maxDiff, maxAbs } = compareMaps(browserMap, nodeMapValues);
  expect(maxAbs, `${what}: the Node map is all zeros`).toBeGreaterThan(0);
  expect(
    maxDiff,
    `${what}: browser map differs from Node (${NODE_BACKEND}) by ${maxDiff.toPrecision(3)} (max |map| ${maxAbs.toPrecision(3)}). ` +
      'If it matches with GLIMPSE_E2E_NODE_BACKEND=wasm, the cause is tfjs max-pool gradient tie-breaking ' +
      '(cpu routes a tied window to its first maximum, wasm/webgl/webgpu to its last).',
  ).toBeLessThanOrEqual(1e-3 * maxAbs);
}

export async function screenshot(page: Page, selector: string, name: string): Promise<void> {
  mkdirSync(OUTPUT, { recursive: true });
  await page.locator(selector).screenshot({ path: `${OUTPUT}/${name}.png` });
}

/**
 * The scoring helpers the page started (window.glimpseHelpers) and how many it should have: one
 * where the browser reports two or more cores and, if it says, 4 GiB or more (client.ts), unless
 * `allowed` is false (the page's ?helpers=0).
 */
export async function helpersOf(page: Page, allowed = true): Promise<{ started: number; expected: number }> {
  return page.evaluate((allow) => {
    const memory = (navigator as Navigator & { deviceMemory?: number }).deviceMemory ?? 4;
    const started = (window as unknown as { glimpseHelpers: () => number }).glimpseHelpers();
    return { started, expected: allow && navigator.hardwareConcurrency >= 2 && memory >= 4 ? 1 : 0 };
  }, allowed);
}
