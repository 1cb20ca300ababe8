/**
 * KernelSHAP (Lundberg & Lee 2017, https://arxiv.org/abs/1705.07874; the `shap` package's
 * KernelExplainer): Shapley values of the superpixels, estimated by a weighted linear regression of
 * the score of coalitions (superpixels kept, the rest filled) on the on/off vector, weighted by the
 * Shapley kernel pi(z) = (M - 1) / (C(M, |z|) |z| (M - |z|)). As shap does: coalitions are drawn by
 * size (the kernel's mass per size), sizes whose every coalition fits the budget are enumerated
 * exactly (so with 2^M - 2 samples the result is the exact Shapley value), each drawn coalition comes
 * with its complement, and the empty / full coalitions are constraints rather than samples: the last
 * feature is eliminated so that sum(phi) = f(x) - f(baseline) exactly (efficiency), and the fit has no
 * intercept and no regularisation. Same features, fills and batching as LIME (grid superpixels,
 * 4 px cells at 28 px). Departs from shap in skipping its automatic L1 feature selection, which only
 * kicks in when fewer than 20 % of the coalitions are sampled and would make the map sparse.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { now, targetScore, toAttribution } from './common';
import { coalitionCopies, fillImage, gridSegments, LIME_FILLS } from './lime';
import { pixelValueToInput, SCORE_KINDS, scoreCopyBatches, spreadOverChannels } from './perturbation';
import { mulberry32, randInt, type Rng } from './random';
import { solve } from './ridge';
import type { MethodDef } from './types';

const options = z.object({
  /** Coalitions scored besides the empty and full ones; 'auto' is shap's 2 M + 2048 (M superpixels). */
  samples: z.union([z.literal('auto'), z.number().int().min(2).max(20000)]).default('auto'),
  /** Superpixels per side of the grid (clamped to the image size), as LIME; at most 16 (256 features). */
  gridSize: z.number().int().min(1).max(16).default(7),
  /** What a switched-off superpixel shows (the baseline): its mean colour, black, or grey 0.5. */
  fill: z.enum(LIME_FILLS).default('mean'),
  /** 'probability' (softmax, shap's usual model output) or 'logit'. */
  score: z.enum(SCORE_KINDS).default('probability'),
  /** Perturbed copies per forward pass. */
  batchSize: z.number().int().min(1).max(1024).default(32),
}).strict();
export type KernelShapOptions = z.infer<typeof options>;

/** Coalitions as row-major [n, m] 0/1 masks with their regression weights (sum 1). */
export interface Coalitions {
  masks: Uint8Array;
  weights: Float64Array;
  count: number;
}

/** C(n, k) as a float (exact below 2^53, which covers every enumeration that fits a budget). */
export function binomial(n: number, k: number): number {
  let out = 1;
  for (let i = 1; i <= k; i++) out = (out * (n - k + i)) / i;
  return out < 2 ** 53 ? Math.round(out) : out;
}

/**
 * shap's coalition plan for `m` features and a budget of `budget` coalitions (capped at 2^m - 2):
 * the kernel's mass per size s (and its complement m - s) is (m - 1) / (s (m - s)); sizes are
 * enumerated from the smallest while the budget covers all of their coalitions at that mass, the
 * rest is drawn at random (size by its remaining mass, then a uniform subset, plus its complement);
 * a coalition drawn twice adds weight instead of a row. Deterministic for one rng.
 */
