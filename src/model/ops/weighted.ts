/**
 * Layers with weights: Conv2D, DepthwiseConv2D, SeparableConv2D, Dense, BatchNormalization, PReLU.
 * Convolutions go through ops/conv.ts for cheap, wasm-safe input gradients; batch norm is reduced
 * at load to one multiply-add with precomputed scale and shift (inference uses moving statistics).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '../errors';
import { requireWeight } from '../weights';
import { makeConv2d, makeDepthwiseConv2d, type ConvGeometry } from './conv';
import { activationName, isKnownActivation, ACTIVATION_NAMES } from './activations';
import { noDispose, numberField, one, pair, paddingField, type BuildContext, type LinearPart, type Step, type StepBuilder } from './step';

function weight(ctx: BuildContext, attr: string): tf.Tensor {
  return requireWeight(ctx.weights, attr, ctx.model, ctx.node.name, ctx.node.className);
}

function activationOf(ctx: BuildContext): string {
  const name = activationName(ctx.node.config.activation);
  if (!isKnownActivation(name)) {
    throw new ModelError(ctx.model, `unknown activation '${name}'; known: ${ACTIVATION_NAMES.join(', ')}`, ctx.node.name);
  }
  return name;
}

function geometry(ctx: BuildContext): ConvGeometry {
  const strides = pair(ctx, 'strides', [1, 1]);
  const dilation = pair(ctx, 'dilation_rate', [1, 1]);
  if ((strides[0] > 1 || strides[1] > 1) && (dilation[0] > 1 || dilation[1] > 1)) {
    throw new ModelError(ctx.model, `strides ${strides} with dilation_rate ${dilation}: one of them must be 1`, ctx.node.name);
  }
  return { strides, dilation, padding: paddingField(ctx) };
}

function optionalBias(ctx: BuildContext): tf.Tensor | undefined {
  return ctx.node.config.use_bias === false ? undefined : weight(ctx, 'bias');
}

function expectShape(ctx: BuildContext, attr: string, tensor: tf.Tensor, expected: Array<number | null>): void {
  const ok = tensor.rank === expected.length && expected.every((d, i) => d === null || d === tensor.shape[i]);
  if (!ok) {
    const want = `[${expected.map((d) => d ?? '?').join(', ')}]`;
    throw new ModelError(ctx.model, `weight '${attr}' should have shape ${want}; found [${tensor.shape.join(', ')}]`, ctx.node.name);
  }
}

const withBias = (y: tf.Tensor, bias: tf.Tensor | undefined): tf.Tensor => (bias === undefined ? y : tf.add(y, bias));

/** Kernels whose last axis is the output channel: conv2d [kh, kw, in, out], dense [in, out], BN [c]. */
const scaleLastAxis = (kernel: tf.Tensor, scale: tf.Tensor): tf.Tensor => tf.mul(kernel, scale);

/** A LinearPart for an op without state of its own (dense, BN): nothing to dispose. */
function statelessPart(kernel: tf.Tensor, bias: tf.Tensor | undefined, apply: (x: tf.Tensor, k: tf.Tensor) => tf.Tensor): LinearPart {
  return {
    kernel, bias,
    withKernel: (k) => Object.assign((x: tf.Tensor) => apply(x, k), { dispose: noDispose }),
    scaleOutputs: scaleLastAxis,
  };
}

function conv2dPart(kernel: tf.Tensor4D, bias: tf.Tensor | undefined, g: ConvGeometry): LinearPart {
  return {
    kernel, bias,
    withKernel: (k) => makeConv2d(k as tf.Tensor4D, g) as unknown as ReturnType<LinearPart['withKernel']>,
    scaleOutputs: scaleLastAxis,
  };
}

function depthwisePart(kernel: tf.Tensor4D, bias: tf.Tensor | undefined, g: ConvGeometry): LinearPart {
  return {
    kernel, bias,
    withKernel: (k) => makeDepthwiseConv2d(k as tf.Tensor4D, g) as unknown as ReturnType<LinearPart['withKernel']>,
    // Output channel c*m + k comes from kernel[:, :, c, k].
    scaleOutputs: (k, scale) => tf.mul(k, tf.reshape(scale, k.shape.slice(2))),
  };
}

const conv2d: StepBuilder = (ctx) => {
  const groups = numberField(ctx.node.config, 'groups', 1);
  if (groups !== 1) throw new ModelError(ctx.model, `grouped convolution (groups ${groups}) is not supported; expected groups 1`, ctx.node.name);
  const [kh, kw] = pair(ctx, 'kernel_size');
  const kernel = weight(ctx, 'kernel') as tf.Tensor4D;
  expectShape(ctx, 'kernel', kernel, [kh, kw, null, numberField(ctx.node.config, 'filters', kernel.shape[3] ?? 0)]);
  const bias = optionalBias(ctx);
  const g = geometry(ctx);
  const op = makeConv2d(kernel, g);
  return {
    core: (xs) => withBias(op(one(xs) as tf.Tensor4D), bias),
    activation: activationOf(ctx),
    linear: [conv2dPart(kernel, bias, g)],
    dispose: op.dispose,
  };
};

