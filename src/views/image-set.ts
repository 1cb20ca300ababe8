/**
 * The image sets that galleries rank and embeddings place: a shipped sample (sample.json + .bin) or
 * a range of the seeded shapes generator (src/data/shapes), which lets a cache refer to 2,000
 * images without shipping their pixels: image i is re-rendered on demand, byte for byte. Browser-safe.
 */
import * as tf from '@tensorflow/tfjs-core';
import { renderSample, type ShapesOptions } from '../data/shapes';
import { pixelsToInput, type PixelChannels } from '../model/preprocess';
import type { ModelInfo } from '../model/types';
import type { ImageSource } from './types';

export type ImageSetSpec =
  /** A shipped sample; `url` is sample.json's site path, its pixels are in the .bin beside it. */
  | { kind: 'sample'; url: string; count: number; width: number; height: number; channels: number }
  /** Images start .. start + count - 1 of the shapes generator with these options (64 x 64 RGB). */
  | { kind: 'shapes'; generator: ShapesOptions; start: number; count: number; width: number; height: number; channels: 3 };

/** 8-bit pixels of image i of a set, [height, width, channels] row-major. */
export type PixelReader = (i: number) => Uint8Array;

/** Reader for a set; a sample needs its sample.bin bytes. */
export function pixelReader(spec: ImageSetSpec, sampleBin?: Uint8Array): PixelReader {
  const size = spec.width * spec.height * spec.channels;
  if (spec.kind === 'shapes') {
    return (i) => renderSample(spec.start + i, spec.generator).image;
  }
  if (sampleBin === undefined) throw new Error(`image set ${spec.url} needs its sample.bin`);
  if (sampleBin.length < spec.count * size) {
    throw new Error(`${spec.url}: sample.bin has ${sampleBin.length} bytes; ${spec.count} images of ${spec.width}x${spec.height}x${spec.channels} need ${spec.count * size}`);
  }
  return (i) => sampleBin.subarray(i * size, (i + 1) * size);
}

/** Model input batches from a pixel reader (preprocessing as in the figures and the CLI). */
export function pixelSource(count: number, read: PixelReader, width: number, height: number, channels: number, info: ModelInfo): ImageSource {
  const [h, w, c] = info.inputShape;
  if (width !== w || height !== h) {
    throw new Error(`model '${info.id}' takes ${w}x${h} images; the image set has ${width}x${height}`);
  }
  return {
    count,
    batch(start, end) {
      const values = new Float32Array((end - start) * h * w * c);
      for (let i = start; i < end; i++) {
        values.set(pixelsToInput(read(i), width, height, channels as PixelChannels, info), (i - start) * h * w * c);
      }
      return tf.tensor4d(values, [end - start, h, w, c]);
    },
  };
}
