/**
 * Integrated Gradients along its path, for the figure that shows how the attribution accumulates
 * (Sundararajan et al. 2017, §3; the "path" plots of Distill's "Visualizing the Impact of Feature
 * Attribution Baselines", 2020). With the right Riemann sum over m steps, the attribution after the
 * first j steps, (x - x') ⊙ Σ_{k≤j} ∇F(x' + α_k (x - x')) / m, sums to about F(x' + α_j (x - x')) - F(x'):
 * completeness holds at every point of the path, not only at its end. Returns plain data: the score
 * curve, the accumulated sum, and maps and model-view images at chosen checkpoints.
 */
import * as tf from '@tensorflow/tfjs-core';
import { inputToPixels } from '../model/preprocess';
import type { Executor } from '../model/types';
import { makeBaseline, type BaselineName } from './baselines';
import { targetGradient } from './common';
import { batches, betweenBatches } from './gradient-batches';
import type { RunContext } from './types';

export interface IgPathOptions {
  /** Right Riemann steps; α_k = k/m for k = 1..m. */
  steps: number;
  baseline: BaselineName | number[];
  blurSigma?: number;
  /** Step indices (1..m) at which to return the map and the interpolated image. */
  checkpoints: number[];
  batchSize?: number;
}

export interface IgCheckpoint {
  step: number;
  alpha: number;
  /** The interpolated input x' + α(x - x') as RGBA bytes (the model's view, inputToPixels). */
  image: Uint8ClampedArray;
  /** Attribution accumulated so far, summed over channels: h·w values. */
  map: Float32Array;
}

export interface IgPath {
  /** α_0 = 0, α_1..α_m. */
  alphas: number[];
  /** F(x' + α (x - x')) at every α: the target's pre-softmax score. */
  scores: number[];
  /** Σ of the attribution accumulated after step k (0 at α = 0). */
  accumulated: number[];
  checkpoints: IgCheckpoint[];
  width: number;
  height: number;
}

/** Logits of the target for every image of a batch. */
async function batchScores(model: Executor, points: tf.Tensor4D, target: number): Promise<Float32Array> {
  const t = tf.tidy(() => tf.squeeze(tf.slice(model.forward(points).logits, [0, target], [-1, 1]), [1]));
  const out = (await t.data()) as Float32Array;
  t.dispose();
  return out;
}

export async function integratedGradientsPath(
  model: Executor, input: tf.Tensor4D, target: number, o: IgPathOptions, ctx: RunContext,
): Promise<IgPath> {
  const [h, w, c] = model.info.inputShape;
  const size = h * w * c;
  const m = o.steps;
  if (!Number.isInteger(m) || m < 1) throw new Error(`integrated-gradients path: steps must be a positive integer; got ${m}`);
  const bad = o.checkpoints.filter((k) => !Number.isInteger(k) || k < 1 || k > m);
  if (bad.length) throw new Error(`integrated-gradients path: checkpoints must be step numbers in 1..${m}; got ${bad.join(', ')}`);
  const first = tf.slice(input, [0, 0, 0, 0], [1, -1, -1, -1]);
  const x = (await first.data()) as Float32Array;
  first.dispose();
  const baseline = makeBaseline(model.info, x, { baseline: o.baseline, blurSigma: o.blurSigma, seed: ctx.seed });
  const diff = x.map((v, i) => v - baseline[i]);
  const point = (alpha: number, out: Float32Array, at: number) => {
    for (let i = 0; i < size; i++) out[at + i] = baseline[i] + alpha * diff[i];
  };
  const alphas = Array.from({ length: m + 1 }, (_, k) => k / m);
  const scores: number[] = [];
  const accumulated = [0];
  const running = new Float64Array(size);
  const checkpoints: IgCheckpoint[] = [];
  const wanted = new Set(o.checkpoints);
  // α = 0 first (the baseline's score), then the m path points in batches.
  const base = new Float32Array(size);
  point(0, base, 0);
  const baseT = tf.tensor4d(base, [1, h, w, c]);
  scores.push((await batchScores(model, baseT, target))[0]);
  baseT.dispose();
  for (const [start, count] of batches(m, o.batchSize ?? 10)) {
    const points = new Float32Array(count * size);
    for (let k = 0; k < count; k++) point(alphas[start + k + 1], points, k * size);
    const pointsT = tf.tensor4d(points, [count, h, w, c]);
    const gradients = targetGradient(model, pointsT, target);
    const s = await batchScores(model, pointsT, target);
    pointsT.dispose();
    const g = (await gradients.data()) as Float32Array;
    gradients.dispose();
    for (let k = 0; k < count; k++) {
      const step = start + k + 1;
      let total = 0;
      for (let i = 0; i < size; i++) {
        running[i] += g[k * size + i] / m;
        total += diff[i] * running[i];
      }
      scores.push(s[k]);
      accumulated.push(total);
      if (wanted.has(step)) {
        const map = new Float32Array(h * w);
        for (let p = 0; p < h * w; p++) for (let ch = 0; ch < c; ch++) map[p] += diff[p * c + ch] * running[p * c + ch];
        checkpoints.push({ step, alpha: alphas[step], image: inputToPixels(points.subarray(k * size, (k + 1) * size), model.info), map });
      }
    }
    await betweenBatches(ctx, 'integrated-gradients path');
  }
  return { alphas, scores, accumulated, checkpoints, width: w, height: h };
}
