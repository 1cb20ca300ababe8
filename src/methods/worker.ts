/**
 * The attribution family's worker operations (table: src/workers/operations.ts): 'attribution' runs
 * a registry method on the figure's image (and, for Integrated Gradients, its path), 'methods' lists
 * the registry with its option specs, 'attribution-bench' times a method inside the worker
 * (scripts/bench-browser.ts). Messages: protocol.ts beside this file.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Executor } from '../model/types';
import type { Operation } from '../workers/operation';
import { inputTensor } from '../workers/model-input';
import type { ModelRef } from '../workers/protocol';
import { topK } from '../workers/top-k';
import type { BaselineName } from './baselines';
import type { IntegratedGradientsOptions } from './integrated-gradients';
import { integratedGradientsPath, type IgPath } from './integrated-gradients-path';
import { describeOptions } from './option-specs';
import type { BenchRequest, BenchTimings, ComputeRequest, ComputeResult, MethodChoice, ScoreCopiesRequest, ScoreCopiesResult } from './protocol';
import { scoringLogits } from './perturbation';
import { getMethod, listMethods, resolveTarget } from './registry';
import type { Attribution, RunContext } from './types';
import { loadModel } from '../model/load';

export const methods: Operation<void, MethodChoice[]> = {
  run: async () => listMethods().map((m) => ({ id: m.id, label: m.label, kind: m.kind, options: describeOptions(m.options) })),
  queued: false,
};

export const attribution: Operation<ComputeRequest, ComputeResult> = {
  async run(ctx, request) {
    const method = getMethod(request.method);
    const parsed = method.options.safeParse(request.options ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
      throw new Error(`method '${method.id}': invalid options: ${issues}`);
    }
    const [model, summary] = await Promise.all([ctx.getModel(request), ctx.describe(request)]);
    // Timed from here: the status line reports the computation, not a first model download.
    const startedAt = performance.now();
    const input = inputTensor(model, request.image);
    try {
      const probsT = model.predict(input);
      const probs = (await probsT.data()) as Float32Array;
      probsT.dispose();
      // The argmax of the probabilities is the argmax of the logits: the default target.
      const target = resolveTarget(model.info, request.target, probs);
      const helper = ctx.scorerFor?.(request);
      const runCtx: RunContext = { seed: request.seed ?? 0, signal: ctx.signal as { aborted: boolean }, ...(helper ? { helper } : {}) };
      const path = request.path ? await tracePath(model, input, target, method.id, parsed.data, request.path, runCtx) : undefined;
      const map = path ? pathAttribution(path, target, probs[target], performance.now() - startedAt) : await method.run(model, input, target, parsed.data, runCtx);
      return {
        attribution: map,
        display: method.display,
        prediction: topK(probs, model.info.labels, 5),
        backend: ctx.backend,
        model: summary,
        elapsedMs: performance.now() - startedAt,
        ...(path ? { path } : {}),
      };
    } finally {
      input.dispose();
    }
  },
  transfer: (result) => [result.attribution.values, ...(result.path?.checkpoints.flatMap((c) => [c.map, c.image]) ?? [])].map((a) => a.buffer as ArrayBuffer),
};

/**
 * The scoring helper's side (src/workers/helper.ts): another worker's perturbed copies scored with
 * the same scoring path, on the same backend, so their scores equal the primary's own.
 */
export const scoreCopies: Operation<ScoreCopiesRequest, ScoreCopiesResult> = {
  async run(ctx, request) {
    if (ctx.backend !== request.backend) throw new Error(`the scoring helper runs on ${ctx.backend}, the copies came from ${request.backend}`);
    const model = await ctx.getModel(request);
    const logits = tf.tidy(() => scoringLogits(model, tf.tensor4d(request.copies, request.shape)));
    const values = (await logits.data()) as Float32Array;
    logits.dispose();
    return { logits: values };
  },
  transfer: (result) => [result.logits.buffer as ArrayBuffer],
};

/** The IG path with the figure's baseline options; only Integrated Gradients has a path. */
function tracePath(
  model: Executor, input: tf.Tensor4D, target: number, methodId: string, options: Record<string, unknown>,
  path: { steps: number; checkpoints: number[] }, ctx: RunContext,
): Promise<IgPath> {
  if (methodId !== 'integrated-gradients') throw new Error(`a path is traced for method 'integrated-gradients' only; got '${methodId}'`);
  const o = options as IntegratedGradientsOptions;
  return integratedGradientsPath(model, input, target, {
    steps: path.steps, checkpoints: path.checkpoints, baseline: o.baseline as BaselineName | number[], blurSigma: o.blurSigma, batchSize: o.batchSize,
  }, ctx);
}

/** The path's end as the figure's map: the right-Riemann IG map, summed over channels. */
function pathAttribution(path: IgPath, target: number, probability: number, elapsedMs: number): Attribution {
  const m = path.alphas.length - 1;
  const last = path.checkpoints.find((c) => c.step === m);
  if (!last) throw new Error(`the path's checkpoints must include its last step, ${m}`);
  const values = last.map.slice();
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) { min = Math.min(min, v); max = Math.max(max, v); }
  const completenessDelta = path.accumulated[m] - (path.scores[m] - path.scores[0]);
  return {
    values, width: path.width, height: path.height, channels: 1, method: 'integrated-gradients', target,
    stats: { min, max, targetLogit: path.scores[m], targetProbability: probability, elapsedMs, extra: { completenessDelta, baselineLogit: path.scores[0] } },
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The first image of the model's sample, as the Node benchmark uses (scripts/bench.ts), so both
 * time the same input; a seeded random image when the model ships no sample.
 */
async function benchInput(model: Executor, sample: string | undefined): Promise<tf.Tensor4D> {
  if (sample === undefined) {
    const [h, w, c] = model.info.inputShape;
    return tf.randomUniform([1, h, w, c], 0, 1, 'float32', 7) as tf.Tensor4D;
  }
  const meta = (await (await fetch(sample)).json()) as { width: number; height: number; channels: number };
  const size = meta.width * meta.height * meta.channels;
  const bin = await fetch(sample.replace(/\.json(\?.*)?$/, '.bin$1'));
  const data = new Uint8Array(await bin.arrayBuffer()).slice(0, size);
  return inputTensor(model, { data, width: meta.width, height: meta.height, channels: meta.channels });
}

/** Medians of `runs` timed repetitions after one warm-up each: load, forward, the method. */
export const bench: Operation<BenchRequest, BenchTimings> = {
  async run(ctx, request) {
    const method = getMethod(request.method);
    const options = method.options.parse({});
    const { runs } = request;
    const ref: ModelRef = { model: request.model, modelsBase: request.modelsBase };
    const time = async (fn: () => Promise<void>): Promise<number[]> => {
      await fn(); // warm-up: shader compilation, wasm instantiation, first fetch
      const out: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await fn();
        out.push(performance.now() - t0);
      }
      return out;
    };
    const load = await time(async () => (await loadModel(ref.model, { modelsBase: ref.modelsBase })).dispose());
    const [model, summary] = await Promise.all([ctx.getModel(ref), ctx.describe(ref)]);
    const input = await benchInput(model, summary.sample);
    try {
      const forward = await time(async () => {
        const p = model.predict(input);
        await p.data();
        p.dispose();
      });
      const methodTimes = await time(async () => {
        await method.run(model, input, 0, options, { seed: 0 });
      });
      return { backend: ctx.backend, runs, loadMs: median(load), forwardMs: median(forward), methodMs: median(methodTimes) };
    } finally {
      input.dispose();
    }
  },
};