const depthwiseConv2d: StepBuilder = (ctx) => {
  const [kh, kw] = pair(ctx, 'kernel_size');
  const kernel = weight(ctx, 'depthwise_kernel') as tf.Tensor4D;
  expectShape(ctx, 'depthwise_kernel', kernel, [kh, kw, null, numberField(ctx.node.config, 'depth_multiplier', 1)]);
  const bias = optionalBias(ctx);
  const g = geometry(ctx);
  const op = makeDepthwiseConv2d(kernel, g);
  return {
    core: (xs) => withBias(op(one(xs) as tf.Tensor4D), bias),
    activation: activationOf(ctx),
    linear: [depthwisePart(kernel, bias, g)],
    dispose: op.dispose,
  };
};

const separableConv2d: StepBuilder = (ctx) => {
  const [kh, kw] = pair(ctx, 'kernel_size');
  const depthKernel = weight(ctx, 'depthwise_kernel') as tf.Tensor4D;
  expectShape(ctx, 'depthwise_kernel', depthKernel, [kh, kw, null, numberField(ctx.node.config, 'depth_multiplier', 1)]);
  const pointKernel = weight(ctx, 'pointwise_kernel') as tf.Tensor4D;
  expectShape(ctx, 'pointwise_kernel', pointKernel, [1, 1, null, numberField(ctx.node.config, 'filters', pointKernel.shape[3] ?? 0)]);
  const bias = optionalBias(ctx);
  const g = geometry(ctx);
  const pointGeometry: ConvGeometry = { strides: [1, 1], dilation: [1, 1], padding: 'valid' };
  const depthwise = makeDepthwiseConv2d(depthKernel, g);
  const pointwise = makeConv2d(pointKernel, pointGeometry);
  return {
    core: (xs) => withBias(pointwise(depthwise(one(xs) as tf.Tensor4D)), bias),
    activation: activationOf(ctx),
    linear: [depthwisePart(depthKernel, undefined, g), conv2dPart(pointKernel, bias, pointGeometry)],
    dispose: () => { depthwise.dispose(); pointwise.dispose(); },
  };
};

const dense: StepBuilder = (ctx) => {
  const kernel = weight(ctx, 'kernel') as tf.Tensor2D;
  expectShape(ctx, 'kernel', kernel, [null, numberField(ctx.node.config, 'units', kernel.shape[1] ?? 0)]);
  const bias = optionalBias(ctx);
  return {
    core: (xs) => {
      const x = one(xs);
      if (x.rank !== 2) {
        throw new ModelError(ctx.model, `Dense needs a rank-2 input [batch, features]; found shape [${x.shape.join(', ')}] (add a Flatten or global pooling before it)`, ctx.node.name);
      }
      return withBias(tf.matMul(x as tf.Tensor2D, kernel), bias);
    },
    activation: activationOf(ctx),
    linear: [statelessPart(kernel, bias, (x, k) => tf.matMul(x as tf.Tensor2D, k as tf.Tensor2D))],
    dispose: noDispose,
  };
};

/** The normalised axis: -1, or a positive index that must turn out to be the last one. */
function batchNormAxis(ctx: BuildContext): number {
  const raw = ctx.node.config.axis ?? -1;
  const axis = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  if (typeof axis !== 'number') {
    throw new ModelError(ctx.model, `BatchNormalization must normalise one axis, the channel axis -1; found axis ${JSON.stringify(raw)}`, ctx.node.name);
  }
  return axis;
}

/** y = x * scale + shift with scale = gamma / sqrt(var + eps), shift = beta - mean * scale. */
export function batchNormAffine(ctx: BuildContext): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
  const epsilon = numberField(ctx.node.config, 'epsilon', 1e-3);
  const mean = weight(ctx, 'moving_mean');
  const variance = weight(ctx, 'moving_variance');
  const gamma = ctx.node.config.scale === false ? undefined : weight(ctx, 'gamma');
  const beta = ctx.node.config.center === false ? undefined : weight(ctx, 'beta');
  return tf.tidy(() => {
    const inverse = tf.rsqrt(tf.add(variance, epsilon));
    const scale = (gamma === undefined ? inverse : tf.mul(gamma, inverse)) as tf.Tensor1D;
    const shifted = tf.neg(tf.mul(mean, scale));
    return { scale, shift: (beta === undefined ? shifted : tf.add(beta, shifted)) as tf.Tensor1D };
  });
}

const batchNormalization: StepBuilder = (ctx) => {
  const axis = batchNormAxis(ctx);
  const { scale, shift } = batchNormAffine(ctx);
  return {
    core: (xs) => {
      const x = one(xs);
      if (axis !== -1 && axis !== x.rank - 1) {
        throw new ModelError(ctx.model, `BatchNormalization must normalise the last (channel) axis ${x.rank - 1}; found axis ${axis}`, ctx.node.name);
      }
      return tf.add(tf.mul(x, scale), shift);
    },
    activation: 'linear',
    linear: [statelessPart(scale, shift, (x, k) => tf.mul(x, k))],
    dispose: () => { scale.dispose(); shift.dispose(); },
  };
};

const prelu: StepBuilder = (ctx) => {
  const alpha = weight(ctx, 'alpha');
  return { core: (xs) => tf.prelu(one(xs), alpha), activation: 'linear', dispose: noDispose };
};

export const WEIGHTED_LAYERS: Record<string, StepBuilder> = {
  Conv2D: conv2d,
  Convolution2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  SeparableConvolution2D: separableConv2d,
  Dense: dense,
  BatchNormalization: batchNormalization,
  PReLU: prelu,
};

export type { Step };
