/**
 * GraphDef ops without weights: element-wise arithmetic, activations, pooling, reductions,
 * reshaping, padding and concatenation. Activations are Step activations by their Keras name, so
 * Relu / Relu6 take the per-call backward rule like any Keras ReLU.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attrBool, attrInts, attrNumber } from '../graph-def';
import { constInput, constInts, expectInputs, expectNhwc, opError, paddingOf, spatial, type OpBuilder } from './graph-context';
import { maxPool } from './max-pool';
import { noDispose, type Step } from './step';

const plain = (core: Step['core'], activation = 'linear'): Step => ({ core, activation, dispose: noDispose });

function unary(f: (x: tf.Tensor) => tf.Tensor, activation = 'linear'): OpBuilder {
  return (ctx) => {
    expectInputs(ctx, 1);
    return plain((xs) => f(xs[0]), activation);
  };
}

function binary(f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): OpBuilder {
  return (ctx) => {
    expectInputs(ctx, 2);
    return plain((xs) => f(xs[0], xs[1]));
  };
}

const identity = (x: tf.Tensor): tf.Tensor => x;

const leakyRelu: OpBuilder = (ctx) => {
  expectInputs(ctx, 1);
  const alpha = attrNumber(ctx.model, ctx.node, 'alpha', 0.2);
  return plain((xs) => tf.leakyRelu(xs[0], alpha));
};

const biasAdd: OpBuilder = (ctx) => {
  expectInputs(ctx, 2);
  expectNhwc(ctx);
  return plain((xs) => tf.add(xs[0], xs[1]));
};

const softmax: OpBuilder = (ctx) => {
  expectInputs(ctx, 1);
  return plain((xs) => {
    if (xs[0].rank !== 2) throw opError(ctx, `Softmax is supported on [batch, classes] only; found shape [${xs[0].shape.join(', ')}]`);
    return xs[0];
  }, 'softmax');
};

function pool(kind: 'max' | 'avg'): OpBuilder {
  return (ctx) => {
    expectInputs(ctx, 1);
    expectNhwc(ctx);
    const size = spatial(ctx, 'ksize');
    const strides = spatial(ctx, 'strides');
    const { padding, explicit } = paddingOf(ctx);
    if (explicit !== undefined) throw opError(ctx, 'pooling with EXPLICIT padding is not supported; expected SAME or VALID');
    // The Keras path's max pool: ties split equally, so maps agree across backends (max-pool.ts).
    const op = kind === 'max' ? maxPool : tf.avgPool;
    return plain((xs) => op(xs[0] as tf.Tensor4D, size, strides, padding));
  };
}

/** Mean / Max over constant axes: global pooling when the axes are [1, 2]. */
function reduce(kind: 'mean' | 'max'): OpBuilder {
  return (ctx) => {
    expectInputs(ctx, 2);
    const axes = constInts(ctx, 1, 'axes');
    const keepDims = attrBool(ctx.node, 'keep_dims', false);
    const op = kind === 'mean' ? tf.mean : tf.max;
    return plain((xs) => op(xs[0], axes, keepDims));
  };
}

const reshape: OpBuilder = (ctx) => {
  expectInputs(ctx, 2);
  const shape = constInts(ctx, 1, 'shape');
  return plain((xs) => tf.reshape(xs[0], shape));
};

const squeeze: OpBuilder = (ctx) => {
  expectInputs(ctx, 1);
  const axes = attrInts(ctx.model, ctx.node, 'squeeze_dims', attrInts(ctx.model, ctx.node, 'axis', []));
  return plain((xs) => tf.squeeze(xs[0], axes.length === 0 ? undefined : axes));
};

function pad(withValue: boolean): OpBuilder {
  return (ctx) => {
    expectInputs(ctx, withValue ? 3 : 2);
    const flat = constInts(ctx, 1, 'paddings');
    const paddings = Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]] as [number, number]);
    const value = withValue ? constInput(ctx, 2, 'constant_values').dataSync()[0] : 0;
    return plain((xs) => tf.pad(xs[0], paddings, value));
  };
}

const concat: OpBuilder = (ctx) => {
  expectInputs(ctx, 3, Infinity);
  const last = ctx.node.inputs.length - 1;
  const [axis] = constInts(ctx, last, 'axis');
  return plain((xs) => tf.concat(xs.slice(0, last), axis));
};

const addN: OpBuilder = (ctx) => {
  expectInputs(ctx, 1, Infinity);
  return plain((xs) => tf.addN(xs));
};

export const GRAPH_PLAIN_OPS: Record<string, OpBuilder> = {
  Placeholder: () => plain((xs) => xs[0]),
  PlaceholderWithDefault: () => plain((xs) => xs[0]),
  BiasAdd: biasAdd,
  BiasAddV1: biasAdd,
  Add: binary(tf.add),
  AddV2: binary(tf.add),
  AddN: addN,
  Sub: binary(tf.sub),
  Mul: binary(tf.mul),
  RealDiv: binary(tf.div),
  Maximum: binary(tf.maximum),
  Minimum: binary(tf.minimum),
  Rsqrt: unary(tf.rsqrt),
  Relu: unary(identity, 'relu'),
  Relu6: unary(identity, 'relu6'),
  LeakyRelu: leakyRelu,
  Elu: unary(identity, 'elu'),
  Sigmoid: unary(identity, 'sigmoid'),
  Tanh: unary(identity, 'tanh'),
  Softmax: softmax,
  MaxPool: pool('max'),
  AvgPool: pool('avg'),
  Mean: reduce('mean'),
  Max: reduce('max'),
  Reshape: reshape,
  Squeeze: squeeze,
  Pad: pad(false),
  PadV2: pad(true),
  ConcatV2: concat,
};
