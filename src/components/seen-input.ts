/**
 * The reader's image as the model receives it, and how far it is from the images the model knows.
 * `seenRGBA` shows a colour photo in grey to a grey model (BT.601 luma, preprocess.ts's weights), so
 * the figure never shows colour the model never saw. `distanceNote` compares the image with the
 * model's sample images (drawn from its test set): when its nearest sample is farther than any
 * sample is from its own nearest neighbour, the image is unlike the data, and the figure says so.
 * Pixel distance is a blunt measure (Fashion-MNIST's black backgrounds dominate it), but it catches
 * what the issue reported: a photo on a white table read as "Bag 100 %".
 */
import { LUMA_601 } from '../model/preprocess';
import type { ImagePixels } from '../workers/protocol';
import { toRGBA } from './sample-images';

/** One grey level per pixel, as a float in [0, 255] (luma of colour; alpha dropped). */
function greyLevels(image: ImagePixels): Float32Array {
  const { data, width, height, channels } = image;
  const out = new Float32Array(width * height);
  for (let p = 0; p < out.length; p++) {
    const s = p * channels;
    out[p] = channels === 1 ? data[s] : LUMA_601[0] * data[s] + LUMA_601[1] * data[s + 1] + LUMA_601[2] * data[s + 2];
  }
  return out;
}

/** RGBA for a canvas showing `image` as a model with `modelChannels` input channels sees it. */
export function seenRGBA(image: ImagePixels, modelChannels: number): Uint8ClampedArray {
  if (modelChannels !== 1 || image.channels === 1) return toRGBA(image);
  const grey = greyLevels(image);
  const out = new Uint8ClampedArray(grey.length * 4);
  for (let p = 0; p < grey.length; p++) out.set([grey[p], grey[p], grey[p], 255], p * 4);
  return out;
}

/** The values a model of `modelChannels` channels compares: grey levels, or R, G, B. */
function features(image: ImagePixels, modelChannels: number): Float32Array {
  if (modelChannels === 1) return greyLevels(image);
  const { data, width, height, channels } = image;
  const out = new Float32Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) out[p * 3 + c] = data[p * channels + (channels === 1 ? 0 : c)];
  }
  return out;
}

/** Root-mean-square difference in levels (0-255). */
function rms(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum / a.length);
}

export interface Familiarity {
  /** RMS level difference to the nearest sample image. */
  nearest: number;
  /** The largest nearest-neighbour distance among the samples themselves (leave one out). */
  threshold: number;
  far: boolean;
}

/** Samples whose own nearest neighbour sets the threshold (each against all): bounds the work at 1,000 samples. */
const THRESHOLD_PROBES = 200;

/** How far `image` is from the nearest of `samples` (all model-sized), against the samples' own spread. */
export function familiarity(image: ImagePixels, samples: ImagePixels[], modelChannels: number): Familiarity | undefined {
  if (samples.length < 2) return undefined;
  const x = features(image, modelChannels);
  const set = samples.map((s) => features(s, modelChannels));
  const nearest = Math.min(...set.map((s) => rms(x, s)));
  let threshold = 0;
  for (let i = 0; i < Math.min(set.length, THRESHOLD_PROBES); i++) {
    let best = Infinity;
    for (let j = 0; j < set.length; j++) if (j !== i) best = Math.min(best, rms(set[i], set[j]));
    threshold = Math.max(threshold, best);
  }
  return { nearest, threshold, far: nearest > threshold };
}

/** The note a figure shows under an uploaded image that is far from the data, or '' when it is not. */
export function distanceNote(f: Familiarity | undefined, model: string): string {
  if (!f?.far) return '';
  return `This image is unlike the images ${model} was trained on (it differs from the nearest sample image by ` +
    `${f.nearest.toFixed(0)} levels of 255 RMS; samples differ from their nearest neighbour by at most ${f.threshold.toFixed(0)}). ` +
    'The model has to answer with one of its classes anyway, so a confident prediction here means little.';
}
