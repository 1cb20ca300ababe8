/**
 * Weights of a LayersModel: fetch the shards named in `weightsManifest`, decode them into constant
 * tensors (never tf.Variable: variables make tf.grad compute filter gradients nobody asked for) and
 * hand each layer its own weights by attribute name ("kernel", "bias", "gamma", ...).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError, listNames } from './errors';
import type { ModelGraph } from './topology';

export type ReadBinary = (url: string) => Promise<ArrayBuffer>;

/** A layer's weights by attribute name, e.g. {kernel, bias}. */
export type LayerWeights = Record<string, tf.Tensor>;

/** Resolves a shard path against the model.json location, as tf.io.http does. */
export function resolveRelative(modelUrl: string, path: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('/')) return path;
  return modelUrl.slice(0, modelUrl.lastIndexOf('/') + 1) + path;
}

/** Reads every shard of the manifest, in manifest order, as tf.io.loadWeights would. */
export async function readWeights(
  manifest: unknown,
  modelUrl: string,
  readBinary: ReadBinary,
  model: string,
): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer[] }> {
  if (!Array.isArray(manifest)) {
    throw new ModelError(model, `weightsManifest must be a list of {paths, weights} groups; found ${typeof manifest}`);
  }
  const groups = manifest as tf.io.WeightsManifestConfig;
  const specs = groups.flatMap((g) => g.weights);
  const shards = groups.flatMap((g) => g.paths.map((path) => ({ path, weights: g.weights })));
  const data = await Promise.all(shards.map(async ({ path, weights }) => {
    const url = resolveRelative(modelUrl, path);
    try {
      return await readBinary(url);
    } catch (err) {
      const held = listNames(weights.map((w) => w.name), 12);
      throw new ModelError(model, `weight shard '${path}' (${url}) could not be read: ${(err as Error).message}; it holds the weights ${held}`);
    }
  }));
  return { specs, data };
}

/** Decodes shard bytes into named constant tensors. The caller owns (and disposes) them. */
export function decodeWeights(data: tf.io.WeightData, specs: tf.io.WeightsManifestEntry[], model: string): tf.NamedTensorMap {
  try {
    return tf.io.decodeWeights(data, specs);
  } catch (err) {
    throw new ModelError(model, `weights do not match the manifest: ${(err as Error).message}`);
  }
}

/**
 * Groups weights by layer. A manifest name is a path whose last part is the attribute and one of
 * whose earlier parts is the layer name: "dense_Dense1/kernel" (tfjs), "conv2d/kernel" or
 * "model/conv2d/kernel" (Keras converters). The deepest part that names a layer wins.
 * Also rejects NaN / Inf weights here, where the layer that holds them is known.
 */
export function groupWeights(graph: ModelGraph, tensors: tf.NamedTensorMap, model: string): Map<string, LayerWeights> {
  const layerNames = new Set(graph.nodes.map((n) => n.name));
  const byLayer = new Map<string, LayerWeights>();
  for (const [fullName, tensor] of Object.entries(tensors)) {
    const parts = fullName.replace(/:\d+$/, '').split('/');
    const attr = parts[parts.length - 1];
    let layer: string | undefined;
    for (let i = parts.length - 2; i >= 0 && layer === undefined; i--) {
      if (layerNames.has(parts[i])) layer = parts[i];
    }
    if (layer === undefined) {
      tensor.dispose(); // e.g. optimizer state saved alongside; no layer reads it
      continue;
    }
    checkFinite(tensor, model, layer, fullName);
    const weights = byLayer.get(layer) ?? {};
    weights[attr] = tensor;
    byLayer.set(layer, weights);
  }
  return byLayer;
}

export function checkFinite(tensor: tf.Tensor, model: string, layer: string, name: string): void {
  if (tensor.dtype !== 'float32') return;
  const values = tensor.dataSync() as Float32Array; // once at load, never in forward
  let bad = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 0) {
    throw new ModelError(model, `weight '${name}' has ${bad} NaN or Inf values (first at flat index ${first}, value ${values[first]}); expected finite numbers`, layer);
  }
}

/** A required weight of a layer, or an error listing what the layer does have. */
export function requireWeight(weights: LayerWeights | undefined, attr: string, model: string, layer: string, className: string): tf.Tensor {
  const tensor = weights?.[attr];
  if (tensor === undefined) {
    const found = weights === undefined ? 'none' : Object.keys(weights).join(', ');
    throw new ModelError(model, `${className} needs weight '${attr}' but the weights manifest has none for it (found for this layer: ${found})`, layer);
  }
  return tensor;
}
