/**
 * LRP rules for one affine layer z = W x + b (Montavon, Binder, Lapuschkin, Samek & Müller 2019,
 * "Layer-Wise Relevance Propagation: An Overview", Eqs. 4-8 and Sec. 10.1 / Bach et al. 2015).
 * Every rule has the same shape, which is why they need only the layer's own ops and no model edit:
 *   z = forward with rho(w);  s = R / stabilize(z);  c = vjp of that forward at s;  R_in = a ⊙ c.
 * The vjp of a linear map is the same at any point, so one vjp serves every term that shares a kernel.
 * Biases count in epsilon's z (they absorb their share, as in the overview); z+, alpha-beta and the
 * first-layer rules leave them out, which makes them conserve relevance exactly where z != 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import '#tfjs-gradients';
import type { LinearPart } from '../../model/ops/step';

export type LayerRule = 'epsilon' | 'z-plus' | 'alpha-beta';
/** 'same': the layer rule; 'z-b', 'w-square', 'flat': the overview's input-layer rules. */
export type FirstLayerRule = 'same' | 'z-b' | 'w-square' | 'flat';

export interface RuleParams {
  rule: LayerRule;
  epsilon: number;
  alpha: number;
  beta: number;
}

/** Per-channel bounds of the model input (the z^B rule's l and h), broadcast over x. */
export interface InputBounds {
  low: number[];
  high: number[];
}

type Op = ((x: tf.Tensor) => tf.Tensor) & { dispose(): void };

/**
 * Makes the re-weighted ops (rho(w) versions of a layer) and frees them at the end of a run: a
 * conv op keeps a flipped copy of its kernel outside any tidy.
 */
export class OpPool {
  private readonly ops: Op[] = [];

  make(part: LinearPart, kernel: tf.Tensor): Op {
    const op = part.withKernel(kernel);
    this.ops.push(op);
    return op;
  }

  dispose(): void {
    this.ops.forEach((op) => op.dispose());
    this.ops.length = 0;
  }
}

/** z + epsilon · sign(z), with sign(0) = +1 as Captum's _stabilize: never divides by zero. */
export function stabilize(z: tf.Tensor, epsilon: number): tf.Tensor {
  const sign = tf.sub(tf.mul(tf.cast(tf.greaterEqual(z, 0), 'float32'), 2), 1);
  return tf.add(z, tf.mul(sign, Math.max(epsilon, 1e-30)));
}

/** J^T s of a linear op: the input gradient of <op(x), s>, at any x. */
function vjp(op: Op, x: tf.Tensor, s: tf.Tensor): tf.Tensor {
  return tf.grad((t: tf.Tensor) => op(t))(x, s);
}

const positive = (t: tf.Tensor): tf.Tensor => tf.relu(t);
const negative = (t: tf.Tensor): tf.Tensor => tf.neg(tf.relu(tf.neg(t)));

/** Relevance of x for one part z = W x + b given R at z. Call inside tf.tidy. */
export function propagatePart(
  part: LinearPart, x: tf.Tensor, relevance: tf.Tensor, rule: LayerRule | Exclude<FirstLayerRule, 'same'>,
  params: RuleParams, pool: OpPool, bounds?: InputBounds,
): tf.Tensor {
  const eps = params.epsilon;
  switch (rule) {
    case 'epsilon': {
      const op = pool.make(part, part.kernel);
      const z = part.bias === undefined ? op(x) : tf.add(op(x), part.bias);
      return tf.mul(x, vjp(op, x, tf.div(relevance, stabilize(z, eps))));
    }
    case 'z-plus': {
      const op = pool.make(part, positive(part.kernel));
      return tf.mul(x, vjp(op, x, tf.div(relevance, stabilize(op(x), eps))));
    }
    case 'alpha-beta':
      return alphaBeta(part, x, relevance, params, pool);
    case 'z-b': {
      if (bounds === undefined) throw new Error('lrp: the z-b rule needs the input bounds');
      const low = tf.mul(tf.onesLike(x), tf.tensor1d(bounds.low));
      const high = tf.mul(tf.onesLike(x), tf.tensor1d(bounds.high));
      const op = pool.make(part, part.kernel);
      const opPos = pool.make(part, positive(part.kernel));
      const opNeg = pool.make(part, negative(part.kernel));
      const z = tf.sub(tf.sub(op(x), opPos(low)), opNeg(high));
      const s = tf.div(relevance, stabilize(z, eps));
      return tf.sub(tf.sub(tf.mul(x, vjp(op, x, s)), tf.mul(low, vjp(opPos, x, s))), tf.mul(high, vjp(opNeg, x, s)));
    }
    case 'w-square':
    case 'flat': {
      const kernel = rule === 'flat' ? tf.onesLike(part.kernel) : tf.square(part.kernel);
      const op = pool.make(part, kernel);
      const ones = tf.onesLike(x);
      return vjp(op, ones, tf.div(relevance, stabilize(op(ones), eps)));
    }
    default:
      throw new Error(`unknown LRP rule '${String(rule)}'; known: epsilon, z-plus, alpha-beta, z-b, w-square, flat`);
  }
}

/**
 * R_in = alpha · (x w)+ share − beta · (x w)− share, with (x w)+ = x+ w+ + x− w− and
 * (x w)− = x+ w− + x− w+ (inputs of either sign, e.g. a first layer on normalised pixels).
 */
function alphaBeta(part: LinearPart, x: tf.Tensor, relevance: tf.Tensor, params: RuleParams, pool: OpPool): tf.Tensor {
  const opPos = pool.make(part, positive(part.kernel));
  const opNeg = pool.make(part, negative(part.kernel));
  const xPos = positive(x);
  const xNeg = negative(x);
  const share = (opA: Op, opB: Op, sign: 1 | -1): tf.Tensor => {
    const z = tf.add(opA(xPos), opB(xNeg));
    // z+ >= 0 and z- <= 0: stabilise away from zero on their own side.
    const s = tf.div(relevance, sign > 0 ? stabilize(z, params.epsilon) : tf.neg(stabilize(tf.neg(z), params.epsilon)));
    return tf.add(tf.mul(xPos, vjp(opA, x, s)), tf.mul(xNeg, vjp(opB, x, s)));
  };
  const kept = tf.mul(share(opPos, opNeg, 1), params.alpha);
  return params.beta === 0 ? kept : tf.sub(kept, tf.mul(share(opNeg, opPos, -1), params.beta));
}

/** Relevance of x for a chain of parts (a separable conv is two); the first part may take `first`. */
export function propagateLinear(
  parts: LinearPart[], x: tf.Tensor, relevance: tf.Tensor, params: RuleParams, pool: OpPool,
  first: FirstLayerRule = 'same', bounds?: InputBounds,
): tf.Tensor {
  const inputs: tf.Tensor[] = [x];
  for (let i = 0; i < parts.length - 1; i++) {
    const op = pool.make(parts[i], parts[i].kernel);
    const y = op(inputs[i]);
    inputs.push(parts[i].bias === undefined ? y : tf.add(y, parts[i].bias!));
  }
  let r = relevance;
  for (let i = parts.length - 1; i >= 0; i--) {
    const rule = i === 0 && first !== 'same' ? first : params.rule;
    r = propagatePart(parts[i], inputs[i], r, rule, params, pool, bounds);
  }
  return r;
}
