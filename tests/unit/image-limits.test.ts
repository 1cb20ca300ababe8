/**
 * The largest image Glimpse decodes (MAX_IMAGE_PIXELS, src/model/limits.ts): a 16000 x 16000 PNG
 * of a few KB is refused from its header, before a decode that took 1.7 GB in the CLI; the page's
 * upload path (src/components/upload.ts) calls the same check on the size the browser reads.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/cli/image';
import { checkImagePixels, MAX_IMAGE_PIXELS } from '../../src/model/limits';

const dir = mkdtempSync(join(tmpdir(), 'glimpse-image-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A valid 1-bit greyscale PNG of w x h black pixels (tiny once deflated). */
function blackPng(w: number, h: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer): number => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale
  const raw = Buffer.alloc((1 + Math.ceil(w / 8)) * h); // filter byte 0 + zero bits per row
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

describe('image size limit', () => {
  it('checkImagePixels names the image, its size and the limit', () => {
    expect(() => checkImagePixels(8000, 6250, 'x')).not.toThrow(); // exactly 50 MP
    expect(() => checkImagePixels(16000, 16000, 'photo.png')).toThrow(
      `photo.png is 16000 x 16000 px (256.0 megapixels); Glimpse decodes images up to ${MAX_IMAGE_PIXELS / 1e6} megapixels: scale it down first`);
  });

  it('the CLI refuses a 16000 x 16000 PNG from its header, quickly and without the memory', async () => {
    const file = join(dir, 'huge.png');
    writeFileSync(file, blackPng(16000, 16000));
    const rss = process.memoryUsage().rss;
    const started = Date.now();
    await expect(decodeImage(file)).rejects.toThrow(`image '${file}' is 16000 x 16000 px (256.0 megapixels)`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 2 ** 20);
  });

  it('an image within the limit still decodes', async () => {
    const file = join(dir, 'small.png');
    writeFileSync(file, blackPng(40, 30));
    const image = await decodeImage(file);
    expect([image.width, image.height, image.channels]).toEqual([40, 30, 1]);
  });
});
