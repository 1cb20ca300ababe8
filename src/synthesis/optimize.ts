/**
 * The optimization loop (Lucid's `render_vis`): ascend an objective over a parameterized image seen
 * through random transforms, with Adam by default, recording snapshots and reporting progress after
 * each step. One seeded generator draws the starting image and then every transform, so the same
 * seed gives the same image. Yosinski-style operators (operators.ts) edit the image between steps;
 * `normalizeGradient` divides each step's gradient by its mean |g| (DeepDream). The loop awaits the
 * progress callback, so a worker can stream snapshots through a Comlink proxy, and it stops at the
 * next step once `signal.aborted` is set, returning what it has.
 */
import * as tf from '@tensorflow/tfjs-core';
import '#tfjs-gradients';
import { mulberry32 } from '../methods/random';
import type { Executor } from '../model/types';
import { toModelInput, type Objective } from './objectives';
import { applyOperators, type OperatorSpec } from './operators';
import { createParam, paramSchema, type ParamSpecInput } from './param';
import { applyTransforms, type TransformSpec } from './transforms';

export interface OptimizeOptions {
  objective: Objective;
  param?: ParamSpecInput;
  transforms?: TransformSpec[];
  steps: number;
  /** Adam's (or SGD's) learning rate; Lucid: 0.05. */
  learningRate?: number;
  optimizer?: 'adam' | 'sgd';
  /** Images optimized together (objectives may give each its own unit). Default 1. */
  batch?: number;
  seed?: number;
  /** Size of the optimized image; the model's input size by default (transforms fit it back). */
  size?: [number, number];
  /** Start from these [0, 1] pixels (b h w c values) instead of random noise. */
  init?: Float32Array;
  operators?: OperatorSpec[];
  normalizeGradient?: boolean;
  /** Steps (1-based) after which to record the image; the last step is always recorded. */
  snapshotAt?: number[];
  onProgress?: (progress: Progress) => void | Promise<void>;
  signal?: { aborted: boolean };
}

export interface Snapshot {
  step: number;
  /** [b, h, w, c] in [0, 1]. */
  pixels: Float32Array;
}

export interface Progress {
  step: number;
  steps: number;
  /** Objective per batch item at this step (on the transformed image). */
  values: number[];
  stepsPerSecond: number;
  /** Present when this step is a snapshot step. */
  snapshot?: Snapshot;
}

export interface OptimizeResult {
  shape: [number, number, number, number];
  /** The final image, [b, h, w, c] in [0, 1]. */
  pixels: Float32Array;
  snapshots: Snapshot[];
  /** Mean objective over the batch after each step. */
  history: number[];
  /** Steps done (fewer than asked when cancelled). */
  steps: number;
  cancelled: boolean;
  stepsPerSecond: number;
}

/** A 32-bit mix of (seed, stream) so nearby seeds give unrelated streams. */
function seedFor(seed: number, stream: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  return Math.imul(h, 0x27d4eb2f) >>> 0;
}

