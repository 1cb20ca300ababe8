/**
 * LIME for images (Ribeiro, Singh & Guestrin 2016, https://arxiv.org/abs/1602.04938; the `lime`
 * package's LimeImageExplainer): switch superpixels off at random (each kept with probability 1/2,
 * the first sample is the whole image), score each copy, weight it by an exponential kernel on the
 * cosine distance to the whole image (width 0.25), and fit a weighted ridge regression (alpha 1) of
 * the score on the on/off vector. A pixel's attribution is its superpixel's coefficient. Departs from
 * the paper in the superpixels: a regular gridSize x gridSize grid (4 px cells at 28 px) instead of
 * quickshift, which is meaningless on 28 px images.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { now, targetScore, toAttribution } from './common';
import { pixelValueToInput, SCORE_KINDS, scoreCopyBatches, spreadOverChannels } from './perturbation';
import { mulberry32 } from './random';
import { weightedRidge } from './ridge';
import type { MethodDef } from './types';

export const LIME_FILLS = ['mean', 'zero', 'grey'] as const;

const options = z.object({
  /** Perturbed samples (lime's num_samples), the first being the unperturbed image. */
  samples: z.number().int().min(2).max(20000).default(1000),
  /** Superpixels per side of the grid (clamped to the image size); at most 16 (256 features). */
  gridSize: z.number().int().min(1).max(16).default(7),
  /** What a switched-off superpixel shows: its own mean colour (lime's default), black, or grey 0.5. */
  fill: z.enum(LIME_FILLS).default('mean'),
  /** Kernel width on the cosine distance (lime's 0.25). */
  kernelWidth: z.number().gt(0).default(0.25),
  /** Ridge penalty (lime's Ridge(alpha=1)); 0 is weighted least squares. */
  ridge: z.number().min(0).default(1),
  /** 'probability' (softmax, as lime's classifier_fn) or 'logit'. */
  score: z.enum(SCORE_KINDS).default('probability'),
  /** Perturbed copies per forward pass. */
  batchSize: z.number().int().min(1).max(1024).default(32),
}).strict();
export type LimeOptions = z.infer<typeof options>;

/** Grid superpixel of every pixel, row-major [h * w]: floor(r g / h) * g + floor(c g / w). */
export function gridSegments(h: number, w: number, gridSize: number): { segments: Int32Array; count: number } {
  const g = Math.min(gridSize, h, w);
  const segments = new Int32Array(h * w);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) segments[r * w + c] = Math.floor((r * g) / h) * g + Math.floor((c * g) / w);
  }
  return { segments, count: g * g };
}

/**
 * lime's kernel sqrt(exp(-d^2 / width^2)) on the cosine distance between a sample with `on` of `n`
 * superpixels on and the all-on vector: d = 1 - sqrt(on / n) (1 when nothing is on, as sklearn).
 */
export function limeKernel(on: number, n: number, width: number): number {
  const d = on === 0 ? 1 : 1 - Math.sqrt(on / n);
  return Math.sqrt(Math.exp(-(d * d) / (width * width)));
}

/** Per-pixel fill [h * w * c] in input space: a constant colour or each superpixel's mean. */
export function fillImage(x: Float32Array, segments: Int32Array, count: number, c: number, fill: LimeOptions['fill'], constant: (v: number) => number[]): Float32Array {
  const out = new Float32Array(x.length);
  if (fill === 'mean') {
    const sums = new Float64Array(count * c);
    const sizes = new Float64Array(count);
    segments.forEach((s, p) => {
      sizes[s] += 1;
      for (let ch = 0; ch < c; ch++) sums[s * c + ch] += x[p * c + ch];
    });
    segments.forEach((s, p) => {
      for (let ch = 0; ch < c; ch++) out[p * c + ch] = sums[s * c + ch] / sizes[s];
    });
    return out;
  }
  const colour = constant(fill === 'grey' ? 0.5 : 0);
  for (let p = 0; p < segments.length; p++) for (let ch = 0; ch < c; ch++) out[p * c + ch] = colour[ch];
  return out;
}

