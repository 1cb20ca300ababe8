/**
 * Occlusion (Zeiler & Fergus 2014, https://arxiv.org/abs/1311.2901; Captum's Occlusion): slide a
 * windowSize x windowSize patch over the image with `stride`, fill it, and record the drop in the
 * target's score, score(x) - score(occluded x). Every pixel (all its channels) gets the average
 * drop over the windows that cover it; each window's full drop counts for every pixel in it (not
 * divided by the area), as in Captum. Sizes scale with the image: window = round(min(h, w) / 7)
 * (4 px at 28, 9 px at 64; Captum's tutorial uses 15 at 224), stride = round(window / 2) (2 at 28,
 * 5 at 64). Departs from Captum in one place: a last window is added flush with the right/bottom
 * edge when the stride would skip it, so no pixel is left without a value.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { PatchBatch, PatchScorer } from '../model/patched';
import type { ModelInfo } from '../model/types';
import { now, toAttribution } from './common';
import { firstImage, pixelValueToInput, SCORE_KINDS, scoreBatches, scoreLogitBatches, scoringTargetScore, spreadOverChannels } from './perturbation';
import { ZEILER_FERGUS_2014 } from './papers';
import type { MethodDef } from './types';

/** Patch contents, as pixel values in [0, 1] mapped through the model's preprocessing. */
export const FILLS = ['zero', 'grey', 'mean', 'blur'] as const;
export type Fill = (typeof FILLS)[number];

const options = z.object({
  /** Side of the square patch in pixels; default round(min(h, w) / 7). */
  windowSize: z.number().int().min(1).optional(),
  /** Step between patch positions in pixels; default round(windowSize / 2). */
  stride: z.number().int().min(1).optional(),
  /** zero: black; grey: 0.5; mean: the image's mean colour; blur: the image blurred (sigma = window / 2). */
  fill: z.enum(FILLS).default('zero'),
  /** 'logit' (pre-softmax, Captum) or 'probability' (softmax, Zeiler & Fergus' figures). */
  score: z.enum(SCORE_KINDS).default('logit'),
  /** Occluded copies per forward pass. */
  batchSize: z.number().int().min(1).max(1024).default(32),
}).strict();
export type OcclusionOptions = z.infer<typeof options>;

/** The window size and stride actually used for an h x w image. */
export function occlusionGeometry(h: number, w: number, opts: Pick<OcclusionOptions, 'windowSize' | 'stride'>) {
  const windowSize = Math.min(opts.windowSize ?? Math.max(1, Math.round(Math.min(h, w) / 7)), h, w);
  const stride = opts.stride ?? Math.max(1, Math.round(windowSize / 2));
  return { windowSize, stride };
}

/** Window starts along one axis: 0, stride, 2 stride, ... plus one flush with the end if skipped. */
export function windowStarts(size: number, windowSize: number, stride: number): number[] {
  const starts: number[] = [];
  for (let s = 0; s + windowSize <= size; s += stride) starts.push(s);
  const last = starts[starts.length - 1];
  if (last + windowSize < size) starts.push(size - windowSize);
  return starts;
}

/** The fill as a tensor broadcastable to the input: [1, 1, 1, c] for constants, [1, h, w, c] for blur. */
export function fillTensor(info: ModelInfo, input: tf.Tensor4D, fill: Fill, windowSize: number): tf.Tensor4D {
  const c = info.inputShape[2];
  switch (fill) {
    case 'zero':
      return tf.tensor4d(pixelValueToInput(info, 0), [1, 1, 1, c]);
    case 'grey':
      return tf.tensor4d(pixelValueToInput(info, 0.5), [1, 1, 1, c]);
    case 'mean':
      return tf.tidy(() => tf.mean(tf.slice(input, [0, 0, 0, 0], [1, -1, -1, -1]), [1, 2], true) as tf.Tensor4D);
    case 'blur':
      // Blur is linear, so blurring model input equals blurring pixels and then preprocessing.
      return gaussianBlur(tf.slice(input, [0, 0, 0, 0], [1, -1, -1, -1]), windowSize / 2, true);
    default:
      throw new Error(`occlusion: unknown fill '${String(fill)}'; allowed: ${FILLS.join(', ')}`);
  }
}

/**
 * Separable Gaussian blur per channel. Edges are renormalized (divided by the blurred all-ones
 * image) so borders are not darkened by the zero padding. `disposeInput` hands `x` over.
 */
export function gaussianBlur(x: tf.Tensor4D, sigma: number, disposeInput = false): tf.Tensor4D {
  const radius = Math.max(1, Math.ceil(2 * sigma));
  const taps = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const total = taps.reduce((a, b) => a + b, 0);
  const c = x.shape[3];
  const out = tf.tidy(() => {
    const k1 = tf.tensor1d(taps.map((t) => t / total));
    const kRow = tf.tile(tf.reshape(k1, [1, 2 * radius + 1, 1, 1]), [1, 1, c, 1]) as tf.Tensor4D;
    const kCol = tf.tile(tf.reshape(k1, [2 * radius + 1, 1, 1, 1]), [1, 1, c, 1]) as tf.Tensor4D;
    const blur = (t: tf.Tensor4D) => tf.depthwiseConv2d(tf.depthwiseConv2d(t, kRow, 1, 'same'), kCol, 1, 'same');
    return tf.div(blur(x), blur(tf.onesLike(x))) as tf.Tensor4D;
  });
  if (disposeInput) x.dispose();
  return out;
}