export function sampleCoalitions(m: number, budget: number, rng: Rng): Coalitions {
  if (m < 2) return { masks: new Uint8Array(0), weights: new Float64Array(0), count: 0 };
  const total = m <= 30 ? 2 ** m - 2 : Infinity;
  const nsamples = Math.min(budget, total);
  const sizes = Math.ceil((m - 1) / 2);
  const paired = Math.floor((m - 1) / 2);
  const weightVector = Array.from({ length: sizes }, (_, i) => ((m - 1) / ((i + 1) * (m - i - 1))) * (i < paired ? 2 : 1));
  const sumW = weightVector.reduce((a, b) => a + b, 0);
  for (let i = 0; i < sizes; i++) weightVector[i] /= sumW;

  const rows: Uint8Array[] = [];
  const weights: number[] = [];
  const add = (mask: Uint8Array, w: number) => {
    rows.push(mask);
    weights.push(w);
  };
  const complement = (mask: Uint8Array) => mask.map((v) => 1 - v);

  let fullSizes = 0;
  let left = nsamples;
  const remaining = weightVector.slice();
  for (let s = 1; s <= sizes; s++) {
    const isPaired = s <= paired;
    const nsubsets = binomial(m, s) * (isPaired ? 2 : 1);
    if (!((left * remaining[s - 1]) / nsubsets >= 1 - 1e-8)) break;
    fullSizes += 1;
    left -= nsubsets;
    if (remaining[s - 1] < 1) {
      const scale = 1 - remaining[s - 1];
      for (let i = 0; i < sizes; i++) remaining[i] /= scale;
    }
    const w = weightVector[s - 1] / binomial(m, s) / (isPaired ? 2 : 1);
    forEachSubset(m, s, (mask) => {
      add(mask, w);
      if (isPaired) add(complement(mask), w);
    });
  }

  const fixed = rows.length;
  let samplesLeft = nsamples - fixed;
  if (fullSizes !== sizes && samplesLeft > 0) {
    // Each draw of a paired size gives two rows, so those sizes get half their mass per draw.
    const probs = weightVector.map((v, i) => (i < paired ? v / 2 : v)).slice(fullSizes);
    const sumP = probs.reduce((a, b) => a + b, 0);
    const used = new Map<string, number>();
    const perm = new Int32Array(m);
    for (let tries = 4 * samplesLeft; samplesLeft > 0 && tries > 0; tries--) {
      let u = rng() * sumP;
      let idx = 0;
      while (idx < probs.length - 1 && u >= probs[idx]) u -= probs[idx++];
      const s = idx + fullSizes + 1;
      // The first s entries of a partial Fisher-Yates shuffle: a uniform s-subset.
      for (let i = 0; i < m; i++) perm[i] = i;
      const mask = new Uint8Array(m);
      for (let i = 0; i < s; i++) {
        const j = i + randInt(rng, m - i);
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        mask[perm[i]] = 1;
      }
      const pairs: Uint8Array[] = s <= paired ? [mask, complement(mask)] : [mask];
      for (const row of pairs) {
        if (samplesLeft <= 0) break;
        const key = row.join('');
        const at = used.get(key);
        if (at === undefined) {
          used.set(key, rows.length);
          add(row, 1);
          samplesLeft -= 1;
        } else {
          weights[at] += 1;
        }
      }
    }
    // The drawn rows share the mass of the sizes not enumerated, in proportion to their counts.
    const weightLeft = weightVector.slice(fullSizes).reduce((a, b) => a + b, 0);
    let drawn = 0;
    for (let i = fixed; i < weights.length; i++) drawn += weights[i];
    for (let i = fixed; i < weights.length; i++) weights[i] *= weightLeft / drawn;
  }

  const masks = new Uint8Array(rows.length * m);
  rows.forEach((row, i) => masks.set(row, i * m));
  return { masks, weights: Float64Array.from(weights), count: rows.length };
}

/** Calls `visit` with the 0/1 mask of every k-subset of m, in lexicographic order. */
function forEachSubset(m: number, k: number, visit: (mask: Uint8Array) => void): void {
  const idx = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    const mask = new Uint8Array(m);
    for (const i of idx) mask[i] = 1;
    visit(mask);
    let i = k - 1;
    while (i >= 0 && idx[i] === m - k + i) i--;
    if (i < 0) return;
    idx[i] += 1;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
  }
}

