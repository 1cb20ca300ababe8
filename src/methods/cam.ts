/**
 * Class activation mapping (Zhou, Khosla, Lapedriza, Oliva & Torralba 2016, "Learning Deep Features
 * for Discriminative Localization", https://arxiv.org/abs/1512.04150): for a network ending in
 * conv maps A -> global average pooling -> one dense layer, map = sum_k w_k^c A_k, upsampled
 * bilinearly to the input size (H x W x 1). Only defined at the layer feeding the pooling.
 * w^c is read as d S_c / d GAP(A), which for the affine head is exactly the dense kernel's column c
 * (in any model format); the bias is left out as in the paper, so mean(map before upsampling) +
 * b_c = S_c. The map is signed (negative = evidence against c), unlike Grad-CAM's ReLU'd one.
 */
import * as tf from '@tensorflow/tfjs-core';
import '#tfjs-gradients';
import { ModelError } from '../model/errors';
import type { Executor, LayerInfo, ModelInfo } from '../model/types';
import { now, targetScore, toAttribution } from './common';
import { layerOptions, upsample, weightedMaps, type LayerOptions } from './layer-maps';
import type { MethodDef } from './types';

export type CamOptions = LayerOptions;

/** Layers that leave a pooled [k] vector unchanged between the pooling and the dense layer. */
const PASS_THROUGH = new Set(['Dropout', 'Flatten', 'Identity', 'SpatialDropout2D', 'GaussianDropout', 'GaussianNoise']);

export interface CamHead {
  /** The layer feeding the pooling: CAM's A. */
  features: LayerInfo;
  pooling: LayerInfo;
  dense: LayerInfo;
}

function isGlobalAveragePooling(layer: LayerInfo, input: LayerInfo | undefined): boolean {
  if (layer.className === 'GlobalAveragePooling2D') return true;
  // A GraphModel's GAP is a Mean op; [h, w, k] -> [k] means it averaged the spatial axes.
  return layer.className === 'Mean' && layer.outputShape.length === 1 && input !== undefined &&
    input.outputShape.length === 3 && input.outputShape[2] === layer.outputShape[0];
}

/** The GAP + dense head of the model, or the error saying what it ends in instead. */
export function findCamHead(info: ModelInfo): CamHead | string {
  const byName = new Map(info.layers.map((l) => [l.name, l]));
  const dense = byName.get(info.logitsLayer);
  if (dense !== undefined && dense.kind === 'dense' && dense.inputs.length === 1) {
    let prev = byName.get(dense.inputs[0]);
    while (prev !== undefined && PASS_THROUGH.has(prev.className) && prev.inputs.length === 1) {
      prev = byName.get(prev.inputs[0]);
    }
    if (prev !== undefined && prev.inputs.length === 1) {
      const features = byName.get(prev.inputs[0]);
      if (isGlobalAveragePooling(prev, features) && features !== undefined) return { features, pooling: prev, dense };
    }
  }
  return new ModelError(info.id, `CAM needs global average pooling followed by one dense layer; the model ends in ${describeTail(info, byName)}; use grad-cam`).message;
}

/** "Flatten 'flat' -> Dense 'fc1' -> Dropout 'drop' -> Dense 'logits'" (the last four layers up to the logits). */
function describeTail(info: ModelInfo, byName: Map<string, LayerInfo>): string {
  const tail: string[] = [];
  let layer = byName.get(info.logitsLayer);
  while (layer !== undefined && tail.length < 4) {
    tail.unshift(`${layer.className} '${layer.name}'`);
    layer = layer.inputs.length === 1 ? byName.get(layer.inputs[0]) : undefined;
  }
  return tail.length > 0 ? tail.join(' -> ') : `'${info.logitsLayer}' (no layer table)`;
}

/** w^c = d S_c / d pooled, [batch, k]; exact for the affine head findCamHead checked. */
function classWeights(model: Executor, input: tf.Tensor4D, pooling: string, target: number): tf.Tensor2D {
  return tf.tidy(() => {
    const pooled = model.forward(input, { taps: [pooling] }).taps[pooling];
    const score = (p: tf.Tensor): tf.Scalar =>
      tf.sum(tf.slice(model.forward(input, { replace: { [pooling]: p } }).logits, [0, target], [-1, 1]));
    return tf.grad(score)(pooled) as tf.Tensor2D;
  });
}

/** sum_k w_k^c A_k at the features layer, [batch, h, w, 1] (before upsampling); caller owns it. */
export function camMap(model: Executor, input: tf.Tensor4D, head: CamHead, target: number): tf.Tensor4D {
  return tf.tidy(() => {
    const activation = model.forward(input, { taps: [head.features.name] }).taps[head.features.name] as tf.Tensor4D;
    return weightedMaps(activation, classWeights(model, input, head.pooling.name, target));
  });
}

export const cam: MethodDef<CamOptions> = {
  id: 'cam',
  label: 'CAM',
  kind: 'layer',
  needsLayer: true,
  paper: {
    title: 'Learning Deep Features for Discriminative Localization',
    authors: 'Zhou, Khosla, Lapedriza, Oliva, Torralba',
    year: 2016,
    url: 'https://arxiv.org/abs/1512.04150',
  },
  options: layerOptions,
  display: { reduce: 'sum', signed: true },
  unsupported(info) {
    const head = findCamHead(info);
    return typeof head === 'string' ? head : undefined;
  },
  async run(model, input, target, options) {
    const startedAt = now();
    const head = findCamHead(model.info);
    if (typeof head === 'string') throw new Error(head);
    const layer = head.features.name;
    if (options.layer !== undefined && options.layer !== layer) {
      throw new ModelError(model.info.id, `CAM is defined only at the layer feeding global average pooling ('${layer}'); got layer '${options.layer}'; use grad-cam for other layers`);
    }
    const score = await targetScore(model, input, target);
    const map = camMap(model, input, head, target);
    const [h, w] = model.info.inputShape;
    const up = upsample(map, [h, w]);
    map.dispose();
    return toAttribution(up, { method: 'cam', target, layer, score, startedAt });
  },
};
