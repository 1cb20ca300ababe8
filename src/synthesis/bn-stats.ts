/**
 * The running statistics of a model's BatchNormalization layers, which DeepInversion matches (Yin
 * et al. 2020). The executor folds them into its steps, so they are read from the artifacts: the
 * weights manifest names `<bn>/moving_mean` and `<bn>/moving_variance`, and the statistics describe
 * the BN layer's input, the output of the layer before it (the tap to match).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ModelInfo } from '../model/types';
import { modelJsonPath } from './gallery/weights-hash';

export interface BnStats {
  /** BatchNormalization layer name. */
  bn: string;
  /** The layer whose output the BN normalizes (tap this one). */
  input: string;
  mean: Float32Array;
  variance: Float32Array;
}

interface Manifest { weightsManifest?: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[]; dtype: string; quantization?: unknown }> }> }

/** Moving mean / variance of every BN layer in `info`, from model.json and its concatenated weight bytes. */
export function bnStatsFromArtifacts(modelJson: Manifest, weightData: ArrayBuffer, info: ModelInfo): BnStats[] {
  const values = new Map<string, Float32Array>();
  let offset = 0;
  for (const group of modelJson.weightsManifest ?? []) {
    for (const w of group.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      if (w.quantization !== undefined || w.dtype !== 'float32') {
        throw new Error(`model '${info.id}': weight '${w.name}' is ${w.quantization ? 'quantized' : w.dtype}; BN statistics need float32 weights`);
      }
      values.set(w.name, new Float32Array(weightData.slice(offset, offset + 4 * n)));
      offset += 4 * n;
    }
  }
  return info.layers.filter((l) => l.className === 'BatchNormalization').map((l) => {
    const mean = values.get(`${l.name}/moving_mean`);
    const variance = values.get(`${l.name}/moving_variance`);
    if (!mean || !variance) throw new Error(`model '${info.id}': BN layer '${l.name}' has no moving_mean / moving_variance weights`);
    return { bn: l.name, input: l.inputs[0], mean, variance };
  });
}

/** Node: reads a shipped id's or a path's model.json and shards. */
export function bnStatsNode(source: string, info: ModelInfo): BnStats[] {
  const path = modelJsonPath(source);
  const json = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  const parts = (json.weightsManifest ?? []).flatMap((g) => g.paths).map((p) => readFileSync(join(dirname(path), p)));
  const all = Buffer.concat(parts);
  return bnStatsFromArtifacts(json, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer, info);
}
