/**
 * Pieces the perturbation methods (occlusion, RISE, LIME) share: scoring many perturbed copies of
 * one image in batches (never one forward per copy; the abort signal is checked between batches),
 * pixel values in [0, 1] mapped into the model's input space, and per-pixel maps spread over the
 * channels to keep Captum's same-shape-as-input contract.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Executor, ModelInfo } from '../model/types';
import { softmaxAt, type TargetScore } from './common';
import { betweenBatches, throwIfAborted } from './gradient-batches';
import type { RunContext } from './types';

/** What a perturbed copy is scored by: the target's pre-softmax logit or its softmax probability. */
export type ScoreKind = 'logit' | 'probability';
export const SCORE_KINDS = ['logit', 'probability'] as const;

/**
 * Scores of `total` perturbed copies, `batchSize` at a time. `makeBatch(start, count)` returns the
 * copies start..start+count-1 (the caller's tensor; disposed here); `onBatch` sees each batch's
 * scores before the next batch is made, so callers can fold and drop per-batch data. Throws when
 * `ctx.signal` is aborted between batches, so a superseded figure request stops early.
 */
export async function scoreBatches(
  model: Executor,
  target: number,
  score: ScoreKind,
  total: number,
  batchSize: number,
  makeBatch: (start: number, count: number) => tf.Tensor4D,
  ctx: RunContext,
  method: string,
  onBatch?: (start: number, scores: Float32Array) => void,
): Promise<Float32Array> {
  return scoreLogitBatches(target, score, total, batchSize, (start, count) => {
    const batch = makeBatch(start, count);
    try {
      return scoringLogits(model, batch);
    } finally {
      batch.dispose();
    }
  }, ctx, method, onBatch);
}

/** Each copy's score of `target` from its logits [count, classes]: the logit or its softmax probability. */
function targetScores(logits: tf.Tensor2D, target: number, score: ScoreKind): tf.Tensor1D {
  const chosen = score === 'probability' ? tf.softmax(logits) : logits;
  return tf.reshape(tf.slice(chosen, [0, target], [-1, 1]), [-1]);
}

/** scoreBatches over any source of logits [count, classes] for copies start .. start + count - 1. */
export async function scoreLogitBatches(
  target: number,
  score: ScoreKind,
  total: number,
  batchSize: number,
  logitsOf: (start: number, count: number) => tf.Tensor2D,
  ctx: RunContext,
  method: string,
  onBatch?: (start: number, scores: Float32Array) => void,
): Promise<Float32Array> {
  const out = new Float32Array(total);
  for (let start = 0; start < total; start += batchSize) {
    // A turn for the worker's messages: a cancel from the page lands here, not after the last batch.
    await betweenBatches(ctx, method);
    const count = Math.min(batchSize, total - start);
    const scores = tf.tidy(() => targetScores(logitsOf(start, count), target, score));
    const values = (await scores.data()) as Float32Array;
    scores.dispose();
    out.set(values, start);
    onBatch?.(start, values);
  }
  throwIfAborted(ctx, method);
  return out;
}

/**
 * scoreBatches over copies built as plain values ([count, h, w, c] row-major), shared with
 * `ctx.helper` when the page gave the worker one (another worker that scores copies: the two take
 * the next batch in turn, so the faster one does more). Batches keep their boundaries and are made
 * in order (makeCopies(0, ..), makeCopies(batchSize, ..), ...), and `onBatch` sees them in order, so
 * the scores are bit-identical to scoring every batch here: the helper runs the same backend on
 * the same batches. A helper that fails or does not answer is dropped, and its batch scored here.
 */