/**
 * One copy of x per window with the window's pixels (all channels) set to the fill, [count, h, w,
 * c] row-major. Built here, not as x + (fill - x) m with broadcasting (three slow wasm passes):
 * pixels outside the window are x exactly, inside they are the fill exactly.
 */
export function occludedCopies(x: Float32Array, fill: Float32Array, windows: ReadonlyArray<readonly [number, number]>, h: number, w: number, c: number, windowSize: number): Float32Array {
  const size = h * w * c;
  const out = new Float32Array(windows.length * size);
  const perPixel = fill.length === size;
  windows.forEach(([r0, c0], k) => {
    out.set(x, k * size);
    for (let r = r0; r < r0 + windowSize; r++) {
      const from = (r * w + c0) * c;
      const to = from + windowSize * c;
      if (perPixel) out.set(fill.subarray(from, to), k * size + from);
      else for (let i = from; i < to; i += c) for (let ch = 0; ch < c; ch++) out[k * size + i + ch] = fill[ch];
    }
  });
  return out;
}

/** Backends where occlusion scores patches incrementally (Executor.patched). */
export const PATCHED_BACKENDS = ['cpu', 'wasm'];

/** The patches of `windows` as an Executor.patched batch: each window's fill values. */
export function patchBatch(fill: Float32Array, x: Float32Array, windows: ReadonlyArray<readonly [number, number]>, w: number, c: number, windowSize: number): PatchBatch {
  const size = windowSize * windowSize * c;
  const values = new Float32Array(windows.length * size);
  const perPixel = fill.length === x.length;
  windows.forEach(([r0, c0], k) => {
    for (let r = 0; r < windowSize; r++) {
      const to = k * size + r * windowSize * c;
      if (perPixel) values.set(fill.subarray(((r0 + r) * w + c0) * c, ((r0 + r) * w + c0 + windowSize) * c), to);
      else for (let i = 0; i < windowSize; i++) values.set(fill, to + i * c);
    }
  });
  return { corners: windows.flat(), size: [windowSize, windowSize], values };
}

export const occlusion: MethodDef<OcclusionOptions> = {
  id: 'occlusion',
  label: 'Occlusion',
  kind: 'perturbation',
  needsLayer: false,
  paper: ZEILER_FERGUS_2014,
  options,
  // Signed: occluding a patch can raise the score. Values repeat over channels; 'sum' scales them by c.
  display: { reduce: 'sum', signed: true },
  // Bounded work for the registry property tests on the 96x96 fixture (16 copies there).
  testOptions: { windowSize: 24, stride: 24 },
  async run(model, input, target, opts, ctx) {
    const startedAt = now();
    const [h, w, c] = model.info.inputShape;
    const { windowSize, stride } = occlusionGeometry(h, w, opts);
    const rows = windowStarts(h, windowSize, stride);
    const cols = windowStarts(w, windowSize, stride);
    const positions = rows.flatMap((r) => cols.map((col) => [r, col] as const));

    // Through the copies' scoring path, so a patch that changes nothing drops exactly 0.
    const score = await scoringTargetScore(model, input, target);
    const base = opts.score === 'probability' ? score.probability : score.logit;
    const x = await firstImage(input);
    const fillT = fillTensor(model.info, input, opts.fill, windowSize);
    const fill = (await fillT.data()) as Float32Array; // [c] for constants, [h w c] for blur
    fillT.dispose();
    // On the CPU backends each layer recomputes only what a patch reaches (model/patched.ts); on a
    // GPU the per-layer read-backs would cost more than the full copies.
    let scorer: PatchScorer | undefined;
    if (PATCHED_BACKENDS.includes(tf.getBackend()) && model.patched) {
      const image = tf.slice(input, [0, 0, 0, 0], [1, -1, -1, -1]);
      try {
        scorer = model.patched(image);
      } finally {
        image.dispose();
      }
    }
    let scores: Float32Array;
    try {
      scores = scorer
        ? await scoreLogitBatches(target, opts.score, positions.length, opts.batchSize, (start, count) => scorer.logits(patchBatch(fill, x, positions.slice(start, start + count), w, c, windowSize)), ctx, 'occlusion')
        : await scoreBatches(model, target, opts.score, positions.length, opts.batchSize, (start, count) => {
          const copies = occludedCopies(x, fill, positions.slice(start, start + count), h, w, c, windowSize);
          return tf.tensor4d(copies, [count, h, w, c]);
        }, ctx, 'occlusion');
    } finally {
      scorer?.dispose();
    }

    const sums = new Float32Array(h * w);
    const counts = new Float32Array(h * w);
    positions.forEach(([r0, c0], k) => {
      const drop = base - scores[k];
      for (let r = r0; r < r0 + windowSize; r++) {
        for (let col = c0; col < c0 + windowSize; col++) {
          sums[r * w + col] += drop;
          counts[r * w + col] += 1;
        }
      }
    });
    const map = sums.map((s, p) => s / counts[p]);
    // What the figure's sliders must show when the reader left them to the method.
    const resolved = { ...(opts.windowSize === undefined ? { windowSize } : {}), ...(opts.stride === undefined ? { stride } : {}) };
    const values = spreadOverChannels(map, c);
    return toAttribution(tf.tensor3d(values, [h, w, c]), { method: 'occlusion', target, score, startedAt, resolved });
  },
};
