// The "What does a CNN see?" figures in Chromium on wasm: the activation grid equals Node's (tfjs
// cpu) for the same sample image, clicking a channel opens that channel's top patches from the
// build-time cache, picking an image in the embedding moves the neighbours and the activation grid,
// an uploaded image finds itself first among the sample's neighbours (searched live in the worker),
// and a bad layer shows an error naming the model, the layer and the allowed ones.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pixelsToInput } from '../../src/model/preprocess';
import { activationGrid } from '../../src/views/activations';
import { channelExamples, type GalleryFile, type TopExamplesFile } from '../../src/views/cache';
import { topExamples } from '../../src/views/top-examples';
import { REPO } from './config';
import { connect, expectSameMap, nodeModel, open, screenshot } from './helpers';

const PAGE = '/articles/what-does-a-cnn-see/?backend=wasm';
const SAMPLE = readFileSync(`${REPO}public/data/shapes/sample.bin`);
const SIZE = 64 * 64 * 3;
const top = JSON.parse(readFileSync(`${REPO}public/data/views/shapes-cnn/top-examples.json`, 'utf8')) as TopExamplesFile;
const gallery = JSON.parse(readFileSync(`${REPO}public/data/views/shapes-cnn/gallery.json`, 'utf8')) as GalleryFile;

let browser: Browser;
beforeAll(async () => { browser = await connect(); });
afterAll(async () => { await browser?.close(); });

async function ready(page: Page, id: string): Promise<void> {
  await page.locator(`#${id}`).scrollIntoViewIfNeeded();
  await page.waitForFunction((i) => ['ready', 'error'].includes(document.getElementById(i)?.dataset.state ?? ''), id, { timeout: 180_000 });
  expect(await page.locator(`#${id}`).getAttribute('data-state'), await page.locator(`#${id} .gv-error`).textContent() ?? '').toBe('ready');
}

async function nodeGrid(index: number, layer: string) {
  const model = await nodeModel('shapes-cnn');
  const x = tf.tensor4d(pixelsToInput(SAMPLE.subarray(index * SIZE, (index + 1) * SIZE), 64, 64, 3, model.info), [1, 64, 64, 3]);
  const grid = activationGrid(model, x, layer);
  x.dispose();
  return grid;
}

