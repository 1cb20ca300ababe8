/**
 * DeepDream (Mordvintsev, Olah & Tyka 2015, "Inceptionism"): ascend the mean squared activation of a
 * layer starting from a photo, with the gradient normalized by its mean |g| and random jitter, over
 * octaves from coarse to fine; each octave keeps the detail the previous ones added. Departure:
 * Glimpse executors take one input size, so an octave's image (the photo downscaled by
 * octaveScale^k) is upsampled to the model's size before the model sees it, instead of the model
 * running on the small image; the effect is the same coarse-to-fine growth of patterns.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Executor } from '../../model/types';
import { layerL2, type Objective } from '../objectives';
import { optimize, type Progress } from '../optimize';

export interface DeepDreamOptions {
  layer: string;
  /** [h, w, c] pixels in [0, 1] at the model's input size. */
  image: Float32Array;
  octaves?: number;
  octaveScale?: number;
  stepsPerOctave?: number;
  /** SGD step on the normalized gradient in [0, 1] pixel space (the original: 1.5 / 255 = 0.006). */
  learningRate?: number;
  seed?: number;
  objective?: Objective;
  onProgress?: (p: Progress & { octave: number }) => void | Promise<void>;
  signal?: { aborted: boolean };
}

function resize(pixels: Float32Array, from: [number, number], to: [number, number], c: number): Float32Array {
  if (from[0] === to[0] && from[1] === to[1]) return pixels;
  // The values are read outside the tidy: tidy walks every index of a typed array it returns.
  const resized = tf.tidy(() => tf.image.resizeBilinear(tf.tensor4d(pixels, [1, ...from, c]), to));
  const values = resized.dataSync() as Float32Array;
  resized.dispose();
  return values;
}

export async function deepDream(model: Executor, options: DeepDreamOptions): Promise<{ pixels: Float32Array; shape: [number, number, number, number] }> {
  const [h, w, c] = model.info.inputShape;
  const octaves = options.octaves ?? 3;
  const ratio = options.octaveScale ?? 1.4;
  const objective = options.objective ?? layerL2(options.layer);
  const sizes = Array.from({ length: octaves }, (_, k) => {
    const f = ratio ** (octaves - 1 - k);
    return [Math.max(4, Math.round(h / f)), Math.max(4, Math.round(w / f))] as [number, number];
  });
  let detail = new Float32Array(sizes[0][0] * sizes[0][1] * c);
  let detailSize = sizes[0];
  let result = options.image;
  for (let k = 0; k < octaves; k++) {
    const size = sizes[k];
    const base = resize(options.image, [h, w], size, c);
    const carried = resize(detail, detailSize, size, c);
    const init = base.map((v, i) => Math.min(1, Math.max(0, v + carried[i])));
    const jitter = Math.max(1, Math.round(size[0] / 16));
    const out = await optimize(model, {
      objective,
      param: { kind: 'pixel', decorrelate: false, squash: 'clip' },
      transforms: [{ kind: 'resize', height: h, width: w }, { kind: 'pad', size: jitter, value: 0.5 }, { kind: 'jitter', size: 2 * jitter }],
      steps: options.stepsPerOctave ?? 10,
      learningRate: options.learningRate ?? 0.005,
      optimizer: 'sgd',
      normalizeGradient: true,
      size,
      init,
      seed: (options.seed ?? 0) + k,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: (p: Progress) => options.onProgress!({ ...p, octave: k }) } : {}),
    });
    detail = out.pixels.map((v, i) => v - base[i]);
    detailSize = size;
    result = out.pixels;
    if (out.cancelled) break;
  }
  return { pixels: resize(result, detailSize, [h, w], c), shape: [1, h, w, c] };
}
