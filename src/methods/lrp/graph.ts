/**
 * LRP over an executor's compiled program: one forward pass keeping every layer's output, then
 * relevance flows from the target logit back to the input, layer by layer in reverse order, summing
 * where a layer feeds several others (residual branches). Layers are handled by what they are:
 *   - affine (conv, depthwise, separable, dense, batch norm): the rules of rules.ts; a BatchNorm is
 *     folded into the conv/dense before it first (its only consumer, no activation in between), so
 *     the rule sees one affine map, as Montavon et al. 2019 prescribe (fold.ts folds the same way);
 *   - element-wise activations: relevance passes unchanged (Captum and iNNvestigate; conservation
 *     is exact only for the ReLU family, which is why `nonReluActivations` is reported);
 *   - rearrangements (flatten, reshape, padding, cropping, concatenation, dropout): relevance moves
 *     with the values (the transpose of the map applied to R itself);
 *   - pooling and merges (max / average pooling, Add, Subtract, Average, Maximum, Minimum,
 *     Rescaling): split in proportion to each input's contribution to the output, a ⊙ J^T (R / z).
 *     For max pooling that is winner-take-all (the gradient picks the maximum; tied maxima share
 *     equally, see ops/max-pool.ts), the usual choice (Montavon 2019, Captum, iNNvestigate).
 * Multiply (gating) has no agreed rule and other layers have none: both raise `unsupportedLayers`.
 */
import * as tf from '@tensorflow/tfjs-core';
import '#tfjs-gradients';
import { ModelError } from '../../model/errors';
import type { Compiled, Program } from '../../model/executor';
import { applyActivation } from '../../model/ops/activations';
import type { LinearPart } from '../../model/ops/step';
import type { ModelInfo } from '../../model/types';
import { OpPool, propagateLinear, stabilize, type FirstLayerRule, type InputBounds, type RuleParams } from './rules';

/** Element-wise activations and the layers that are the identity at inference. */
const PASS = new Set([
  'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'PReLU', 'InputLayer', 'Dropout', 'SpatialDropout2D',
  'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ActivityRegularization',
]);
const REARRANGE = new Set(['Flatten', 'Reshape', 'ZeroPadding2D', 'Cropping2D', 'Concatenate']);
const PROPORTIONAL = new Set([
  'Add', 'Subtract', 'Average', 'Maximum', 'Minimum', 'MaxPooling2D', 'MaxPool2D', 'AveragePooling2D',
  'AvgPool2D', 'GlobalAveragePooling2D', 'GlobalAvgPool2D', 'GlobalMaxPooling2D', 'GlobalMaxPool2D', 'Rescaling',
]);
const AFFINE = new Set([
  'Conv2D', 'Convolution2D', 'DepthwiseConv2D', 'SeparableConv2D', 'SeparableConvolution2D', 'Dense', 'BatchNormalization',
]);
/** Activations relevance passes through that are not ReLU-like (x > 0 kept, x <= 0 zeroed or capped). */
const RELU_FAMILY = new Set(['linear', 'relu', 'relu6', 'softmax']);
const NOT_RELU_LAYERS = new Set(['LeakyReLU', 'ELU', 'PReLU']);

export const LRP_LAYERS = [...AFFINE, ...PASS, ...REARRANGE, ...PROPORTIONAL].sort();

/** Names of the layers the logits depend on, from a layer table. */
function upstream(info: ModelInfo): Set<string> {
  const byName = new Map(info.layers.map((l) => [l.name, l]));
  const seen = new Set<string>();
  const stack = [info.logitsLayer];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    byName.get(name)?.inputs.forEach((i) => stack.push(i));
  }
  return seen;
}

/**
 * Why LRP cannot run on this model, from its layer table alone, or undefined. Names the first layer
 * without a rule and its class, and the classes that have one.
 */
