/**
 * The entry points over the registry: `attack` runs one attack on one image given as model input
 * (as src/methods take it) and returns plain data; `attackBatch` runs it on many [0, 1] images for
 * build-time curves. Both check what every attack needs first (a stated input range, eps inside the
 * ball, a target that is not already the prediction) and say what is wrong in the model's terms.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '../model/errors';
import type { Executor, ModelInfo } from '../model/types';
import { resolveTarget, validTargets, type TargetSpec } from '../methods/target';
import { fromModelInput, toModelInput } from '../synthesis/objectives';
import { getAttack } from './registry';
import { argmaxRow, checkEps, checkRange, norms, softmaxRow } from './space';
import type { AttackContext, AttackDef, AttackResult, Prediction } from './types';

export interface AttackRequest {
  /** Registry id: fgsm, bim, pgd, fool, deepfool. */
  attack: string;
  /** The attack's options (its zod schema fills in defaults). */
  options?: Record<string, unknown>;
  /** Targeted attacks: the class to reach, by index or name. */
  target?: TargetSpec;
  /** Untargeted attacks: the true class to move away from; the model's prediction by default. */
  label?: TargetSpec;
}

/** Parses options with the attack's schema and checks eps and the range; errors name the model. */
export function prepare(def: AttackDef, info: ModelInfo, raw: unknown): Record<string, unknown> {
  checkRange(info);
  const parsed = def.options.safeParse(raw ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${[def.id, ...i.path].join('.')}: ${i.message}`).join('; ');
    throw new ModelError(info.id, `invalid ${def.id} options: ${issues}`);
  }
  const o = parsed.data;
  if (typeof o.eps === 'number') checkEps(info, def.norm(o), o.eps);
  return o;
}

/** Top-k of one row of logits. */
export function prediction(logits: ArrayLike<number>, k = 5): Prediction {
  const p = softmaxRow(logits);
  const top = p.map((probability, index) => ({ index, probability })).sort((a, b) => b.probability - a.probability).slice(0, k);
  const label = argmaxRow(logits);
  return { label, probability: p[label], top };
}

async function logitsRow(model: Executor, input: tf.Tensor4D): Promise<Float32Array> {
  const t = tf.tidy(() => tf.slice(model.forward(input).logits, [0, 0], [1, -1]));
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

/** The goal of a request on an image whose logits are `logits`: a target or a label to leave. */
function goalOf(def: AttackDef, info: ModelInfo, request: AttackRequest, logits: Float32Array): { targeted: boolean; label: number } {
  const predicted = argmaxRow(logits);
  const hasTarget = request.target !== undefined && request.target !== '';
  if (def.targeted === 'required' && !hasTarget) throw new ModelError(info.id, `${def.id} needs a target class; ${validTargets(info)}`);
  if (def.targeted === 'none' && hasTarget) throw new ModelError(info.id, `${def.id} is untargeted (it goes to the nearest decision boundary); use pgd or fool to reach a chosen class`);
  if (hasTarget) {
    const target = resolveTarget(info, request.target, logits);
    if (target === predicted) {
      const p = softmaxRow(logits)[target];
      throw new ModelError(info.id, `target ${target} '${info.labels[target]}' is already the model's prediction for this image (p = ${p.toFixed(3)}); pick another class to fool it into`);
    }
    return { targeted: true, label: target };
  }
  return { targeted: false, label: resolveTarget(info, request.label, logits) };
}

/** One attack on the first image of `input` (model input, [1, h, w, c]). */
export async function attack(model: Executor, input: tf.Tensor4D, request: AttackRequest, ctx: AttackContext): Promise<AttackResult> {
  const started = performance.now();
  const def = getAttack(request.attack);
  const { info } = model;
  const o = prepare(def, info, request.options);
  const first = tf.tidy(() => tf.slice(input, [0, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D);
  const originalLogits = await logitsRow(model, first);
  const goal = goalOf(def, info, request, originalLogits);
  const pixels = fromModelInput((await first.data()) as Float32Array, info);
  first.dispose();
  const [h, w, c] = info.inputShape;
  const x = tf.tensor4d(pixels, [1, h, w, c]);
  let out;
  try {
    out = await def.perturb(model, x, { labels: [goal.label], targeted: goal.targeted }, o, ctx);
  } finally {
    x.dispose();
  }
  const adversarial = new Float32Array(await out.adversarial.data());
  const advInput = tf.tidy(() => tf.clone(toModelInput(out.adversarial, info)));
  out.adversarial.dispose();
  const finalLogits = await logitsRow(model, advInput);
  const inputValues = new Float32Array(await advInput.data());
  advInput.dispose();
  const perturbation = adversarial.map((v, i) => v - pixels[i]);
  const final = prediction(finalLogits);
  const stepLogits = [Array.from(originalLogits), ...out.stepLogits.slice(1).map((s) => Array.from(s.subarray(0, info.numClasses)))];
  return {
    attack: def.id, width: w, height: h, channels: c, adversarial, perturbation, input: inputValues,
    norm: def.norm(o), eps: out.eps?.[0] ?? (typeof o.eps === 'number' ? o.eps : NaN),
    ...(goal.targeted ? { target: goal.label } : { label: goal.label }),
    original: prediction(originalLogits), final, stepLogits,
    success: goal.targeted ? final.label === goal.label : final.label !== goal.label,
    norms: norms(perturbation), steps: out.steps, elapsedMs: performance.now() - started,
  };
}

export interface BatchOutcome {
  /** Top-1 of each adversarial image. */
  predicted: number[];
  /** [n, h, w, c] adversarial pixels in [0, 1]. */
  adversarial: Float32Array;
  steps: number;
}

/**
 * An attack on many [0, 1] images [n, h, w, c] at once (labels: the true class per image, or the
 * target per image when `targeted`), in batches of `batch`. For curves; no per-image checks.
 */
export async function attackBatch(model: Executor, x: tf.Tensor4D, labels: number[], id: string, options: Record<string, unknown>, ctx: AttackContext & { targeted?: boolean; batch?: number }): Promise<BatchOutcome> {
  const def = getAttack(id);
  const o = prepare(def, model.info, options);
  const n = x.shape[0];
  const size = ctx.batch ?? 32;
  const predicted: number[] = [];
  const adversarial = new Float32Array(x.size);
  let steps = 0;
  for (let s = 0; s < n; s += size) {
    const m = Math.min(size, n - s);
    const part = tf.slice(x, [s, 0, 0, 0], [m, -1, -1, -1]);
    const out = await def.perturb(model, part, { labels: labels.slice(s, s + m), targeted: ctx.targeted === true }, o, { seed: ctx.seed + s, signal: ctx.signal });
    part.dispose();
    const top = tf.tidy(() => tf.argMax(model.forward(toModelInput(out.adversarial, model.info)).logits, 1));
    predicted.push(...(await top.data()));
    adversarial.set(await out.adversarial.data(), s * (x.size / n));
    top.dispose();
    out.adversarial.dispose();
    steps = Math.max(steps, out.steps);
  }
  return { predicted, adversarial, steps };
}
