/**
 * Shared method types (Captum's "same shape as input" contract): an attribution method maps
 * (model, input, target, options) to plain data the size of the input. Methods never colour
 * anything; `display` tells src/render how to reduce and colour the raw map.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { Executor, ModelInfo } from '../model/types';

export type MethodKind = 'gradient' | 'perturbation' | 'layer' | 'activation' | 'synthesis';

/** A raw attribution map: plain, transferable data. */
export interface Attribution {
  /** Row-major [height, width, channels] values. */
  values: Float32Array;
  width: number;
  height: number;
  channels: number;
  method: string;
  layer?: string;
  /** Class index whose logit was explained. */
  target: number;
  /**
   * Options the method resolved itself because their default depends on the input (occlusion's
   * patch and stride scale with the image), so a figure can show the values the map was computed with.
   */
  resolved?: Record<string, number>;
  stats: AttributionStats;
}

export interface AttributionStats {
  min: number;
  max: number;
  /** Pre-softmax score of the target class for the input. */
  targetLogit: number;
  /** Softmax probability of the target class. */
  targetProbability: number;
  /** Milliseconds spent in the method (diagnostic; never asserted in tests). */
  elapsedMs: number;
  /** Method-specific diagnostics, e.g. Integrated Gradients' `completenessDelta`. */
  extra?: Record<string, number>;
}

/** How a figure turns a raw map into a 2-D heatmap. */
export interface DisplaySpec {
  /** 'max-abs': max over channels of |v| (Simonyan 2014); 'sum': signed sum over channels. */
  reduce: 'max-abs' | 'sum';
  /** Signed maps get a diverging colormap centred on 0. */
  signed: boolean;
}

export interface RunContext {
  /** Seeded randomness for stochastic methods: same seed, same output. */
  seed: number;
  /** Set when a newer request superseded this one; long methods check it between batches. */
  signal?: { aborted: boolean };
  /**
   * Another worker that scores perturbed copies too (the page's scoring helper,
   * src/workers/helper.ts): the model's logits [count, classes] of copies [count, h, w, c] on the
   * same backend. The perturbation methods share their batches with it (scoreCopyBatches).
   */
  helper?: CopyScorer;
}

export type CopyScorer = (copies: Float32Array, shape: [number, number, number, number]) => Promise<Float32Array>;

export interface MethodDef<O extends Record<string, unknown> = Record<string, unknown>> {
  /** Stable id used in MDX, the CLI and the worker: the file name. */
  id: string;
  label: string;
  kind: MethodKind;
  needsLayer: boolean;
  paper: { title: string; authors: string; year: number; url: string };
  /** One schema read by UI controls, worker validation and tests. Parsing fills in defaults. */
  options: z.ZodType<O, z.ZodTypeDef, unknown>;
  display: DisplaySpec;
  /**
   * Options the registry property tests run with instead of the defaults, for methods whose
   * defaults cost minutes on the tests' largest fixtures (e.g. fewer RISE masks). Parsed by `options`.
   */
  testOptions?: Record<string, unknown>;
  /**
   * For methods that only apply to some architectures (CAM needs GAP + one dense layer; layer
   * methods need a 4-D layer): the error `run` throws on this model with default options, or
   * undefined when it applies. Lets UIs grey the method out and tests expect the error.
   */
  unsupported?(info: ModelInfo): string | undefined;
  run(model: Executor, input: tf.Tensor4D, target: number, options: O, ctx: RunContext): Promise<Attribution>;
  /**
   * Optional batched core of `run` for methods whose map of an image depends on that image alone
   * (gradients): the raw map of every image of `input`, same shape, caller owns it. Wrappers such as
   * SmoothGrad use it to push all their noisy copies through one forward/backward pass.
   */
  batchMaps?(model: Executor, input: tf.Tensor4D, target: number, options: O, ctx: RunContext): tf.Tensor4D;
}