export async function scoreCopyBatches(
  model: Executor,
  target: number,
  score: ScoreKind,
  total: number,
  batchSize: number,
  makeCopies: (start: number, count: number) => Float32Array,
  ctx: RunContext,
  method: string,
  onBatch?: (start: number, scores: Float32Array) => void,
): Promise<Float32Array> {
  const [h, w, c] = model.info.inputShape;
  const tensorOf = (copies: Float32Array, count: number) => tf.tensor4d(copies, [count, h, w, c]);
  const helper = ctx.helper;
  if (helper === undefined || total <= batchSize) {
    return scoreBatches(model, target, score, total, batchSize, (start, count) => tensorOf(makeCopies(start, count), count), ctx, method, onBatch);
  }
  const batches = Math.ceil(total / batchSize);
  const out = new Float32Array(total);
  const done: Array<Float32Array | undefined> = new Array(batches);
  const retry: Array<{ b: number; copies: Float32Array }> = [];
  let taken = 0;
  let applied = 0;
  let helping = true;
  const take = (): { b: number; copies: Float32Array } => {
    const b = taken++;
    const start = b * batchSize;
    return { b, copies: makeCopies(start, Math.min(batchSize, total - start)) };
  };
  const finish = async (b: number, scores: tf.Tensor1D): Promise<void> => {
    done[b] = (await scores.data()) as Float32Array;
    scores.dispose();
    for (; applied < batches && done[applied] !== undefined; applied++) {
      out.set(done[applied]!, applied * batchSize);
      onBatch?.(applied * batchSize, done[applied]!);
      done[applied] = undefined;
    }
  };
  const here = async (): Promise<void> => {
    while (retry.length > 0 || taken < batches) {
      // A turn for the worker's messages (a cancel, the helper's answers) between batches.
      await betweenBatches(ctx, method);
      // The helper may have taken the last batch during that turn: then there is nothing left here.
      const job = retry.shift() ?? (taken < batches ? take() : undefined);
      if (job === undefined) continue;
      const count = job.copies.length / (h * w * c);
      await finish(job.b, tf.tidy(() => targetScores(scoringLogits(model, tensorOf(job.copies, count)), target, score)));
    }
  };
  const there = async (): Promise<void> => {
    while (helping && taken < batches && !ctx.signal?.aborted) {
      const job = take();
      const count = job.copies.length / (h * w * c);
      let logits: Float32Array;
      try {
        logits = await helper(job.copies, [count, h, w, c]);
        if (logits.length !== count * model.info.numClasses) throw new Error(`the helper answered ${logits.length} logits for ${count} copies`);
      } catch {
        helping = false; // this batch, and every one not yet taken, is scored here
        retry.push(job);
        return;
      }
      await finish(job.b, tf.tidy(() => targetScores(tf.tensor2d(logits, [count, model.info.numClasses]), target, score)));
    }
  };
  await Promise.all([here(), there()]);
  // here() may have ended while the helper's last batch was out: it is done or in retry by now,
  // but a retried batch after here() returned needs scoring too.
  if (retry.length > 0) await here();
  throwIfAborted(ctx, method);
  return out;
}

export { throwIfAborted };

/** The first image of a batch as plain values [h w c] (the perturbation methods build copies in JS). */
export async function firstImage(input: tf.Tensor4D): Promise<Float32Array> {
  const x = tf.slice(input, [0, 0, 0, 0], [1, -1, -1, -1]);
  const values = (await x.data()) as Float32Array;
  x.dispose();
  return values;
}

/** Logits for scoring: the executor's fused scoring path where it has one (Executor.infer). */
export function scoringLogits(model: Executor, x: tf.Tensor4D): tf.Tensor2D {
  return model.infer !== undefined ? model.infer(x) : model.forward(x).logits;
}

/**
 * targetScore through the same scoring path as the perturbed copies, so that a copy equal to the
 * image scores exactly the image's score (an occluded patch that changes nothing drops 0).
 */
export async function scoringTargetScore(model: Executor, input: tf.Tensor4D, target: number): Promise<TargetScore> {
  const logitsT = tf.tidy(() => tf.slice(scoringLogits(model, tf.slice(input, [0, 0, 0, 0], [1, -1, -1, -1])), [0, 0], [1, -1]));
  const logits = (await logitsT.data()) as Float32Array;
  logitsT.dispose();
  return { logits, logit: logits[target], probability: softmaxAt(logits, target) };
}

/**
 * The model-input value of a pixel value v in [0, 1] on each channel: the same mapping as
 * pixelsToInput (range, then (x - mean) / std), so "grey" means grey to every model.
 */
export function pixelValueToInput(info: ModelInfo, v: number): number[] {
  const c = info.inputShape[2];
  const [lo, hi] = info.preprocessing.range;
  const mean = info.preprocessing.mean ?? new Array<number>(c).fill(0);
  const std = info.preprocessing.std ?? new Array<number>(c).fill(1);
  return Array.from({ length: c }, (_, ch) => (v * (hi - lo) + lo - mean[ch]) / std[ch]);
}

/** A per-pixel [h*w] map repeated over `channels`, row-major [h, w, c]. */
export function spreadOverChannels(map: Float32Array, channels: number): Float32Array {
  if (channels === 1) return map;
  const out = new Float32Array(map.length * channels);
  for (let p = 0; p < map.length; p++) out.fill(map[p], p * channels, (p + 1) * channels);
  return out;
}
