/**
 * Folds inference-mode BatchNormalization into the conv/dense layer before it:
 *   BN(W x + b) = (W * scale) x + (b * scale + shift)   (scale and shift per output channel).
 * LRP rules need that (a BN layer is not a linear map through the origin; the folded layer is one
 * affine map). A BN is folded only when the layer before it has no activation of its own and the
 * BN is that layer's only consumer. The BN node disappears from the executed graph; tapping either
 * name then returns the folded (post-BN) output.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activationName } from './ops/activations';
import { batchNormAffine } from './ops/weighted';
import type { LayerNode, ModelGraph } from './topology';
import type { LayerWeights } from './weights';

export interface FoldResult {
  graph: ModelGraph;
  weights: Map<string, LayerWeights>;
  /** Removed BN name -> the layer whose output now stands for it. */
  aliases: Map<string, string>;
  /** Tensors created by folding; the caller owns them. */
  created: tf.Tensor[];
}

const FOLDABLE: Record<string, string> = {
  Conv2D: 'kernel', Convolution2D: 'kernel', Dense: 'kernel',
  DepthwiseConv2D: 'depthwise_kernel', SeparableConv2D: 'pointwise_kernel', SeparableConvolution2D: 'pointwise_kernel',
};

export function foldBatchNorms(graph: ModelGraph, weights: Map<string, LayerWeights>, model: string): FoldResult {
  const consumers = new Map<string, string[]>();
  for (const node of graph.nodes) {
    for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node.name]);
  }
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const aliases = new Map<string, string>();
  const nodes = new Map<string, LayerNode>(graph.nodes.map((n) => [n.name, n]));
  const folded = new Map(weights);
  const created: tf.Tensor[] = [];

  for (const bn of graph.nodes) {
    if (bn.className !== 'BatchNormalization' || bn.inputs.length !== 1) continue;
    const prev = byName.get(bn.inputs[0])!;
    const kernelName = FOLDABLE[prev.className];
    const only = consumers.get(prev.name)?.length === 1 && prev.name !== graph.outputName;
    if (kernelName === undefined || !only || activationName(prev.config.activation) !== 'linear') continue;

    const prevWeights = weights.get(prev.name) ?? {};
    const { scale, shift } = batchNormAffine({ model, node: bn, weights: weights.get(bn.name) });
    const kernel = prevWeights[kernelName];
    const next = tf.tidy(() => {
      // Depthwise output channel c*m + k scales kernel[:, :, c, k]: reshape scale to [c, m].
      const s = prev.className === 'DepthwiseConv2D' ? tf.reshape(scale, kernel.shape.slice(2)) : scale;
      const bias = prev.config.use_bias === false ? tf.zerosLike(shift) : prevWeights.bias;
      return { [kernelName]: tf.mul(kernel, s), bias: tf.add(tf.mul(bias, scale), shift) };
    });
    scale.dispose();
    shift.dispose();
    created.push(...Object.values(next));
    folded.set(prev.name, { ...prevWeights, ...next });
    nodes.set(prev.name, { ...prev, config: { ...prev.config, use_bias: true } });
    nodes.delete(bn.name);
    aliases.set(bn.name, prev.name);
  }

  const rename = (name: string): string => aliases.get(name) ?? name;
  const outNodes = [...nodes.values()].map((n) => ({ ...n, inputs: n.inputs.map(rename) }));
  return {
    graph: { ...graph, nodes: outNodes, outputName: rename(graph.outputName) },
    weights: folded,
    aliases,
    created,
  };
}