describe('What does a CNN see? (shapes-cnn, wasm)', () => {
  it('links the activation grid, top patches, embedding and neighbours, and matches Node', async () => {
    const { page, context, errors } = await open(browser, PAGE);
    try {
      await ready(page, 'fig-activations');
      const grid = await page.evaluate(() => {
        const g = (document.getElementById('fig-activations') as HTMLElement & { lastGrid: { layer: string; dead: number[]; values: Float32Array } }).lastGrid;
        return { layer: g.layer, dead: g.dead, values: Array.from(g.values) };
      });
      const ref = await nodeGrid(0, 'relu3');
      expect(grid.layer).toBe('relu3');
      expect(grid.dead).toEqual(ref.dead);
      expectSameMap(grid.values, ref.values, 'shapes-cnn relu3 activations on wasm');

      await page.locator('#fig-activations .gv-channel[data-channel="5"]').click();
      await ready(page, 'fig-top-patches');
      const shownTop = await page.evaluate(() => (document.getElementById('fig-top-patches') as HTMLElement & { shown: unknown }).shown);
      expect(shownTop).toEqual({ layer: 'conv3', channel: 5, images: channelExamples(top, 'conv3', 5).map((e) => e.image) });
      expect(await page.locator('#fig-top-patches .gv-patch').count()).toBe(top.k);
      await screenshot(page, '#fig-top-patches', 'views-top-patches');

      await ready(page, 'fig-embedding');
      await page.evaluate(() => (document.getElementById('fig-embedding') as HTMLElement & { pick(i: number): void }).pick(7));
      await ready(page, 'fig-neighbours');
      await page.waitForFunction(() => (document.getElementById('fig-neighbours') as HTMLElement & { shown?: Record<string, number[]> }).shown !== undefined);
      const lists = await page.evaluate(() => (document.getElementById('fig-neighbours') as HTMLElement & { shown: Record<string, number[]> }).shown);
      const k = gallery.neighbours.k;
      expect(lists['feature-l2']).toEqual(gallery.neighbours['feature-l2'].slice(7 * k, 8 * k));
      expect(lists['pixel-l2']).toEqual(gallery.neighbours['pixel-l2'].slice(7 * k, 8 * k));
      await page.locator('#fig-activations').scrollIntoViewIfNeeded();
      await page.waitForFunction(() => document.querySelector('#fig-activations .gv-caption')?.textContent?.startsWith('sample 8'));
      await screenshot(page, '#fig-embedding', 'views-embedding');
      // The line under the plot names the layout shown, after a switch too.
      expect(await page.locator('#fig-embedding .gv-status').textContent()).toContain('placed by t-SNE');
      await page.locator('#fig-embedding select').first().selectOption('umap');
      expect(await page.locator('#fig-embedding .gv-status').textContent()).toContain('placed by UMAP');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('finds an uploaded copy of a sample image first among its neighbours', async () => {
    const png = await sharp(SAMPLE.subarray(10 * SIZE, 11 * SIZE), { raw: { width: 64, height: 64, channels: 3 } }).png().toBuffer();
    const { page, context } = await open(browser, PAGE);
    try {
      await ready(page, 'fig-neighbours');
      await page.locator('#fig-neighbours .gv-upload input').setInputFiles({ name: 'ten.png', mimeType: 'image/png', buffer: png });
      await page.waitForFunction(() => document.querySelector('#fig-neighbours .gv-caption')?.textContent === 'ten.png', null, { timeout: 180_000 });
      await ready(page, 'fig-neighbours');
      const lists = await page.evaluate(() => (document.getElementById('fig-neighbours') as HTMLElement & { shown: Record<string, number[]> }).shown);
      expect(lists['feature-l2'][0]).toBe(10);
      expect(lists['feature-cosine'][0]).toBe(10);
      expect(lists['pixel-l2'][0]).toBe(10);
      await screenshot(page, '#fig-neighbours', 'views-neighbours-upload');
    } finally {
      await context.close();
    }
  });

  it('ranks the reader\'s own images live, as Node ranks the same pixels', async () => {
    const picks = [3, 10, 42, 77];
    const files = await Promise.all(picks.map(async (i) => ({
      name: `s${i}.png`, mimeType: 'image/png',
      buffer: await sharp(SAMPLE.subarray(i * SIZE, (i + 1) * SIZE), { raw: { width: 64, height: 64, channels: 3 } }).png().toBuffer(),
    })));
    const { page, context } = await open(browser, PAGE);
    try {
      await ready(page, 'fig-top-patches');
      await page.locator('#fig-top-patches .gv-upload input').setInputFiles(files);
      await page.waitForFunction(() => document.querySelector('#fig-top-patches .gv-status')?.textContent?.startsWith('ranked your 4 images'), null, { timeout: 180_000 });
      const shownTop = await page.evaluate(() => (document.getElementById('fig-top-patches') as HTMLElement & { shown: { layer: string; channel: number; images: number[] } }).shown);
      const model = await nodeModel('shapes-cnn');
      const values = new Float32Array(picks.length * SIZE);
      picks.forEach((p, n) => values.set(pixelsToInput(SAMPLE.subarray(p * SIZE, (p + 1) * SIZE), 64, 64, 3, model.info), n * SIZE));
      const source = { count: picks.length, batch: (a: number, b: number) => tf.tensor4d(values.slice(a * SIZE, b * SIZE), [b - a, 64, 64, 3]) };
      const ref = await topExamples(model, source, { k: 4 });
      expect(shownTop.images).toEqual(channelExamples(ref, shownTop.layer, shownTop.channel).map((e) => e.image));
      await screenshot(page, '#fig-top-patches', 'views-top-patches-own');
    } finally {
      await context.close();
    }
  });

  it('names the model, the bad layer and the conv layers when a figure asks for a layer that is not there', async () => {
    const { page, context } = await open(browser, PAGE);
    try {
      await page.evaluate(() => {
        const el = document.createElement('glimpse-activations');
        el.id = 'bad';
        el.setAttribute('model', 'shapes-cnn');
        el.setAttribute('layer', 'conv9');
        el.setAttribute('data-base', '/data');
        document.querySelector('article, main, body')!.prepend(el);
      });
      await page.waitForFunction(() => document.getElementById('bad')?.dataset.state === 'error', null, { timeout: 60_000 });
      const text = await page.locator('#bad .gv-error').textContent();
      expect(text).toContain("'conv9' is not a conv layer of shapes-cnn; conv layers: conv1, conv2, conv3, conv4");
      expect(text).toContain('model shapes-cnn');
      await ready(page, 'fig-filters'); // the rest of the page keeps working
    } finally {
      await context.close();
    }
  });
});
