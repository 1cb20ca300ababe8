// Uploading images into the article's figure: the pixels stay in the page (no request leaves its
// origin), a 28×28 PNG reaches the model byte for byte, a 4000×3000 PNG is centre-cropped and
// downscaled (capped decode) like the CLI's fitPixels, and in both cases the figure shows the map
// Node computes from the same pixels (same 1e-3 × max tolerance as backends.test.ts).
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitPixels } from '../../src/model/preprocess';
import { REPO } from './config';
import { baseUrl, connect, expectSameMap, forget, nodeMap, open, screenshot, settle, shown, type Opened } from './helpers';

const SAMPLE = readFileSync(`${REPO}public/data/fashion-mnist/sample.bin`);
const SEL = '#fig-saliency';

let browser: Browser;
let opened: Opened;
beforeAll(async () => {
  browser = await connect();
  opened = await open(browser, '/articles/saliency/?backend=wasm');
  await settle(opened.page, SEL);
});
afterAll(async () => {
  await opened?.context.close();
  await browser?.close();
});

async function upload(name: string, mimeType: string, buffer: Buffer): Promise<void> {
  await forget(opened.page, SEL);
  await opened.page.locator(`${SEL} .gs-file`).setInputFiles({ name, mimeType, buffer });
}

describe('uploading an image', () => {
  it('feeds a 28×28 PNG to the model unchanged', async () => {
    const grey = SAMPLE.subarray(5 * 784, 6 * 784); // sample image 5
    const png = await sharp(Buffer.from(grey), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer();
    await upload('sample-5.png', 'image/png', png);
    await settle(opened.page, SEL);
    const s = await shown(opened.page, SEL);
    expect(s.pixels).toMatchObject({ width: 28, height: 28, channels: 4 });
    const red = s.pixels.data.filter((_, i) => i % 4 === 0);
    expect(red).toEqual(Array.from(grey));
    const ref = await nodeMap('fashion-cnn', 'vanilla-gradient', { data: Array.from(grey), width: 28, height: 28, channels: 1 }, s.target);
    expectSameMap(s.map, ref.map, `${s.method} on ${s.backend}`);
    expect(await opened.page.locator(`${SEL} .gs-caption`).first().textContent()).toContain('sample-5.png');
    // A test-set image is like the training data: no out-of-distribution note.
    expect(await opened.page.locator(`${SEL} .gs-ood`).count()).toBe(0);
  });

  it('shows a colour photo in grey, as the grey model sees it, and says it is unlike the training data', async () => {
    // A red disc on a white table: nothing like Fashion-MNIST's grey garments on black.
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="56" height="56"><rect width="56" height="56" fill="#fff"/><circle cx="28" cy="28" r="14" fill="#d22"/></svg>';
    await upload('photo.png', 'image/png', await sharp(Buffer.from(svg)).png().toBuffer());
    await settle(opened.page, SEL);
    const canvas = await opened.page.locator(`${SEL} canvas.gs-input`).evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data));
    const colourful = canvas.filter((_, i) => i % 4 === 0).some((r, p) => r !== canvas[p * 4 + 1] || r !== canvas[p * 4 + 2]);
    expect(colourful).toBe(false);
    expect(await opened.page.locator(`${SEL} .gs-caption`).first().textContent()).toContain('in grey as the model sees it');
    expect(await opened.page.locator(`${SEL} .gs-ood`).textContent()).toMatch(/^This image is unlike the images fashion-cnn was trained on/);
    await screenshot(opened.page, SEL, 'figure-upload-photo-ood');
  });

  it('a failed upload leaves only the error and the sample picker: no previous status or panels above it', async () => {
    await upload('notes.png', 'image/png', Buffer.from('this is not a PNG'));
    await settle(opened.page, SEL, 'error');
    expect(await opened.page.locator(`${SEL} .gs-panels`).isVisible()).toBe(false);
    expect(await opened.page.locator(`${SEL} .gs-picker`).isVisible()).toBe(true);
    expect((await opened.page.locator(`${SEL} .gs-status`).textContent())?.trim()).toBe('');
    expect(await opened.page.locator(`${SEL} .gs-error`).isVisible()).toBe(true);
    await screenshot(opened.page, SEL, 'figure-upload-failed');
    // Retry shows the last good image again.
    await opened.page.locator(`${SEL} .gs-retry`).click();
    await settle(opened.page, SEL);
    expect(await opened.page.locator(`${SEL} .gs-panels`).isVisible()).toBe(true);
  });

  it('centre-crops and downscales a 4000×3000 PNG without a crash', async () => {
    // Sample image 9 blown up to 3000×3000 (nearest), with 500 px white bands left and right that
    // the centre crop must remove.
    const grey = SAMPLE.subarray(9 * 784, 10 * 784);
    const big = await sharp(Buffer.from(grey), { raw: { width: 28, height: 28, channels: 1 } })
      .resize(3000, 3000, { kernel: 'nearest' })
      .extend({ left: 500, right: 500, background: '#ffffff' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(big.info).toMatchObject({ width: 4000, height: 3000 });
    const png = await sharp(big.data, { raw: big.info }).png().toBuffer();
    await upload('big.png', 'image/png', png);
    await settle(opened.page, SEL);
    const s = await shown(opened.page, SEL);
    expect(s.pixels).toMatchObject({ width: 28, height: 28, channels: 4 });
    // Node's reference resize of the full image: the browser's capped decode (512 px, then the same
    // area resampling) lands within a few grey levels of it, and no white band leaks in.
    const expected = fitPixels(big.data, 4000, 3000, big.info.channels, 28, 28);
    let worst = 0;
    for (let p = 0; p < 784; p++) worst = Math.max(worst, Math.abs(s.pixels.data[p * 4] - expected[p * big.info.channels]));
    expect(worst).toBeLessThanOrEqual(24);
    const ref = await nodeMap('fashion-cnn', 'vanilla-gradient', s.pixels, s.target);
    expectSameMap(s.map, ref.map, `${s.method} on ${s.backend}`);
    await screenshot(opened.page, SEL, 'figure-upload-large');
  });

  it('sent nothing outside the page origin', () => {
    const origin = new URL(baseUrl()).origin;
    const foreign = opened.requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
    expect(foreign).toEqual([]);
    expect(opened.requests.length).toBeGreaterThan(5);
  });
});
