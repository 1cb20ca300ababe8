/**
 * GraphDef ops with weights: convolutions (plain and Grappler's fused forms), MatMul and batch
 * norm. Convolutions use the same custom-gradient ops as the Keras path (ops/conv.ts); a fused
 * Relu / Relu6 is left to the executor as the Step's activation so the per-call ReLU rule applies.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attrBool, attrNumber, attrStrings } from '../graph-def';
import { makeConv2d, makeDepthwiseConv2d, type ConvOp } from './conv';
import { constInput, convGeometry, expectInputs, opError, padExplicit, type OpBuilder, type OpContext } from './graph-context';
import { noDispose, type Step } from './step';

/** Fused activations the executor applies itself (by Keras activation name, ReLU rules included). */
const FUSED_ACTIVATIONS: Record<string, string> = { Relu: 'relu', Relu6: 'relu6', Elu: 'elu', Sigmoid: 'sigmoid', Tanh: 'tanh' };
/** What may follow the conv / matmul in fused_ops: first one of these two... */
export const FUSED_FIRST = ['BiasAdd', 'FusedBatchNorm'];
/** ...then at most one of these. */
export const FUSED_ACTIVATION_OPS = [...Object.keys(FUSED_ACTIVATIONS), 'LeakyRelu', 'Prelu'];
const FUSED_OPS = [...FUSED_FIRST, ...FUSED_ACTIVATION_OPS];

/** y = x * scale + shift from FusedBatchNorm's scale, offset, mean, variance (inference mode). */
function batchNormAffine(ctx: OpContext, first: number): { scale: tf.Tensor; shift: tf.Tensor } {
  if (attrBool(ctx.node, 'is_training', false)) {
    throw opError(ctx, 'batch norm with is_training true uses batch statistics; export the model for inference');
  }
  const epsilon = attrNumber(ctx.model, ctx.node, 'epsilon', 1e-4);
  const [gamma, beta, mean, variance] = ['scale', 'offset', 'mean', 'variance'].map((what, k) => constInput(ctx, first + k, what));
  return tf.tidy(() => {
    const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, epsilon)));
    return { scale, shift: tf.sub(beta, tf.mul(mean, scale)) };
  });
}

interface Tail {
  apply(y: tf.Tensor): tf.Tensor;
  activation: string;
  dispose(): void;
}

/**
 * The fused_ops after a _FusedConv2D / _FusedMatMul: BiasAdd or FusedBatchNorm, then at most one
 * activation. Their arguments are the node's inputs from `first` on.
 */
function fusedTail(ctx: OpContext, first: number): Tail {
  const ops = attrStrings(ctx.model, ctx.node, 'fused_ops');
  const unknown = ops.filter((op) => !FUSED_OPS.includes(op));
  if (unknown.length > 0 || ops.length > 2 || (ops.length > 0 && ops[0] !== 'BiasAdd' && ops[0] !== 'FusedBatchNorm')) {
    throw opError(ctx, `unsupported fused_ops [${ops.join(', ')}]; supported: ${FUSED_FIRST.join(' or ')}, then one of ${FUSED_ACTIVATION_OPS.join(', ')}`);
  }
  let affine: (y: tf.Tensor) => tf.Tensor = (y) => y;
  let owned: tf.Tensor[] = [];
  let next = first;
  if (ops[0] === 'BiasAdd') {
    const bias = constInput(ctx, next++, 'bias');
    affine = (y) => tf.add(y, bias);
  } else if (ops[0] === 'FusedBatchNorm') {
    const { scale, shift } = batchNormAffine(ctx, next);
    next += 4;
    owned = [scale, shift];
    affine = (y) => tf.add(tf.mul(y, scale), shift);
  }
  const act = ops[1];
  const dispose = (): void => owned.forEach((t) => t.dispose());
  if (act === undefined || act in FUSED_ACTIVATIONS) {
    return { apply: affine, activation: act === undefined ? 'linear' : FUSED_ACTIVATIONS[act], dispose };
  }
  if (act === 'LeakyRelu') {
    const alpha = attrNumber(ctx.model, ctx.node, 'leakyrelu_alpha', 0.2);
    return { apply: (y) => tf.leakyRelu(affine(y), alpha), activation: 'linear', dispose };
  }
  const alpha = constInput(ctx, next, 'prelu alpha');
  return { apply: (y) => tf.prelu(affine(y), alpha), activation: 'linear', dispose };
}

function conv(kind: 'conv' | 'depthwise', fused: boolean): OpBuilder {
  return (ctx) => {
    expectInputs(ctx, 2, fused ? 7 : 2);
    const filter = constInput(ctx, 1, 'filter') as tf.Tensor4D;
    if (filter.rank !== 4) throw opError(ctx, `the filter must be [rows, cols, in, out]; found shape [${filter.shape.join(', ')}]`);
    const g = convGeometry(ctx);
    const op: ConvOp = kind === 'conv' ? makeConv2d(filter, g) : makeDepthwiseConv2d(filter, g);
    const tail: Tail = fused ? fusedTail(ctx, 2) : { apply: (y) => y, activation: 'linear', dispose: noDispose };
    return {
      core: (xs) => tail.apply(op(padExplicit(xs[0] as tf.Tensor4D, g.explicit))),
      activation: tail.activation,
      dispose: () => { op.dispose(); tail.dispose(); },
    };
  };
}

function matMul(fused: boolean): OpBuilder {
  return (ctx) => {
    expectInputs(ctx, 2, fused ? 4 : 2);
    const ta = attrBool(ctx.node, 'transpose_a', false);
    const tb = attrBool(ctx.node, 'transpose_b', false);
    const tail: Tail = fused ? fusedTail(ctx, 2) : { apply: (y) => y, activation: 'linear', dispose: noDispose };
    return {
      core: (xs) => {
        if (xs[0].rank !== 2) {
          throw opError(ctx, `MatMul needs a rank-2 input [batch, features]; found shape [${xs[0].shape.join(', ')}]`);
        }
        return tail.apply(tf.matMul(xs[0] as tf.Tensor2D, xs[1] as tf.Tensor2D, ta, tb));
      },
      activation: tail.activation,
      dispose: tail.dispose,
    };
  };
}

const fusedBatchNorm: OpBuilder = (ctx) => {
  expectInputs(ctx, 5);
  const { scale, shift } = batchNormAffine(ctx, 1);
  return {
    core: (xs) => tf.add(tf.mul(xs[0], scale), shift),
    activation: 'linear',
    dispose: () => { scale.dispose(); shift.dispose(); },
  } satisfies Step;
};

export const GRAPH_WEIGHTED_OPS: Record<string, OpBuilder> = {
  Conv2D: conv('conv', false),
  _FusedConv2D: conv('conv', true),
  DepthwiseConv2dNative: conv('depthwise', false),
  _FusedDepthwiseConv2dNative: conv('depthwise', true),
  // The tfjs converter renames Grappler's _FusedDepthwiseConv2dNative to this.
  FusedDepthwiseConv2dNative: conv('depthwise', true),
  MatMul: matMul(false),
  _FusedMatMul: matMul(true),
  FusedBatchNorm: fusedBatchNorm,
  FusedBatchNormV2: fusedBatchNorm,
  FusedBatchNormV3: fusedBatchNorm,
};
