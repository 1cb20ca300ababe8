/**
 * Shared attack types. Every attack works in pixel space: images in [0, 1] (what the model's
 * preprocessing maps to its own range), so epsilon means the same thing for a [0, 1], [0, 255] or
 * [-1, 1] model (torchattacks assumes [0, 1] inputs and normalizes inside the model; so do we).
 * Attacks return plain data: the adversarial image, the perturbation, per-step logits, the final
 * prediction and the perturbation's norms.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { Executor } from '../model/types';

export type Norm = 'linf' | 'l2';

/** What a batch attack is asked to do, one class per image. */
export interface Goal {
  /** Untargeted: the class to move away from (the true label or the model's prediction). Targeted: the class to reach. */
  labels: number[];
  targeted: boolean;
}

export interface AttackContext {
  /** Seeded randomness (random start): same seed, same result. */
  seed: number;
  /** Set when a newer request superseded this one; iterative attacks check it between steps. */
  signal?: { aborted: boolean };
}

/** A batch attack's raw output; the caller owns `adversarial`. */
export interface Perturbed {
  /** [n, h, w, c] adversarial pixels in [0, 1]. */
  adversarial: tf.Tensor4D;
  /** Logits of every image after each step, step-major: stepLogits[s] is [n * numClasses]. */
  stepLogits: Float32Array[];
  /** Steps taken (fewer than asked with early stopping or cancellation). */
  steps: number;
  /** The epsilon finally used (minimal-perturbation searches shrink it); per image. */
  eps?: number[];
  cancelled?: boolean;
}

export interface AttackDef<O extends Record<string, unknown> = Record<string, unknown>> {
  /** Stable id used in the CLI, MDX and the worker: the file name. */
  id: string;
  label: string;
  paper: { title: string; authors: string; year: number; url: string };
  /** Whether the attack takes a target class: FGSM/PGD either way, "fool" always, DeepFool never. */
  targeted: 'none' | 'optional' | 'required';
  /** One schema for the CLI, the worker and the tests; parsing fills in defaults. */
  options: z.ZodType<O, z.ZodTypeDef, unknown>;
  /** The norm whose ball `options.eps` bounds (for the range check and the figure's slider). */
  norm(options: O): Norm;
  /** `x` [n, h, w, c] pixels in [0, 1]; the caller keeps ownership of `x`. */
  perturb(model: Executor, x: tf.Tensor4D, goal: Goal, options: O, ctx: AttackContext): Promise<Perturbed>;
}

export interface Prediction {
  /** Top-1 class index. */
  label: number;
  /** Softmax probability of the top-1 class. */
  probability: number;
  /** The k most probable classes, best first. */
  top: Array<{ index: number; probability: number }>;
}

/** One attacked image as plain, transferable data. */
export interface AttackResult {
  attack: string;
  width: number;
  height: number;
  channels: number;
  /** Row-major [h, w, c] adversarial pixels in [0, 1]. */
  adversarial: Float32Array;
  /** adversarial - original, in [0, 1] pixel units. */
  perturbation: Float32Array;
  /** The adversarial image as model input (after the model's preprocessing). */
  input: Float32Array;
  norm: Norm;
  /** The epsilon bound used (after a minimal-perturbation search, the smallest that fooled). */
  eps: number;
  /** Untargeted: the class moved away from; targeted: undefined. */
  label?: number;
  /** Targeted: the class aimed for. */
  target?: number;
  original: Prediction;
  final: Prediction;
  /** Logits after each step; stepLogits[0] is the original image's. */
  stepLogits: number[][];
  /** Untargeted: the prediction left `label`; targeted: the prediction is `target`. */
  success: boolean;
  norms: { linf: number; l2: number };
  steps: number;
  elapsedMs: number;
}
