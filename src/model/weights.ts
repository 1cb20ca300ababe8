/**
 * Weights of a LayersModel: fetch the shards named in `weightsManifest`, decode them into constant
 * tensors (never tf.Variable: variables make tf.grad compute filter gradients nobody asked for) and
 * hand each layer its own weights by attribute name ("kernel", "bias", "gamma", ...).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError, listNames, reason } from './errors';
import { TooLargeError } from './limits';
import type { ModelGraph } from './topology';

/**
 * Reads one file's bytes. `maxBytes` is what the manifest says the file can hold at most: a reader
 * should stop there and throw TooLargeError (limits.ts) rather than buffer a 3 GB file.
 */
export type ReadBinary = (url: string, maxBytes?: number) => Promise<ArrayBuffer>;

/** A layer's weights by attribute name, e.g. {kernel, bias}. */
export type LayerWeights = Record<string, tf.Tensor>;

/** Resolves a shard path against the model.json location, as tf.io.http does. */
export function resolveRelative(modelUrl: string, path: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('/')) return path;
  return modelUrl.slice(0, modelUrl.lastIndexOf('/') + 1) + path;
}

/**
 * A shard path must stay in model.json's folder (and so on its origin): "../../etc/passwd", an
 * absolute path or another host is refused. Percent-escapes are decoded first, as fetch would.
 */
export function checkShardPath(path: string, model: string): void {
  const refuse = (): never => {
    throw new ModelError(model, `weight shard path '${path}' leaves the model's folder; shard paths in model.json must be relative to it, without '..'`);
  };
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('/') || path.startsWith('\\')) refuse();
  let depth = 0;
  for (const raw of path.split(/[/\\]/)) {
    let part: string;
    try {
      part = decodeURIComponent(raw);
    } catch {
      return refuse();
    }
    if (part === '..') depth--;
    else if (part !== '.' && part !== '') depth++;
    if (depth < 0) refuse();
  }
}

const BYTES_PER_VALUE: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes a manifest entry takes in its shard, or undefined when unknown (strings). */
export function entryBytes(entry: tf.io.WeightsManifestEntry): number | undefined {
  const dtype = entry.quantization?.dtype ?? entry.dtype;
  const size = BYTES_PER_VALUE[dtype];
  return size === undefined ? undefined : size * entry.shape.reduce((a, b) => a * b, 1);
}

/**
 * Reads every shard of the manifest, in manifest order, as tf.io.loadWeights would. A group's
 * shards together hold exactly its weights' bytes: no shard may be larger (the reader stops
 * there), and a group that is shorter is a truncated file or a wrong shape in the manifest.
 */
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
  groups.forEach((g) => g.paths.forEach((path) => checkShardPath(path, model)));
  const data = await Promise.all(groups.map(async (group) => {
    const sizes = group.weights.map(entryBytes);
    const expected = sizes.every((n) => n !== undefined) ? (sizes as number[]).reduce((a, b) => a + b, 0) : undefined;
    const shards = await Promise.all(group.paths.map((path) => readShard(path, group, expected, modelUrl, readBinary, model)));
    const total = shards.reduce((n, b) => n + b.byteLength, 0);
    if (expected !== undefined && total !== expected) {
      const files = group.paths.map((p) => `'${p}' (${resolveRelative(modelUrl, p)})`).join(', ');
      const which = group.paths.length === 1 ? `weight shard ${files} holds` : `weight shards ${files} hold together`;
      throw new ModelError(model, `${which} ${total} bytes but the weights model.json lists for it need ${expected}: ${total < expected
        ? "the file is truncated, or a weight's shape or dtype in model.json is wrong"
        : "a weight's shape or dtype in model.json is wrong"} (it holds the weights ${listNames(group.weights.map((w) => w.name), 12)})`);
    }
    return shards;
  }));
  return { specs, data: data.flat() };
}

async function readShard(
  path: string,
  group: tf.io.WeightsManifestConfig[number],
  expected: number | undefined,
  modelUrl: string,
  readBinary: ReadBinary,
  model: string,
): Promise<ArrayBuffer> {
  const url = resolveRelative(modelUrl, path);
  const tooLarge = (): ModelError => new ModelError(model, `weight shard '${path}' (${url}) is larger than model.json says: more than ${expected} bytes, what the weights it holds need (${listNames(group.weights.map((w) => w.name), 12)})`);
  let bytes: ArrayBuffer;
  try {
    bytes = await readBinary(url, expected);
  } catch (err) {
    if (err instanceof TooLargeError) throw tooLarge();
    const held = listNames(group.weights.map((w) => w.name), 12);
    throw new ModelError(model, `weight shard '${path}' (${url}) could not be read: ${reason(err)}; it holds the weights ${held}`);
  }
  if (expected !== undefined && bytes.byteLength > expected) throw tooLarge();
  return bytes;
}

/**
 * Decodes shard bytes into named constant tensors. The caller owns (and disposes) them; on an
 * error none are left behind.
 */
export function decodeWeights(data: tf.io.WeightData, specs: tf.io.WeightsManifestEntry[], model: string): tf.NamedTensorMap {
  try {
    return tf.tidy(() => tf.io.decodeWeights(data, specs));
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
