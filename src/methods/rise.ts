/**
 * RISE (Petsiuk, Das & Saenko 2018, https://arxiv.org/abs/1806.07421): score the image under N
 * random smooth masks and average the masks weighted by the score, saliency = sum_i score(x * M_i)
 * M_i / (N p). Masks as in the paper's code: an s x s binary grid (keep probability p), bilinearly
 * upsampled to (s + 1) x cell (cell = ceil(size / s)) and cropped at a random shift of up to one
 * cell. Score = the target's softmax probability, as in the paper. Defaults s = 7, p = 0.5 as in
 * the paper; N = 2000 masks at our 28-64 px (the paper used 4000-8000 at 224 px). x * M is taken in
 * the model's input space, as the reference code does (a hidden pixel becomes 0 after preprocessing).
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { now, targetScore, toAttribution } from './common';
import { firstImage, SCORE_KINDS, scoreCopyBatches, spreadOverChannels } from './perturbation';
import { mulberry32 } from './random';
import type { MethodDef } from './types';

const options = z.object({
  /** Number of random masks N. */
  samples: z.number().int().min(1).max(100000).default(2000),
  /** Cells per side of the coarse binary grid, s. */
  gridSize: z.number().int().min(1).max(64).default(7),
  /** Probability that a grid cell is kept (visible), p. */
  keepProbability: z.number().gt(0).max(1).default(0.5),
  /** 'probability' (softmax, the paper) or 'logit' (pre-softmax). */
  score: z.enum(SCORE_KINDS).default('probability'),
  /** Masked copies per forward pass. */
  batchSize: z.number().int().min(1).max(1024).default(32),
}).strict();
export type RiseOptions = z.infer<typeof options>;

export interface MaskSpec {
  height: number;
  width: number;
  gridSize: number;
  keepProbability: number;
}

/**
 * Bilinear sampling positions (half-pixel centres, as skimage's resize with order 1) of an up-sized
 * axis of `up` pixels over `s` grid cells: for each output pixel the two cells and their weights.
 */
function axisTaps(up: number, s: number): { lo: Int32Array; hi: Int32Array; t: Float32Array } {
  const lo = new Int32Array(up);
  const hi = new Int32Array(up);
  const t = new Float32Array(up);
  for (let u = 0; u < up; u++) {
    const src = Math.min(s - 1, Math.max(0, ((u + 0.5) * s) / up - 0.5));
    lo[u] = Math.floor(src);
    hi[u] = Math.min(s - 1, lo[u] + 1);
    t[u] = src - lo[u];
  }
  return { lo, hi, t };
}

/**
 * A generator of RISE masks: each call returns the next `count` masks, row-major [count, h, w],
 * drawn in sequence from `rng`, so the masks do not depend on how they are split into batches.
 */
export function maskGenerator(rng: () => number, spec: MaskSpec): (count: number) => Float32Array {
  const { height: h, width: w, gridSize: s, keepProbability: p } = spec;
  const cellH = Math.ceil(h / s);
  const cellW = Math.ceil(w / s);
  const rows = axisTaps((s + 1) * cellH, s);
  const cols = axisTaps((s + 1) * cellW, s);
  const grid = new Float32Array(s * s);
  // Each grid row interpolated along the (shifted) columns once per mask, then rows blended: s w +
  // h w interpolations instead of 3 h w (2.5-3x faster). Float64 like the direct formula, so the
  // masks are bit-identical to it (tests/unit/methods-perturbation.test.ts checks against it).
  const across = new Float64Array(s * w);
  return (count) => {
    const out = new Float32Array(count * h * w);
    for (let k = 0; k < count; k++) {
      for (let g = 0; g < s * s; g++) grid[g] = rng() < p ? 1 : 0;
      const dy = Math.floor(rng() * cellH);
      const dx = Math.floor(rng() * cellW);
      for (let g = 0; g < s; g++) {
        for (let c = 0; c < w; c++) {
          const v = c + dx;
          across[g * w + c] = grid[g * s + cols.lo[v]] * (1 - cols.t[v]) + grid[g * s + cols.hi[v]] * cols.t[v];
        }
      }
      for (let r = 0; r < h; r++) {
        const u = r + dy;
        const top = rows.lo[u] * w;
        const bottom = rows.hi[u] * w;
        const tr = rows.t[u];
        const offset = k * h * w + r * w;
        for (let c = 0; c < w; c++) out[offset + c] = across[top + c] * (1 - tr) + across[bottom + c] * tr;
      }
    }
    return out;
  };
}