export function unsupportedLayers(info: ModelInfo): string | undefined {
  if (info.layers.length === 0) {
    return new ModelError(info.id, 'LRP needs the layers of a model loaded with loadModel; this executor exposes none').message;
  }
  const needed = upstream(info);
  const bad = info.layers.find((l) => needed.has(l.name) && !LRP_LAYERS.includes(l.className));
  if (bad === undefined) return undefined;
  const why = bad.className === 'Multiply' ? ' (a gate: LRP has no agreed rule for products)' : '';
  return new ModelError(info.id, `LRP has no rule for ${bad.className} layer '${bad.name}'${why}; rules exist for: ${LRP_LAYERS.join(', ')}`, bad.name).message;
}

/** An affine node after BN folding: the parts to re-weight and the step whose input they read. */
interface Affine {
  parts: LinearPart[];
  input: number;
  /** Class of the layer that owns the weights (the conv/dense, not its folded BN). */
  className: string;
}

export interface LrpOptions extends Omit<RuleParams, 'rule'> {
  /** A rule for every affine layer, or 'composite': epsilon for Dense, alpha-beta for the rest. */
  rule: RuleParams['rule'] | 'composite';
  firstLayer: FirstLayerRule;
  bounds: InputBounds;
}

export interface LrpResult {
  /** Relevance of each input value, the shape of the input. */
  relevance: tf.Tensor4D;
  /** Elementwise activations that are not ReLU-like that relevance passed through. */
  nonReluActivations: number;
}

/** Steps the logits depend on (like the executor's own run). */
function neededSteps(program: Readonly<Program>, index: Map<string, number>): boolean[] {
  const needed = new Array<boolean>(program.steps.length).fill(false);
  needed[index.get(program.logitsName)!] = true;
  for (let i = program.steps.length - 1; i >= 0; i--) {
    if (needed[i]) program.steps[i].inputs.forEach((n) => { needed[index.get(n)!] = true; });
  }
  return needed;
}

/**
 * BN step index -> folded affine of (conv/dense, BN). Folded tensors are created in the caller's
 * tidy. `absorbed` marks the conv/dense whose relevance the BN then hands straight to its input.
 */
function foldPairs(program: Readonly<Program>, index: Map<string, number>, needed: boolean[]): { folded: Map<number, Affine>; absorbed: Set<number> } {
  const consumers = new Array<number>(program.steps.length).fill(0);
  program.steps.forEach((s) => s.inputs.forEach((n) => { consumers[index.get(n)!] += 1; }));
  const folded = new Map<number, Affine>();
  const absorbed = new Set<number>();
  program.steps.forEach((s, i) => {
    if (!needed[i] || s.className !== 'BatchNormalization' || s.step.linear === undefined) return;
    const p = index.get(s.inputs[0])!;
    const prev = program.steps[p];
    const parts = prev.step.linear;
    if (parts === undefined || prev.className === 'BatchNormalization' || prev.step.activation !== 'linear' || consumers[p] !== 1) return;
    const [bn] = s.step.linear;
    const last = parts[parts.length - 1];
    const bias = last.bias === undefined ? bn.bias : tf.add(tf.mul(last.bias, bn.kernel), bn.bias!);
    const scaled: LinearPart = { ...last, kernel: last.scaleOutputs(last.kernel, bn.kernel), bias };
    folded.set(i, { parts: [...parts.slice(0, -1), scaled], input: index.get(prev.inputs[0])!, className: prev.className });
    absorbed.add(p);
  });
  return { folded, absorbed };
}

function forwardValues(program: Readonly<Program>, x: tf.Tensor4D, needed: boolean[], index: Map<string, number>): tf.Tensor[] {
  const values: tf.Tensor[] = [];
  const inputIndex = index.get(program.inputName)!;
  const logitsIndex = index.get(program.logitsName)!;
  program.steps.forEach((s, i) => {
    if (!needed[i]) return;
    const inputs = i === inputIndex ? [x] : s.inputs.map((n) => values[index.get(n)!]);
    const y = s.step.core(inputs, 'gradient');
    const skip = i === logitsIndex && program.dropLogitsActivation;
    values[i] = skip ? y : applyActivation(s.step.activation, y, 'gradient');
  });
  return values;
}

