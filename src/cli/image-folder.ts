/**
 * An image folder (or the model's shipped sample) as an ImageSource for the views CLI commands:
 * every PNG / JPEG / WebP / GIF / TIFF / AVIF file, sorted by name, centre-cropped and resized to the
 * model's input like `glimpse attribute` does.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Executor } from '../model/types';
import { pixelReader, pixelSource } from '../views/image-set';
import { readSample, shippedSampleUrl } from '../views/image-set-node';
import type { ImageSource } from '../views/types';
import { decodeImage, imageToInput } from './image';

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif'];

export interface LoadedSet {
  source: ImageSource;
  /** File names (folder) or "sample[i]" labels. */
  names: string[];
  labels?: number[];
}

export async function loadImageSet(model: Executor, folder: string | undefined, limit?: number): Promise<LoadedSet> {
  if (folder === undefined) {
    let url: string;
    try {
      url = shippedSampleUrl(model.info.id);
    } catch {
      throw new Error(`model '${model.info.id}' ships no sample: give --images <folder>`);
    }
    const sample = readSample(url);
    const count = Math.min(sample.spec.count, limit ?? Infinity);
    const source = pixelSource(count, pixelReader(sample.spec, sample.bin), sample.spec.width, sample.spec.height, sample.spec.channels, model.info);
    return { source, names: Array.from({ length: count }, (_, i) => `${url}[${i}]`), labels: sample.labels.slice(0, count) };
  }
  let entries: string[];
  try {
    if (!statSync(folder).isDirectory()) throw new Error('not a folder');
    entries = readdirSync(folder);
  } catch (err) {
    throw new Error(`--images '${folder}' is not a readable folder: ${(err as Error).message}`);
  }
  const files = entries.filter((f) => IMAGE_EXTENSIONS.includes(extname(f).toLowerCase())).sort().slice(0, limit ?? Infinity);
  if (files.length === 0) throw new Error(`--images '${folder}' holds no images (${IMAGE_EXTENSIONS.join(', ')})`);
  const inputs = await Promise.all(files.map(async (f) => imageToInput(await decodeImage(join(folder, f)), model.info)));
  const [h, w, c] = model.info.inputShape;
  return {
    names: files,
    source: {
      count: files.length,
      batch(start, end) {
        const values = new Float32Array((end - start) * h * w * c);
        for (let i = start; i < end; i++) values.set(inputs[i], (i - start) * h * w * c);
        return tf.tensor4d(values, [end - start, h, w, c]);
      },
    },
  };
}