export async function optimize(model: Executor, options: OptimizeOptions): Promise<OptimizeResult> {
  const spec = paramSchema.parse(options.param ?? {});
  const [mh, mw, c] = model.info.inputShape;
  const [h, w] = options.size ?? [mh, mw];
  const batch = options.batch ?? 1;
  const shape: [number, number, number, number] = [batch, h, w, c];
  if (!Number.isInteger(options.steps) || options.steps < 0) throw new Error(`steps must be a whole number >= 0; got ${options.steps}`);
  // Separate streams: the start of item i and the transforms' draws depend on the seed alone, not on
  // the batch size, so a unit's image is the same whatever else is optimized beside it.
  const seed = options.seed ?? 0;
  const param = createParam(spec, shape, (item) => mulberry32(seedFor(seed, item + 1)), options.init);
  const rng = mulberry32(seedFor(seed, 0));
  const lr = options.learningRate ?? 0.05;
  const opt = options.optimizer === 'sgd' ? tf.train.sgd(lr) : tf.train.adam(lr);
  const transforms = options.transforms ?? [];
  const operators = options.operators ?? [];
  const snapshotAt = new Set(options.snapshotAt ?? []);
  const needValues = options.onProgress !== undefined;
  const snapshots: Snapshot[] = [];
  const history: number[] = [];
  const started = performance.now();
  let step = 0;
  let cancelled = false;
  const readImage = async (): Promise<Float32Array> => {
    const t = tf.tidy(() => param.image());
    const data = (await t.data()) as Float32Array;
    t.dispose();
    return new Float32Array(data);
  };
  try {
    while (step < options.steps) {
      if (options.signal?.aborted) {
        cancelled = true;
        break;
      }
      let values: tf.Tensor | undefined;
      let pixelGrad: tf.Tensor | undefined;
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const pixels = param.image();
          const seen = applyTransforms(transforms, pixels, rng, mh, mw);
          const input = toModelInput(seen, model.info);
          const { logits, taps } = model.forward(input, { taps: options.objective.layers });
          const v = options.objective.value({ pixels, input, logits, taps });
          values = tf.keep(tf.clone(v));
          // Minimize the negated sum: each item's gradient is its own objective's.
          return tf.neg(tf.sum(v)) as tf.Scalar;
        }, param.variables);
        let named = grads;
        if (options.normalizeGradient) {
          named = Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.div(g, tf.add(tf.mean(tf.abs(g)), 1e-8))]));
        }
        if (spec.kind === 'pixel' && operators.some((o) => o.kind === 'clip-contribution')) {
          pixelGrad = tf.keep(tf.neg(Object.values(grads)[0]));
        }
        opt.applyGradients(named as unknown as Record<string, tf.Variable>);
      });
      step++;
      const valuesT = values as tf.Tensor | undefined;
      let mean = NaN;
      let perItem: number[] = [];
      if (valuesT !== undefined) {
        if (needValues || step === options.steps) {
          perItem = Array.from(await valuesT.data());
          mean = perItem.reduce((a, b) => a + b, 0) / perItem.length;
        }
        valuesT.dispose();
      }
      history.push(mean);
      if (operators.length > 0) {
        const pixels = await readImage();
        const grad = pixelGrad === undefined ? undefined : ((await (pixelGrad as tf.Tensor).data()) as Float32Array);
        applyOperators(operators, pixels, shape, step, grad);
        param.assign(pixels);
      }
      (pixelGrad as tf.Tensor | undefined)?.dispose();
      const last = step === options.steps;
      const snapshot = snapshotAt.has(step) || last ? { step, pixels: await readImage() } : undefined;
      if (snapshot) snapshots.push(snapshot);
      if (options.onProgress) {
        const stepsPerSecond = step / ((performance.now() - started) / 1000);
        await options.onProgress({ step, steps: options.steps, values: perItem, stepsPerSecond, ...(snapshot ? { snapshot } : {}) });
      }
    }
    const pixels = snapshots.at(-1)?.step === step ? snapshots.at(-1)!.pixels : await readImage();
    const seconds = (performance.now() - started) / 1000;
    return { shape, pixels, snapshots, history, steps: step, cancelled, stepsPerSecond: seconds > 0 ? step / seconds : 0 };
  } finally {
    opt.dispose();
    param.dispose();
  }
}

/** The objective per item for fixed [0, 1] pixels (no transforms): how a result is scored. */
export async function evaluate(model: Executor, objective: Objective, pixels: Float32Array, shape: [number, number, number, number]): Promise<number[]> {
  const v = tf.tidy(() => {
    const p = tf.tensor4d(pixels, shape);
    const input = toModelInput(p, model.info);
    const { logits, taps } = model.forward(input, { taps: objective.layers });
    return objective.value({ pixels: p, input, logits, taps });
  });
  const out = Array.from(await v.data());
  v.dispose();
  return out;
}
