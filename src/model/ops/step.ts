/**
 * The compiled form of one layer: a pure function of its inputs over constant weights prepared
 * once at load. The fused Keras `activation` is kept apart from `core` so that the executor can
 * return the pre-softmax logits of a final Dense(softmax) and apply the per-call ReLU rule.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { customGrad as tfCustomGrad } from '@tensorflow/tfjs-core';
import { ModelError } from '../errors';
import type { LayerConfig, LayerNode } from '../topology';
import type { ReluRule } from '../types';
import type { LayerWeights } from '../weights';

/** A linear map of a layer's input re-weightable by a method (LRP's rho(w)); see `Step.linear`. */
export interface LinearPart {
  /** The weights as stored, e.g. a Conv2D kernel [kh, kw, in, out] or a BN scale [c]. Owned by the step. */
  kernel: tf.Tensor;
  /** Added after the map; undefined when the layer has none. Owned by the step. */
  bias?: tf.Tensor;
  /**
   * The same map (no bias) with another kernel of `kernel`'s shape, with the step's wasm-safe input
   * gradient. The caller disposes the op (it may hold a flipped copy of the kernel).
   */
  withKernel(kernel: tf.Tensor): ((x: tf.Tensor) => tf.Tensor) & { dispose(): void };
  /** `kernel` with each output channel multiplied by `scale[channel]` (BatchNorm folding). */
  scaleOutputs(kernel: tf.Tensor, scale: tf.Tensor): tf.Tensor;
}

export interface Step {
  core(inputs: tf.Tensor[], rule: ReluRule): tf.Tensor;
  /** Keras activation name applied after `core`; 'linear' when there is none. */
  activation: string;
  /**
   * For layers whose core is affine in their one input: core(x) = parts applied in order, each
   * x -> withKernel(kernel)(x) + bias. Set by conv, depthwise, separable (two parts), dense and
   * batch norm; rules that re-weight layers (src/methods/lrp) read it, the forward pass never does.
   */
  linear?: LinearPart[];
  /** Frees tensors the step derived from its weights (flipped kernels, folded scales). */
  dispose(): void;
}

export interface BuildContext {
  model: string;
  node: LayerNode;
  weights: LayerWeights | undefined;
}

export type StepBuilder = (ctx: BuildContext) => Step;

export const noDispose = (): void => {};

/** A [rows, cols] pair from a Keras int-or-pair config field. */
export function pair(ctx: BuildContext, key: string, fallback?: [number, number]): [number, number] {
  const value = ctx.node.config[key];
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    return [value[0] as number, value[1] as number];
  }
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  throw new ModelError(ctx.model, `${ctx.node.className} config '${key}' must be a number or [rows, cols]; found ${JSON.stringify(value)}`, ctx.node.name);
}

export function numberField(config: LayerConfig, key: string, fallback: number): number {
  const value = config[key];
  return typeof value === 'number' ? value : fallback;
}

export function paddingField(ctx: BuildContext): 'same' | 'valid' {
  const value = ctx.node.config.padding ?? 'valid';
  if (value === 'same' || value === 'valid') return value;
  throw new ModelError(ctx.model, `padding must be 'same' or 'valid'; found '${String(value)}'`, ctx.node.name);
}

/** The input of a one-input layer (the topology guarantees there is exactly one). */
export function one(inputs: tf.Tensor[]): tf.Tensor {
  return inputs[0];
}

/** tf.customGrad for a one-input op, typed (tfjs types the callback as variadic). */
export function unaryCustomGrad<T extends tf.Tensor>(
  f: (x: tf.Tensor, save: tf.GradSaveFunc) => { value: T; gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor },
): (x: tf.Tensor) => T {
  return tfCustomGrad(f as unknown as Parameters<typeof tfCustomGrad>[0]) as unknown as (x: tf.Tensor) => T;
}
