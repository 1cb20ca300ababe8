/**
 * The one table of supported GraphDef ops (the GraphModel counterpart of layers.ts): how each
 * compiles to a Step, which ops are pass-throughs, and how the layer table classifies nodes.
 */
import { ModelError } from './errors';
import type { GraphNode } from './graph-def';
import type { OpBuilder, OpContext } from './ops/graph-context';
import { GRAPH_PLAIN_OPS } from './ops/graph-plain';
import { GRAPH_WEIGHTED_OPS } from './ops/graph-weighted';
import type { Step } from './ops/step';
import type { LayerKind } from './types';

const BUILDERS: Record<string, OpBuilder> = { ...GRAPH_WEIGHTED_OPS, ...GRAPH_PLAIN_OPS };

/** Ops that forward their one input unchanged at inference: their names become aliases of it. */
export const PASS_THROUGH_OPS = new Set(['Identity', 'StopGradient', 'Snapshot', 'PreventGradient']);

/** Ops handled by the loader itself: constants (the weights) and control-only nodes. */
const LOADER_OPS = ['Const', 'NoOp'];

export const SUPPORTED_OPS = [...Object.keys(BUILDERS), ...PASS_THROUGH_OPS, ...LOADER_OPS].sort();

/** Layer kind of a node that starts a chain (see `isContinuation`). */
const KINDS: Record<string, LayerKind> = {
  Placeholder: 'input', PlaceholderWithDefault: 'input',
  Conv2D: 'conv', _FusedConv2D: 'conv', DepthwiseConv2dNative: 'conv', _FusedDepthwiseConv2dNative: 'conv', FusedDepthwiseConv2dNative: 'conv',
  MatMul: 'dense', _FusedMatMul: 'dense',
  MaxPool: 'pool', AvgPool: 'pool', Mean: 'pool', Max: 'pool',
  FusedBatchNorm: 'norm', FusedBatchNormV2: 'norm', FusedBatchNormV3: 'norm',
  Softmax: 'activation',
  Reshape: 'reshape', Squeeze: 'reshape', Pad: 'reshape', PadV2: 'reshape',
  ConcatV2: 'merge', AddN: 'merge',
};

/** One-input element-wise ops that finish the node before them: BiasAdd, activations, batch norm. */
const UNARY_CONTINUATIONS = new Set([
  'BiasAdd', 'BiasAddV1', 'Relu', 'Relu6', 'LeakyRelu', 'Elu', 'Sigmoid', 'Tanh', 'Rsqrt',
  'FusedBatchNorm', 'FusedBatchNormV2', 'FusedBatchNormV3',
]);
const BINARY_ELEMENTWISE = new Set(['Add', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'Maximum', 'Minimum']);

/**
 * True when `node` only finishes the computation of its one run-time input (x + bias, relu(x),
 * x * scale, min(x, 6)): that input is then not a row of the layer table, the node is (or the
 * node it continues into). `dynamic` counts the node's inputs that are not constants.
 */
export function isContinuation(node: GraphNode, dynamic: number): boolean {
  if (dynamic !== 1) return false;
  return UNARY_CONTINUATIONS.has(node.op) || BINARY_ELEMENTWISE.has(node.op);
}

/** Kind of the node that starts a chain; element-wise ops on two run-time tensors are merges. */
export function opKind(op: string, dynamic: number): LayerKind {
  if (BINARY_ELEMENTWISE.has(op)) return dynamic > 1 ? 'merge' : 'other';
  if (UNARY_CONTINUATIONS.has(op)) return KINDS[op] ?? 'activation';
  return KINDS[op] ?? 'other';
}

export function buildOp(ctx: OpContext): Step {
  const builder = BUILDERS[ctx.node.op];
  if (builder === undefined) {
    throw new ModelError(ctx.model, `unsupported op '${ctx.node.op}'; supported: ${SUPPORTED_OPS.join(', ')}`, ctx.node.name);
  }
  return builder(ctx);
}
