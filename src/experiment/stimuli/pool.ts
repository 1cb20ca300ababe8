/**
 * The natural image pool of a study, as bytes at the model's input size ([n, h, w, c], the model's
 * channel count): seeded `shapes` images (src/data/shapes), the model's shipped sample, or a folder
 * of the researcher's own images (centre-cropped and resized like `glimpse attribute` does; colour
 * to grey by BT.601 luma for a grey model). `hash` covers the pool's bytes, so a cache key changes
 * when a folder's images change. Failures name the study file and the `images` field.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { extname, isAbsolute, join } from 'node:path';
import { decodeImage } from '../../cli/image';
import { generateShapes } from '../../data/shapes';
import { fitPixels } from '../../model/preprocess';
import type { ModelInfo } from '../../model/types';
import { readSample, shippedSampleUrl } from '../../views/image-set-node';
import { REPO_ROOT, StudyError } from '../load-study';
import type { Study } from '../study';

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif'];

export interface Pool {
  /** [count, h, w, c] bytes at the model's input size. */
  data: Uint8Array;
  count: number;
  /** Where each image came from: "shapes 2021/17", "sample/3", or a file name. */
  names: string[];
  /** sha256 of the bytes (hex). */
  hash: string;
}

/** Converts h*w*from bytes to h*w*to (to = 1: BT.601 luma, to = 3: grey replicated). */
function toChannels(pixels: Uint8Array | Uint8ClampedArray, from: number, to: number): Uint8Array {
  if (from === to) return Uint8Array.from(pixels);
  const n = pixels.length / from;
  const out = new Uint8Array(n * to);
  for (let p = 0; p < n; p++) {
    if (to === 1) out[p] = Math.round(0.299 * pixels[p * 3] + 0.587 * pixels[p * 3 + 1] + 0.114 * pixels[p * 3 + 2]);
    else out.fill(pixels[p], p * 3, p * 3 + 3);
  }
  return out;
}

function finish(data: Uint8Array, names: string[]): Pool {
  return { data, count: names.length, names, hash: createHash('sha256').update(data).digest('hex') };
}

export async function loadPool(study: Study, info: ModelInfo, file: string): Promise<Pool> {
  const [h, w, c] = info.inputShape;
  const size = h * w * c;
  const images = study.images;
  if ('folder' in images) {
    const dir = isAbsolute(images.folder) ? images.folder : join(REPO_ROOT, images.folder);
    let entries: string[];
    try {
      if (!statSync(dir).isDirectory()) throw new Error('not a folder');
      entries = readdirSync(dir);
    } catch (err) {
      throw new StudyError(file, 'images.folder', `'${images.folder}' is not a readable folder (${(err as Error).message})`);
    }
    const files = entries.filter((f) => IMAGE_EXTENSIONS.includes(extname(f).toLowerCase())).sort();
    if (files.length === 0) throw new StudyError(file, 'images.folder', `'${images.folder}' holds no images (${IMAGE_EXTENSIONS.join(', ')})`);
    const data = new Uint8Array(files.length * size);
    for (const [i, f] of files.entries()) {
      const img = await decodeImage(join(dir, f));
      data.set(toChannels(fitPixels(img.pixels, img.width, img.height, img.channels, w, h), img.channels, c), i * size);
    }
    return finish(data, files);
  }
  if (images.source === 'sample') {
    let url: string;
    try {
      url = shippedSampleUrl(study.model);
    } catch {
      throw new StudyError(file, 'images.source', `model '${study.model}' ships no sample; use { source: shapes } or { folder: <path> }`);
    }
    const sample = readSample(url);
    const { width, height, channels, count } = sample.spec;
    const per = width * height * channels;
    const data = new Uint8Array(count * size);
    for (let i = 0; i < count; i++) {
      const px = sample.bin.subarray(i * per, (i + 1) * per);
      const fitted = width === w && height === h ? px : fitPixels(px, width, height, channels, w, h);
      data.set(toChannels(fitted, channels, c), i * size);
    }
    return finish(data, Array.from({ length: count }, (_, i) => `${url}[${i}]`));
  }
  if (h !== w || h < 32) throw new StudyError(file, 'images.source', `'shapes' renders square images of at least 32 px; model '${study.model}' takes ${w}x${h}: use { folder: <path> }`);
  const ds = generateShapes({ seed: images.seed, count: images.count, size: h, split: 'test' });
  const data = c === 3 ? ds.images : toChannels(ds.images, 3, c);
  return finish(data, Array.from({ length: images.count }, (_, i) => `shapes test seed ${images.seed} #${i}`));
}
