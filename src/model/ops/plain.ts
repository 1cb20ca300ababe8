/**
 * Layers without weights: activations, pooling, reshaping, padding, merging and the layers that
 * are the identity at inference (dropout, noise). All channels_last.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '../errors';
import { maxPool } from './max-pool';
import { ACTIVATION_NAMES, activationName, isKnownActivation, relu } from './activations';
import { noDispose, numberField, one, pair, paddingField, type BuildContext, type Step, type StepBuilder } from './step';

const plain = (core: Step['core'], activation = 'linear'): Step => ({ core, activation, dispose: noDispose });

const identity: StepBuilder = () => plain(one);

const activation: StepBuilder = (ctx) => {
  const name = activationName(ctx.node.config.activation);
  if (!isKnownActivation(name)) {
    throw new ModelError(ctx.model, `unknown activation '${name}'; known: ${ACTIVATION_NAMES.join(', ')}`, ctx.node.name);
  }
  return plain(one, name);
};

/** tfjs writes axis 1 for rank-2 softmax, Keras -1: any spelling of the last axis. */
const softmax: StepBuilder = (ctx) => {
  const raw = ctx.node.config.axis ?? -1;
  const axis = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  return plain((xs) => {
    const x = one(xs);
    if (axis !== -1 && axis !== x.rank - 1) {
      throw new ModelError(ctx.model, `Softmax is supported over the last axis (-1 or ${x.rank - 1}) only; found axis ${JSON.stringify(raw)}`, ctx.node.name);
    }
    return x;
  }, 'softmax');
};

/** Keras ReLU layer: max_value, negative_slope, threshold. Only the plain (capped) ReLU obeys the rule. */
const reluLayer: StepBuilder = (ctx) => {
  const cap = typeof ctx.node.config.max_value === 'number' ? ctx.node.config.max_value : Infinity;
  const slope = numberField(ctx.node.config, 'negative_slope', 0);
  const threshold = numberField(ctx.node.config, 'threshold', 0);
  if (slope === 0 && threshold === 0) return plain((xs, rule) => relu(one(xs), rule, cap));
  return plain((xs) => {
    const x = one(xs);
    const above = tf.mul(x, tf.cast(tf.greater(x, threshold), 'float32')); // Keras: 0 at x == threshold
    const below = tf.mul(tf.mul(tf.sub(x, threshold), slope), tf.cast(tf.less(x, threshold), 'float32'));
    const y = tf.add(above, below);
    return cap === Infinity ? y : tf.minimum(y, cap);
  });
};

const leakyRelu: StepBuilder = (ctx) => {
  const alpha = numberField(ctx.node.config, 'alpha', numberField(ctx.node.config, 'negative_slope', 0.3));
  return plain((xs) => tf.leakyRelu(one(xs), alpha));
};

const eluLayer: StepBuilder = (ctx) => {
  const alpha = numberField(ctx.node.config, 'alpha', 1);
  if (alpha === 1) return plain(one, 'elu');
  return plain((xs) => {
    const x = one(xs);
    return tf.add(tf.relu(x), tf.mul(alpha, tf.sub(tf.exp(tf.minimum(x, 0)), 1)));
  });
};

function pool(kind: 'max' | 'avg'): StepBuilder {
  return (ctx) => {
    const size = pair(ctx, 'pool_size', [2, 2]);
    const strides = pair(ctx, 'strides', size);
    const padding = paddingField(ctx);
    const op = kind === 'max' ? maxPool : tf.avgPool;
    return plain((xs) => op(one(xs) as tf.Tensor4D, size, strides, padding));
  };
}

function globalPool(kind: 'max' | 'avg'): StepBuilder {
  return (ctx) => {
    const keepDims = ctx.node.config.keepdims === true;
    const op = kind === 'max' ? tf.max : tf.mean;
    return plain((xs) => op(one(xs), [1, 2], keepDims));
  };
}

const flatten: StepBuilder = () => plain((xs) => {
  const x = one(xs);
  return tf.reshape(x, [x.shape[0], -1]);
});