/**
 * Copies of the image with superpixels switched off, for rows start .. start + n - 1 of `on`
 * ([rows, count] 0/1, 1 = the superpixel keeps the image): [n, pixels, c] row-major, each pixel
 * either the image's or the fill's. Built here rather than as fill + (x - fill) * mask by broadcast
 * tf ops ([1, h, w, c] x [n, h, w, 1] is a slow path on wasm: about 1.6 ms a batch of 32 at 64 px,
 * 4 % of the method); a kept pixel is now exactly the image's, where the float32 round trip through
 * x - fill could be one rounding off.
 */
export function coalitionCopies(x: Float32Array, fill: Float32Array, on: Uint8Array, start: number, n: number, segments: Int32Array, count: number, c: number): Float32Array {
  const pixels = segments.length;
  const out = new Float32Array(n * pixels * c);
  // Runs of consecutive pixels in one superpixel (a grid cell's row: w / gridSize pixels), each
  // copied in one piece.
  const runs: number[] = [];
  for (let p = 0; p < pixels; p++) if (p === 0 || segments[p] !== segments[p - 1]) runs.push(p);
  runs.push(pixels);
  for (let k = 0; k < n; k++) {
    const row = (start + k) * count;
    const base = k * pixels * c;
    for (let r = 0; r + 1 < runs.length; r++) {
      const a = runs[r] * c;
      const b = runs[r + 1] * c;
      out.set((on[row + segments[runs[r]]] ? x : fill).subarray(a, b), base + a);
    }
  }
  return out;
}

export const lime: MethodDef<LimeOptions> = {
  id: 'lime',
  label: 'LIME',
  kind: 'perturbation',
  needsLayer: false,
  paper: {
    title: '"Why Should I Trust You?": Explaining the Predictions of Any Classifier',
    authors: 'Ribeiro, Singh, Guestrin',
    year: 2016,
    url: 'https://arxiv.org/abs/1602.04938',
  },
  options,
  // Signed coefficients, repeated over channels; 'sum' scales them by c.
  display: { reduce: 'sum', signed: true },
  // Bounded work for the registry property tests on the 96x96 fixture.
  testOptions: { samples: 24, batchSize: 12 },
  async run(model, input, target, opts, ctx) {
    const startedAt = now();
    const [h, w, c] = model.info.inputShape;
    const { segments, count } = gridSegments(h, w, opts.gridSize);
    const score = await targetScore(model, input, target);
    const first = tf.slice(input, [0, 0, 0, 0], [1, -1, -1, -1]);
    const xData = (await first.data()) as Float32Array;
    first.dispose();
    const fillData = fillImage(xData, segments, count, c, opts.fill, (v) => pixelValueToInput(model.info, v));

    // Sample 0 keeps every superpixel (lime's data[0, :] = 1); the rest are fair coin flips.
    const rng = mulberry32(ctx.seed);
    const on = new Uint8Array(opts.samples * count);
    on.fill(1, 0, count);
    for (let i = count; i < on.length; i++) on[i] = rng() < 0.5 ? 1 : 0;

    const scores = await scoreCopyBatches(model, target, opts.score, opts.samples, opts.batchSize,
      (start, n) => coalitionCopies(xData, fillData, on, start, n, segments, count, c), ctx, 'lime');

    const weights = new Float64Array(opts.samples);
    for (let i = 0; i < opts.samples; i++) {
      let k = 0;
      for (let j = 0; j < count; j++) k += on[i * count + j];
      weights[i] = limeKernel(k, count, opts.kernelWidth);
    }
    const { coefficients } = weightedRidge(on, scores, weights, count, opts.ridge);
    const map = Float32Array.from(segments, (s) => coefficients[s]);
    return toAttribution(tf.tensor3d(spreadOverChannels(map, c), [h, w, c]), { method: 'lime', target, score, startedAt });
  },
};
