/**
 * Keras activations as plain ops. Every ReLU (a ReLU layer, Activation('relu') or a fused
 * `activation: 'relu'`) goes through `relu()`, whose backward pass follows the per-call rule:
 *   gradient  - the true gradient: dy where x > 0;
 *   guided    - dy where x > 0 and dy > 0 (Springenberg et al. 2015, "Striving for simplicity");
 *   deconvnet - dy where dy > 0, ignoring x (Zeiler & Fergus 2014).
 * Leaky / thresholded ReLUs are not ReLUs for this purpose: they keep their true gradient, as in
 * Captum's GuidedBackprop, which only overrides nn.ReLU.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ReluRule } from '../types';
import { unaryCustomGrad } from './step';

/** Mask for the backward pass of min(max(x, 0), cap): 1 where the forward passed x through. */
function passMask(x: tf.Tensor, cap: number): tf.Tensor {
  const positive = tf.step(x); // step(0) = 0, like tf's relu gradient
  return cap === Infinity ? positive : tf.mul(positive, tf.cast(tf.less(x, cap), 'float32'));
}

function makeRelu(rule: ReluRule, cap: number): (x: tf.Tensor) => tf.Tensor {
  return unaryCustomGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    const value = cap === Infinity ? tf.relu(x) : tf.minimum(tf.relu(x), cap);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor => {
      if (rule === 'deconvnet') return tf.relu(dy);
      const through = tf.mul(dy, passMask(saved[0], cap));
      return rule === 'guided' ? tf.relu(through) : through;
    };
    return { value, gradFunc };
  });
}

const RULES: ReluRule[] = ['gradient', 'guided', 'deconvnet'];
const reluCache = new Map<string, (x: tf.Tensor) => tf.Tensor>();

/** ReLU, optionally capped (relu6, ReLU(max_value)), with the backward rule of this call. */
export function relu(x: tf.Tensor, rule: ReluRule = 'gradient', cap = Infinity): tf.Tensor {
  if (rule === 'gradient') return cap === Infinity ? tf.relu(x) : cap === 6 ? tf.relu6(x) : tf.minimum(tf.relu(x), cap);
  if (!RULES.includes(rule)) throw new Error(`unknown reluRule '${String(rule)}'; known: ${RULES.join(', ')}`);
  const key = `${rule}:${cap}`;
  let fn = reluCache.get(key);
  if (fn === undefined) {
    fn = makeRelu(rule, cap);
    reluCache.set(key, fn);
  }
  return fn(x);
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

type Activation = (x: tf.Tensor, rule: ReluRule) => tf.Tensor;

const ACTIVATIONS: Record<string, Activation> = {
  linear: (x) => x,
  relu: (x, rule) => relu(x, rule),
  relu6: (x, rule) => relu(x, rule, 6),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  softmax: (x) => tf.softmax(x),
  elu: (x) => tf.elu(x),
  // Written out rather than tf.selu, whose gradient needs Select with broadcasting.
  selu: (x) => tf.mul(SELU_SCALE, tf.add(tf.relu(x), tf.mul(SELU_ALPHA, tf.sub(tf.exp(tf.minimum(x, 0)), 1)))),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
  // Keras' default gelu is the exact erf form (approximate=False).
  gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))),
  softplus: (x) => tf.softplus(x),
  softsign: (x) => tf.div(x, tf.add(1, tf.abs(x))),
  // Keras 2 / tfjs hard_sigmoid: clip(0.2 x + 0.5, 0, 1).
  hard_sigmoid: (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1),
  exponential: (x) => tf.exp(x),
};

export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS);

/** The Keras activation name of a config field: a string, or a Keras 3 {class_name, config} object. */
export function activationName(value: unknown): string {
  if (value === undefined || value === null) return 'linear';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') {
    const v = value as { config?: unknown; class_name?: unknown };
    if (typeof v.config === 'string') return v.config;
    if (typeof v.class_name === 'string') return v.class_name;
  }
  return String(value);
}

export function isKnownActivation(name: string): boolean {
  return name in ACTIVATIONS;
}

export function applyActivation(name: string, x: tf.Tensor, rule: ReluRule): tf.Tensor {
  return ACTIVATIONS[name](x, rule);
}
