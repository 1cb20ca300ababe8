/**
 * Messages of the attribution family's worker operations (src/methods/worker.ts): plain data only,
 * imported by the page, so never tfjs here.
 */
import type { IgPath } from './integrated-gradients-path';
import type { OptionSpec } from './option-specs';
import type { Attribution, DisplaySpec } from './types';
import type { BackendName, ImagePixels, ModelRef, ModelSummary, Prediction } from '../workers/protocol';

export interface ComputeRequest extends ModelRef {
  method: string;
  /** Method options; validated in the worker by the method's zod schema. */
  options?: Record<string, unknown>;
  image: ImagePixels;
  /** Class to explain: index or class name; the predicted class when absent. */
  target?: number | string;
  /** Seed for stochastic methods (same seed, same map); 0 when absent. */
  seed?: number;
  /**
   * With method 'integrated-gradients': also trace the path (integrated-gradients-path.ts) with a
   * right Riemann sum of `steps` steps, returning maps and images at the `checkpoints` steps.
   */
  path?: { steps: number; checkpoints: number[] };
}

export interface ComputeResult {
  attribution: Attribution;
  display: DisplaySpec;
  /** Top-5 classes by softmax probability, best first. */
  prediction: Prediction[];
  backend: BackendName;
  model: ModelSummary;
  /** Wall time in the worker for input conversion, prediction and the method (not model loading). */
  elapsedMs: number;
  /** The Integrated Gradients path, when the request asked for it. */
  path?: IgPath;
}

export interface MethodChoice {
  id: string;
  label: string;
  /** The registry's kind (gradient, perturbation, layer, ...); the all-methods grid runs perturbations last. */
  kind?: string;
  /** The method's controllable options (from its zod schema); absent in build-time method lists. */
  options?: OptionSpec[];
}

/** A benchmark request: medians of `runs` timed repetitions of `method` after one warm-up. */
export interface BenchRequest extends ModelRef {
  method: string;
  runs: number;
}

/** Medians measured inside the worker by the 'attribution-bench' operation. */
export interface BenchTimings {
  backend: BackendName;
  runs: number;
  loadMs: number;
  forwardMs: number;
  methodMs: number;
}

/**
 * The methods whose perturbed copies a scoring helper shares (scoreCopyBatches): the page starts
 * the helper worker for these only (src/workers/helper.ts). Occlusion is not among them: on cpu
 * and wasm it scores by incremental inference, which has no copies to send.
 */
export const SHARED_SCORING_METHODS: ReadonlySet<string> = new Set(['rise', 'lime', 'kernel-shap']);

/** The scoring helper's operation: logits of copies [n, h, w, c] on the primary's backend. */
export interface ScoreCopiesRequest extends ModelRef {
  copies: Float32Array;
  shape: [number, number, number, number];
  /** The backend the primary worker runs: the helper refuses to score on another one. */
  backend: BackendName;
}
export interface ScoreCopiesResult {
  logits: Float32Array;
}