const reshape: StepBuilder = (ctx) => {
  const target = ctx.node.config.target_shape;
  if (!Array.isArray(target) || !target.every((d) => typeof d === 'number')) {
    throw new ModelError(ctx.model, `Reshape needs target_shape as a list of numbers; found ${JSON.stringify(target)}`, ctx.node.name);
  }
  return plain((xs) => tf.reshape(one(xs), [one(xs).shape[0], ...(target as number[])]));
};

/** Keras padding/cropping fields: n, [rows, cols] (symmetric) or [[top, bottom], [left, right]]. */
function edges(ctx: BuildContext, key: string): [[number, number], [number, number]] {
  const value = ctx.node.config[key];
  if (typeof value === 'number') return [[value, value], [value, value]];
  if (Array.isArray(value) && value.length === 2) {
    if (value.every((v) => typeof v === 'number')) return [[value[0], value[0]], [value[1], value[1]]];
    if (value.every((v) => Array.isArray(v) && v.length === 2)) return value as [[number, number], [number, number]];
  }
  throw new ModelError(ctx.model, `${key} must be n, [rows, cols] or [[top, bottom], [left, right]]; found ${JSON.stringify(value)}`, ctx.node.name);
}

const zeroPadding: StepBuilder = (ctx) => {
  const [rows, cols] = edges(ctx, 'padding');
  return plain((xs) => tf.pad(one(xs), [[0, 0], rows, cols, [0, 0]]));
};

const cropping: StepBuilder = (ctx) => {
  const [[top, bottom], [left, right]] = edges(ctx, 'cropping');
  return plain((xs) => {
    const [b, h, w, c] = one(xs).shape;
    return tf.slice(one(xs), [0, top, left, 0], [b, h - top - bottom, w - left - right, c]);
  });
};

const rescaling: StepBuilder = (ctx) => {
  const { scale = 1, offset = 0 } = ctx.node.config;
  if (typeof scale !== 'number' || typeof offset !== 'number') {
    throw new ModelError(ctx.model, `Rescaling needs a number scale and offset (per-channel values are not supported); found scale ${JSON.stringify(scale)}, offset ${JSON.stringify(offset)}`, ctx.node.name);
  }
  return plain((xs) => tf.add(tf.mul(one(xs), scale), offset));
};

function merge(combine: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, finish?: (y: tf.Tensor, n: number) => tf.Tensor): StepBuilder {
  return () => plain((xs) => {
    const total = xs.slice(1).reduce(combine, xs[0]);
    return finish === undefined ? total : finish(total, xs.length);
  });
}

const concatenate: StepBuilder = (ctx) => {
  const axis = numberField(ctx.node.config, 'axis', -1);
  return plain((xs) => tf.concat(xs, axis));
};

export const PLAIN_LAYERS: Record<string, StepBuilder> = {
  InputLayer: identity,
  Activation: activation,
  Softmax: softmax,
  ReLU: reluLayer,
  LeakyReLU: leakyRelu,
  ELU: eluLayer,
  MaxPooling2D: pool('max'),
  MaxPool2D: pool('max'),
  AveragePooling2D: pool('avg'),
  AvgPool2D: pool('avg'),
  GlobalAveragePooling2D: globalPool('avg'),
  GlobalAvgPool2D: globalPool('avg'),
  GlobalMaxPooling2D: globalPool('max'),
  GlobalMaxPool2D: globalPool('max'),
  Flatten: flatten,
  Reshape: reshape,
  ZeroPadding2D: zeroPadding,
  Cropping2D: cropping,
  Rescaling: rescaling,
  Dropout: identity,
  SpatialDropout2D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
  ActivityRegularization: identity,
  Add: merge(tf.add),
  Subtract: merge(tf.sub),
  Multiply: merge(tf.mul),
  Maximum: merge(tf.maximum),
  Minimum: merge(tf.minimum),
  Average: merge(tf.add, (y, n) => tf.div(y, n)),
  Concatenate: concatenate,
};

/** Layers that take two or more inputs; every other layer takes exactly one. */
export const MERGE_LAYERS = new Set(['Add', 'Subtract', 'Multiply', 'Maximum', 'Minimum', 'Average', 'Concatenate']);