/** Relevance of the input of `x` (one image or a batch) for `target`'s logit. Call inside tf.tidy. */
export function propagate(program: Readonly<Program>, info: ModelInfo, x: tf.Tensor4D, target: number, o: LrpOptions, pool: OpPool): LrpResult {
  const index = new Map(program.steps.map((s, i) => [s.name, i]));
  const needed = neededSteps(program, index);
  const { folded, absorbed } = foldPairs(program, index, needed);
  const values = forwardValues(program, x, needed, index);
  const inputIndex = index.get(program.inputName)!;
  const logitsIndex = index.get(program.logitsName)!;
  // Steps fed by the image through rearrangements only: their affine layers take the first-layer rule.
  const fromInput = program.steps.map(() => false);
  program.steps.forEach((s, i) => {
    const moves = REARRANGE.has(s.className) || (PASS.has(s.className) && s.step.activation === 'linear');
    fromInput[i] = i === inputIndex || (moves && s.inputs.every((n) => fromInput[index.get(n)!]));
  });

  const relevance: Array<tf.Tensor | undefined> = [];
  const logits = values[logitsIndex];
  relevance[logitsIndex] = tf.mul(logits, tf.oneHot(tf.fill([logits.shape[0]], target, 'int32'), logits.shape[1]!));
  let nonRelu = 0;
  const give = (step: number, r: tf.Tensor) => {
    const had = relevance[step];
    relevance[step] = had === undefined ? r : tf.add(had, r);
  };

  for (let i = program.steps.length - 1; i >= 0; i--) {
    const r = relevance[i];
    if (!needed[i] || i === inputIndex || r === undefined) continue;
    const s = program.steps[i];
    if (absorbed.has(i)) continue; // its BN passed the relevance straight to its input
    if (!RELU_FAMILY.has(s.step.activation) || NOT_RELU_LAYERS.has(s.className)) nonRelu += 1;
    const inputs = s.inputs.map((n) => index.get(n)!);
    const affine = folded.get(i) ?? (s.step.linear === undefined ? undefined : { parts: s.step.linear, input: inputs[0], className: s.className });
    if (affine !== undefined) {
      const first = fromInput[affine.input] ? o.firstLayer : 'same';
      // Montavon et al. 2019, Sec. 10.1: epsilon where few, large weights mix (dense), alpha-beta in the convs.
      const rule = o.rule !== 'composite' ? o.rule : affine.className === 'Dense' ? 'epsilon' : 'alpha-beta';
      give(affine.input, propagateLinear(affine.parts, values[affine.input], r, { ...o, rule }, pool, first, o.bounds));
    } else if (PASS.has(s.className)) {
      give(inputs[0], r);
    } else if (REARRANGE.has(s.className)) {
      const grads = tf.grads((...xs: tf.Tensor[]) => s.step.core(xs, 'gradient'))(inputs.map((k) => values[k]), r);
      inputs.forEach((k, j) => give(k, grads[j]));
    } else if (PROPORTIONAL.has(s.className)) {
      splitByContribution(s, inputs, values, r, o.epsilon).forEach(([k, rk]) => give(k, rk));
    } else {
      throw new ModelError(info.id, `LRP has no rule for ${s.className} layer '${s.name}'; rules exist for: ${LRP_LAYERS.join(', ')}`, s.name);
    }
  }
  return { relevance: relevance[inputIndex] as tf.Tensor4D, nonReluActivations: nonRelu };
}

/** Proportional split: input k gets x_k ⊙ J_k^T (R / z). */
function splitByContribution(s: Compiled, inputs: number[], values: tf.Tensor[], r: tf.Tensor, epsilon: number): Array<[number, tf.Tensor]> {
  const xs = inputs.map((k) => values[k]);
  const core = (...args: tf.Tensor[]) => s.step.core(args, 'gradient');
  const z = core(...xs);
  const grads = tf.grads(core)(xs, tf.div(r, stabilize(z, epsilon)));
  return inputs.map((k, j) => [k, tf.mul(xs[j], grads[j])]);
}