/**
 * shap's constrained solve: phi minimising sum_i w_i (y_i - f0 - z_i . phi)^2 subject to
 * sum(phi) = fx - f0, by substituting phi_last = fx - f0 - sum(others) (no intercept, no penalty).
 */
export function solveShapley(c: Coalitions, y: ArrayLike<number>, m: number, fx: number, f0: number): Float64Array {
  const phi = new Float64Array(m);
  if (m === 1 || c.count === 0) {
    if (m === 1) phi[0] = fx - f0;
    return phi;
  }
  const d = m - 1;
  const a = new Float64Array(d * (d + 1));
  const row = new Float64Array(d);
  // Weights rescaled to mean 1: the solution is unchanged, the pivots stay far above solve()'s 1e-12.
  const scale = c.count / c.weights.reduce((s, v) => s + v, 0);
  for (let i = 0; i < c.count; i++) {
    const w = c.weights[i] * scale;
    const last = c.masks[i * m + d];
    for (let j = 0; j < d; j++) row[j] = c.masks[i * m + j] - last;
    const target = y[i] - f0 - last * (fx - f0);
    for (let j = 0; j < d; j++) {
      if (row[j] === 0) continue;
      const base = j * (d + 1);
      for (let k = 0; k < d; k++) a[base + k] += w * row[j] * row[k];
      a[base + d] += w * row[j] * target;
    }
  }
  const others = solve(a, d);
  let sum = 0;
  for (let j = 0; j < d; j++) {
    phi[j] = others[j];
    sum += others[j];
  }
  phi[d] = fx - f0 - sum;
  return phi;
}

export const kernelShap: MethodDef<KernelShapOptions> = {
  id: 'kernel-shap',
  label: 'KernelSHAP',
  kind: 'perturbation',
  needsLayer: false,
  paper: {
    title: 'A Unified Approach to Interpreting Model Predictions',
    authors: 'Lundberg, Lee',
    year: 2017,
    url: 'https://arxiv.org/abs/1705.07874',
  },
  options,
  // Signed Shapley values, repeated over channels; 'sum' scales them by c.
  display: { reduce: 'sum', signed: true },
  // Bounded work for the registry property tests on the 96x96 fixture.
  testOptions: { samples: 24, batchSize: 13 },
  async run(model, input, target, opts, ctx) {
    const startedAt = now();
    const [h, w, c] = model.info.inputShape;
    const { segments, count: m } = gridSegments(h, w, opts.gridSize);
    const score = await targetScore(model, input, target);
    const first = tf.slice(input, [0, 0, 0, 0], [1, -1, -1, -1]);
    const xData = (await first.data()) as Float32Array;
    first.dispose();
    const fillData = fillImage(xData, segments, m, c, opts.fill, (v) => pixelValueToInput(model.info, v));

    const budget = opts.samples === 'auto' ? 2 * m + 2048 : opts.samples;
    const coalitions = sampleCoalitions(m, budget, mulberry32(ctx.seed));
    // Row 0 is the baseline (nothing on), row 1 the image (everything on), then the coalitions.
    const rows = new Uint8Array((coalitions.count + 2) * m);
    rows.fill(1, m, 2 * m);
    rows.set(coalitions.masks, 2 * m);
    const scores = await scoreCopyBatches(model, target, opts.score, coalitions.count + 2, opts.batchSize,
      (start, n) => coalitionCopies(xData, fillData, rows, start, n, segments, m, c), ctx, 'kernel-shap');

    const [f0, fx] = [scores[0], scores[1]];
    const phi = solveShapley(coalitions, scores.subarray(2), m, fx, f0);
    const map = Float32Array.from(segments, (s) => phi[s]);
    const out = await toAttribution(tf.tensor3d(spreadOverChannels(map, c), [h, w, c]), {
      method: 'kernel-shap', target, score, startedAt,
    });
    // The scores the Shapley values add up between (sum(phi) = imageScore - baselineScore).
    out.stats.extra = { baselineScore: f0, imageScore: fx, coalitions: coalitions.count };
    return out;
  },
};