/**
 * x * M_k for `count` masks, [count, pixels, c] row-major, built here rather than by a broadcast
 * tf.mul ([1, h, w, c] x [count, h, w, 1] is a slow path on wasm: 1.4 ms a batch of 32 at 64 px,
 * 5 % of RISE). The float32 product of two float32 values is exact in a double and rounds to the
 * same float32 as a wasm multiply, so the copies are bit-identical.
 */
export function maskedCopies(x: Float32Array, masks: Float32Array, count: number, pixels: number, c: number): Float32Array {
  const out = new Float32Array(count * pixels * c);
  if (c === 1) {
    for (let k = 0; k < count; k++) {
      const o = k * pixels;
      for (let p = 0; p < pixels; p++) out[o + p] = x[p] * masks[o + p];
    }
    return out;
  }
  for (let k = 0; k < count; k++) {
    for (let p = 0; p < pixels; p++) {
      const m = masks[k * pixels + p];
      const o = (k * pixels + p) * c;
      for (let ch = 0; ch < c; ch++) out[o + ch] = x[p * c + ch] * m;
    }
  }
  return out;
}

export const rise: MethodDef<RiseOptions> = {
  id: 'rise',
  label: 'RISE',
  kind: 'perturbation',
  needsLayer: false,
  paper: {
    title: 'RISE: Randomized Input Sampling for Explanation of Black-box Models',
    authors: 'Petsiuk, Das, Saenko',
    year: 2018,
    url: 'https://arxiv.org/abs/1806.07421',
  },
  options,
  // A probability-weighted mean of masks: non-negative, repeated over channels.
  display: { reduce: 'max-abs', signed: false },
  // Bounded work for the registry property tests on the 96x96 fixture.
  testOptions: { samples: 24, batchSize: 8 },
  async run(model, input, target, opts, ctx) {
    const startedAt = now();
    const [h, w, c] = model.info.inputShape;
    const score = await targetScore(model, input, target);
    const next = maskGenerator(mulberry32(ctx.seed), {
      height: h, width: w, gridSize: opts.gridSize, keepProbability: opts.keepProbability,
    });
    const saliency = new Float64Array(h * w);
    const x = await firstImage(input);
    // Each batch's masks, from when its copies are made until its scores are folded into the
    // weighted sum (in batch order), then dropped.
    const masksOf = new Map<number, Float32Array>();
    const makeCopies = (start: number, count: number) => {
      const masks = next(count);
      masksOf.set(start, masks);
      return maskedCopies(x, masks, count, h * w, c);
    };
    const fold = (start: number, scores: Float32Array) => {
      const masks = masksOf.get(start)!;
      masksOf.delete(start);
      for (let k = 0; k < scores.length; k++) {
        const offset = k * h * w;
        for (let p = 0; p < h * w; p++) saliency[p] += scores[k] * masks[offset + p];
      }
    };
    await scoreCopyBatches(model, target, opts.score, opts.samples, opts.batchSize, makeCopies, ctx, 'rise', fold);
    const norm = opts.samples * opts.keepProbability;
    const map = Float32Array.from(saliency, (v) => v / norm);
    const values = spreadOverChannels(map, c);
    return toAttribution(tf.tensor3d(values, [h, w, c]), { method: 'rise', target, score, startedAt });
  },
};
