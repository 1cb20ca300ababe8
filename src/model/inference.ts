/**
 * The scoring-only program behind Executor.infer: logits of many copies, no taps, no gradient
 * (occlusion, RISE and LIME score thousands of perturbed images and never differentiate). Each
 * BatchNormalization is folded into the conv/dense before it (fold.ts), and a Conv2D followed by its
 * only consumer, a plain ReLU, runs as one fused kernel (tf.fused.conv2d: conv + bias + ReLU in
 * one pass, XNNPACK's output clamp on wasm). On a 2-core EPYC, Node wasm, batch 32: 1.16-1.20x
 * faster than forward() on fashion-cnn and shapes-cnn, logits equal to float32 rounding (BN folded
 * changes the order of the per-channel multiply-adds). Built lazily on the first call.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Compiled } from './executor';
import { ModelError } from './errors';
import { foldBatchNorms } from './fold';
import { activationName, applyActivation } from './ops/activations';
import { noDispose, numberField, pair, type Step } from './ops/step';
import type { LayerNode, ModelGraph } from './topology';
import type { LayerWeights } from './weights';

/**
 * How a step acts on a neighbourhood, for scoring copies that differ from one image only in a
 * window (patched.ts): 'pointwise' maps each position on its own (activations, unfolded BN,
 * dropout), any spatial size; 'local' is a sliding window (conv, depthwise, separable, 'valid'
 * pooling) whose `valid` runs the step's own op, without padding, on a crop already padded.
 */
export type WindowForm =
  | { kind: 'pointwise' }
  | { kind: 'local'; kernel: [number, number]; strides: [number, number]; dilations: [number, number]; padding: 'same' | 'valid'; valid(x: tf.Tensor4D): tf.Tensor4D };

export interface InferenceProgram {
  steps: Compiled[];
  /** Steps that can run on a window of their input (patched.ts), by step name. */
  windows: Map<string, WindowForm>;
  /** Names whose output another step now stands for (folded BNs, fused ReLUs). */
  aliases: Map<string, string>;
  /** Tensors made by folding; the executor owns them. */
  created: tf.Tensor[];
}

/** True for a layer that is exactly max(x, 0): Activation('relu') or ReLU() without cap, slope, threshold. */
function isPlainRelu(node: LayerNode): boolean {
  if (node.className === 'Activation') return activationName(node.config.activation) === 'relu';
  if (node.className !== 'ReLU') return false;
  const cap = node.config.max_value;
  return (cap === undefined || cap === null) && numberField(node.config, 'negative_slope', 0) === 0 && numberField(node.config, 'threshold', 0) === 0;
}

type Act = 'linear' | 'relu';

/**
 * A layer with weights as fused tfjs ops (bias and ReLU inside the kernel), on the (folded)
 * weights given; undefined for classes kept as the executor compiled them. Makes no tensors.
 */
function fusedStep(model: string, node: LayerNode, weights: LayerWeights, activation: Act): { step: Step; window?: WindowForm } | undefined {
  const ctx = { model, node, weights };
  const strides = pair(ctx, 'strides', [1, 1]);
  const dilations = pair(ctx, 'dilation_rate', [1, 1]);
  const pad = node.config.padding === 'same' ? 'same' : 'valid';
  const bias = node.config.use_bias === false ? undefined : weights.bias;
  /** The op at a padding; its 'valid' form is the window form. */
  const fused = (op: (x: tf.Tensor4D, padding: 'same' | 'valid') => tf.Tensor4D, kernel: tf.Tensor) => ({
    step: { core: (xs: tf.Tensor[]) => op(xs[0] as tf.Tensor4D, pad), activation: 'linear', dispose: noDispose } as Step,
    window: { kind: 'local', kernel: [kernel.shape[0], kernel.shape[1]], strides, dilations, padding: pad, valid: (x: tf.Tensor4D) => op(x, 'valid') } as WindowForm,
  });
  switch (node.className) {
    case 'Conv2D':
    case 'Convolution2D':
      if (numberField(node.config, 'groups', 1) !== 1) return undefined;
      return fused((x, p) => tf.fused.conv2d({ x, filter: weights.kernel as tf.Tensor4D, strides, pad: p, dilations, bias, activation }), weights.kernel);
    case 'DepthwiseConv2D':
      return fused((x, p) => tf.fused.depthwiseConv2d({ x, filter: weights.depthwise_kernel as tf.Tensor4D, strides, pad: p, dilations, bias, activation }), weights.depthwise_kernel);
    case 'SeparableConv2D':
    case 'SeparableConvolution2D':
      return fused((x, p) => {
        const depth = tf.depthwiseConv2d(x, weights.depthwise_kernel as tf.Tensor4D, strides, p, 'NHWC', dilations);
        return tf.fused.conv2d({ x: depth, filter: weights.pointwise_kernel as tf.Tensor4D, strides: 1, pad: 'valid', bias, activation });
      }, weights.depthwise_kernel);
    case 'Dense':
      return { step: { core: (xs) => {
        if (xs[0].rank !== 2) {
          throw new ModelError(model, `Dense needs a rank-2 input [batch, features]; found shape [${xs[0].shape.join(', ')}] (add a Flatten or global pooling before it)`, node.name);
        }
        return tf.fused.matMul({ a: xs[0] as tf.Tensor2D, b: weights.kernel as tf.Tensor2D, bias, activation });
      }, activation: 'linear', dispose: noDispose } };
    default:
      return undefined;
  }
}

/**
 * Compiles `graph` for scoring from the executor's compiled `steps` (reused as they are, except
 * layers with weights: BN-folded and fused) and its unfolded `weights` (read, never disposed here);
 * folded copies are returned in `created`. Makes no other tensor, so it may run inside a tidy.
 */
