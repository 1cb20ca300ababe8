/**
 * What a GraphDef op builder gets: its node, and for each input the constant value when that input
 * is a Const (or was folded into one at load). The Step it returns receives every input, constants
 * filled in, in the node's input order.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '../errors';
import { attrInts, attrString, type GraphNode } from '../graph-def';
import type { ConvGeometry } from './conv';
import type { Step } from './step';

export interface OpContext {
  model: string;
  node: GraphNode;
  consts: Array<tf.Tensor | undefined>;
}

export type OpBuilder = (ctx: OpContext) => Step;

export const opError = (ctx: OpContext, message: string): ModelError => new ModelError(ctx.model, message, ctx.node.name);

/** Input `i` as a constant; kernels, biases, axes and shapes must be known at load. */
export function constInput(ctx: OpContext, i: number, what: string): tf.Tensor {
  const value = ctx.consts[i];
  if (value === undefined) {
    const from = ctx.node.inputs[i] === undefined ? 'missing' : `the output of '${ctx.node.inputs[i]}', computed at run time`;
    throw opError(ctx, `${ctx.node.op} needs input ${i} (${what}) to be a constant; it is ${from}`);
  }
  return value;
}

/** Integer values of a small constant (axes, shapes, paddings); read once at load. */
export function constInts(ctx: OpContext, i: number, what: string): number[] {
  return Array.from(constInput(ctx, i, what).dataSync(), Number);
}

export function expectInputs(ctx: OpContext, min: number, max = min): void {
  const n = ctx.node.inputs.length;
  if (n < min || n > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `${min} or more` : `${min} to ${max}`;
    throw opError(ctx, `${ctx.node.op} takes ${expected} inputs; found ${n} (${ctx.node.inputs.join(', ')})`);
  }
}

export function expectNhwc(ctx: OpContext): void {
  const format = attrString(ctx.model, ctx.node, 'data_format', 'NHWC');
  if (format !== 'NHWC') throw opError(ctx, `data_format must be NHWC (channels_last); found '${format}'`);
}

/** An [1, a, b, 1] attribute (strides, ksize, dilations) as [a, b]. */
export function spatial(ctx: OpContext, key: string, fallback?: number[]): [number, number] {
  const v = attrInts(ctx.model, ctx.node, key, fallback);
  if (v.length !== 4 || v[0] !== 1 || v[3] !== 1) {
    throw opError(ctx, `${ctx.node.op} attribute '${key}' must be [1, rows, cols, 1] (NHWC); found [${v.join(', ')}]`);
  }
  return [v[1], v[2]];
}

/**
 * Padding 'SAME' / 'VALID', or 'EXPLICIT' with explicit_paddings [0, 0, top, bottom, left, right,
 * 0, 0]: returned as a tf.pad spec to apply first, followed by a 'valid' op.
 */
export function paddingOf(ctx: OpContext): { padding: 'same' | 'valid'; explicit?: Array<[number, number]> } {
  const value = attrString(ctx.model, ctx.node, 'padding');
  if (value === 'SAME') return { padding: 'same' };
  if (value === 'VALID') return { padding: 'valid' };
  if (value === 'EXPLICIT') {
    const p = attrInts(ctx.model, ctx.node, 'explicit_paddings');
    if (p.length !== 8) throw opError(ctx, `explicit_paddings must have 8 values; found [${p.join(', ')}]`);
    return { padding: 'valid', explicit: [[p[0], p[1]], [p[2], p[3]], [p[4], p[5]], [p[6], p[7]]] };
  }
  throw opError(ctx, `padding must be SAME, VALID or EXPLICIT; found '${value}'`);
}

export function convGeometry(ctx: OpContext): ConvGeometry & { explicit?: Array<[number, number]> } {
  expectNhwc(ctx);
  const strides = spatial(ctx, 'strides');
  const dilation = spatial(ctx, 'dilations', [1, 1, 1, 1]);
  if ((strides[0] > 1 || strides[1] > 1) && (dilation[0] > 1 || dilation[1] > 1)) {
    throw opError(ctx, `strides ${strides} with dilations ${dilation}: one of them must be 1`);
  }
  return { strides, dilation, ...paddingOf(ctx) };
}

export function padExplicit(x: tf.Tensor4D, explicit: Array<[number, number]> | undefined): tf.Tensor4D {
  return explicit === undefined ? x : tf.pad(x, explicit);
}
