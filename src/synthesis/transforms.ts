/**
 * Transforms as data (Lucid's `transforms`): each step the image is padded, jittered, scaled and
 * rotated by amounts drawn from a seeded generator before the model sees it, so the optimizer
 * cannot exploit one exact pixel grid (Mordvintsev 2015; Olah 2017). Specs are plain objects, so
 * they travel to the worker, key the gallery cache and print in the CLI. Every transform is
 * differentiable on cpu and wasm (pad, slice, and resample.ts for scale/rotate).
 */
import * as tf from '@tensorflow/tfjs-core';
import { randInt, type Rng } from '../methods/random';
import { crop, padBorder } from '../model/ops/layout';
import { affineTaps, resampleBilinear } from './resample';

export type TransformSpec =
  /** Constant border of `size` pixels on each side, value in [0, 1] pixel space (Lucid: 0.5). */
  | { kind: 'pad'; size: number; value: number }
  /** Random crop that removes `size` pixels in total per axis (Lucid's jitter = random_crop). */
  | { kind: 'jitter'; size: number }
  /** Resize by a factor drawn uniformly from `factors` (bilinear). */
  | { kind: 'scale'; factors: number[] }
  /** Rotate about the centre by degrees drawn from `degrees` (clockwise on screen; bilinear, edges clamped). */
  | { kind: 'rotate'; degrees: number[] }
  /** Bilinear resize to a fixed size (DeepDream's octaves: a small image shown at the model's size). */
  | { kind: 'resize'; height: number; width: number };

export const TRANSFORM_KINDS = ['pad', 'jitter', 'scale', 'rotate', 'resize'] as const;

/** Lucid's scale list {1 + (i - 5) / 50 : i = 0..10} = 0.90 .. 1.10. */
export const LUCID_SCALES = Array.from({ length: 11 }, (_, i) => 1 + (i - 5) / 50);
/** Lucid's rotate list: -10 .. 10 degrees in whole degrees. */
export const LUCID_DEGREES = Array.from({ length: 21 }, (_, i) => i - 10);

/**
 * Lucid's standard_transforms (pad 12, jitter 8, scale, rotate, jitter 4 at its 128 px default
 * size) with the pixel sizes scaled to an image side of `size` (64 px -> pad 6, jitter 4 and 2;
 * 28 px -> pad 3, jitter 2 and 1), as METHODS.md asks for our small images.
 */
export function standardTransforms(size: number): TransformSpec[] {
  const px = (n: number): number => Math.max(1, Math.round((n * size) / 128));
  return [
    { kind: 'pad', size: px(12), value: 0.5 },
    { kind: 'jitter', size: px(8) },
    { kind: 'scale', factors: LUCID_SCALES },
    { kind: 'rotate', degrees: LUCID_DEGREES },
    { kind: 'jitter', size: px(4) },
  ];
}

function pick<T>(rng: Rng, list: T[]): T {
  return list[randInt(rng, list.length)];
}

/** One transform. Draws from `rng` in a fixed order, so the same seed gives the same image. */
export function applyTransform(spec: TransformSpec, x: tf.Tensor4D, rng: Rng): tf.Tensor4D {
  const [, h, w] = x.shape;
  switch (spec.kind) {
    case 'pad':
      return padBorder(x, [spec.size, spec.size], [spec.size, spec.size], spec.value);
    case 'jitter': {
      const d = Math.min(spec.size, h - 1, w - 1);
      const oy = randInt(rng, d + 1);
      const ox = randInt(rng, d + 1);
      return crop(x, oy, ox, h - d, w - d);
    }
    case 'scale': {
      const s = pick(rng, spec.factors);
      if (s === 1) return x;
      const oh = Math.max(1, Math.round(h * s));
      const ow = Math.max(1, Math.round(w * s));
      return resampleBilinear(x, affineTaps(h, w, oh, ow, oh / h, 0));
    }
    case 'rotate': {
      const degrees = pick(rng, spec.degrees);
      if (degrees === 0) return x;
      return resampleBilinear(x, affineTaps(h, w, h, w, 1, (degrees * Math.PI) / 180));
    }
    case 'resize':
      return h === spec.height && w === spec.width ? x : tf.image.resizeBilinear(x, [spec.height, spec.width]);
    default: {
      const kind = (spec as { kind: unknown }).kind;
      throw new Error(`unknown transform '${String(kind)}'; known: ${TRANSFORM_KINDS.join(', ')}`);
    }
  }
}

/**
 * Centre crop (or pad with `fill`) to exactly [height, width]: the model always sees its own input
 * size, so neuron positions and layer shapes mean the same thing with and without transforms.
 */
export function fitTo(x: tf.Tensor4D, height: number, width: number, fill = 0.5): tf.Tensor4D {
  const [, h, w] = x.shape;
  let out = x;
  if (h < height || w < width) {
    const py = Math.max(0, height - h);
    const px = Math.max(0, width - w);
    out = padBorder(out, [py >> 1, py - (py >> 1)], [px >> 1, px - (px >> 1)], fill);
  }
  const [, h2, w2] = out.shape;
  if (h2 === height && w2 === width) return out;
  return crop(out, (h2 - height) >> 1, (w2 - width) >> 1, height, width);
}

/** All transforms in order, then fitTo the model's size. */
export function applyTransforms(specs: TransformSpec[], x: tf.Tensor4D, rng: Rng, height: number, width: number): tf.Tensor4D {
  let out = x;
  for (const spec of specs) out = applyTransform(spec, out, rng);
  return fitTo(out, height, width);
}