export function buildInference(graph: ModelGraph, weights: Map<string, LayerWeights>, steps: Map<string, Step>, model: string): InferenceProgram {
  const folded = foldBatchNorms(graph, weights, model);
  const nodes = folded.graph.nodes;
  const consumers = new Map<string, number>();
  for (const n of nodes) n.inputs.forEach((i) => consumers.set(i, (consumers.get(i) ?? 0) + 1));
  const aliases = new Map(folded.aliases);
  const fusedRelu = new Set<string>();
  const out: Compiled[] = [];
  const windows = new Map<string, WindowForm>();
  for (const node of nodes) {
    if (fusedRelu.has(node.name)) continue;
    const own = activationName(node.config.activation);
    const w = folded.weights.get(node.name);
    const next = nodes.find((n) => n.inputs.length === 1 && n.inputs[0] === node.name);
    const fuseNext = own === 'linear' && next !== undefined && consumers.get(node.name) === 1 && node.name !== folded.graph.outputName && isPlainRelu(next);
    const fused = w !== undefined && (own === 'linear' || own === 'relu') ? fusedStep(model, node, w, own === 'relu' || fuseNext ? 'relu' : 'linear') : undefined;
    if (fused !== undefined) {
      if (fuseNext) {
        fusedRelu.add(next.name);
        aliases.set(next.name, node.name);
      }
      out.push({ name: node.name, className: node.className, inputs: node.inputs, step: fused.step });
      if (fused.window) windows.set(node.name, fused.window);
      continue;
    }
    // Unchanged by folding (a BN that did not fold, pooling, merges, ...): the executor's own step.
    // A layer whose BN was folded into it always has a fused form above.
    out.push({ name: node.name, className: node.className, inputs: node.inputs, step: steps.get(node.name)! });
    const window = plainWindow(model, node);
    if (window) windows.set(node.name, window);
  }
  // A step fed by a folded BN or a fused ReLU reads the layer that now produces that output.
  const rename = (name: string): string => aliases.get(name) ?? name;
  for (const s of out) s.inputs = s.inputs.map(rename);
  return { steps: out, windows, aliases, created: folded.created };
}

/** Layers without weights that map each position on its own, whatever the spatial size. */
const POINTWISE = new Set(['InputLayer', 'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Rescaling', 'BatchNormalization',
  'Dropout', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ActivityRegularization']);

/** The window form of a layer kept as the executor compiled it, if it has one. */
function plainWindow(model: string, node: LayerNode): WindowForm | undefined {
  if (POINTWISE.has(node.className)) return { kind: 'pointwise' };
  const max = node.className === 'MaxPooling2D' || node.className === 'MaxPool2D';
  const avg = node.className === 'AveragePooling2D' || node.className === 'AvgPool2D';
  // 'same' pooling pads with -inf (max) or leaves pads out of the mean (avg): not a zero-padded crop.
  if ((!max && !avg) || (node.config.padding ?? 'valid') !== 'valid') return undefined;
  const ctx = { model, node, weights: undefined };
  const size = pair(ctx, 'pool_size', [2, 2]);
  const strides = pair(ctx, 'strides', size);
  return {
    kind: 'local', kernel: size, strides, dilations: [1, 1], padding: 'valid',
    valid: (x) => (max ? tf.maxPool(x, size, strides, 'valid') : tf.avgPool(x, size, strides, 'valid')),
  };
}

/** Step indices by name, the logits step's index and which steps the logits depend on. */
export function logitsPlan(program: InferenceProgram, logitsName: string): { index: Map<string, number>; logits: number; needed: boolean[] } {
  const { steps } = program;
  const index = new Map(steps.map((s, i) => [s.name, i]));
  const logits = index.get(program.aliases.get(logitsName) ?? logitsName)!;
  const needed = new Array<boolean>(steps.length).fill(false);
  needed[logits] = true;
  for (let i = steps.length - 1; i >= 0; i--) {
    if (needed[i]) steps[i].inputs.forEach((name) => { needed[index.get(name)!] = true; });
  }
  return { index, logits, needed };
}

/**
 * Step `s` on its inputs with its activation after the core; `rawLogits`: this is the logits step
 * and its own softmax is left out (pre-softmax logits).
 */
export function applyStep(s: Compiled, inputs: tf.Tensor[], rawLogits: boolean): tf.Tensor {
  const y = s.step.core(inputs, 'gradient');
  return rawLogits ? y : applyActivation(s.step.activation, y, 'gradient');
}

/**
 * The logits of `x` through `program` (inside the caller's tidy): only the steps the logits depend
 * on, in order. `skipActivation`: the logits step's own softmax is left out (pre-softmax logits).
 * `onValue` sees each step's output as it is made (patched.ts keeps the image's activations).
 */
export function runInference(program: InferenceProgram, x: tf.Tensor4D, inputName: string, logitsName: string, skipActivation: boolean, onValue?: (step: number, value: tf.Tensor) => void): tf.Tensor2D {
  const { steps } = program;
  const { index, logits, needed } = logitsPlan(program, logitsName);
  const values = new Array<tf.Tensor | undefined>(steps.length);
  for (let i = 0; i <= logits; i++) {
    if (!needed[i]) continue;
    const s = steps[i];
    values[i] = applyStep(s, s.name === inputName ? [x] : s.inputs.map((name) => values[index.get(name)!]!), i === logits && skipActivation);
    onValue?.(i, values[i]!);
  }
  return values[logits] as tf.Tensor2D;
}
