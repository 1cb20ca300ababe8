/**
 * A tf.io.IOHandler that reads a tfjs LayersModel (model.json + weight shards) from the local disk,
 * so Node scripts and tests can call tf.loadLayersModel without @tensorflow/tfjs-node (not available
 * here) and without a server. Shards are read in manifest order and concatenated, as tfjs expects.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
}

export function fileIOHandler(modelJsonPath: string): io.IOHandler {
  return {
    async load(): Promise<io.ModelArtifacts> {
      const json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as ModelJson;
      if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
        throw new Error(`${modelJsonPath}: not a tfjs LayersModel (needs modelTopology and weightsManifest)`);
      }
      const dir = dirname(modelJsonPath);
      const buffers = json.weightsManifest.flatMap((group) => group.paths.map((p) => readFileSync(join(dir, p))));
      const all = Buffer.concat(buffers);
      return {
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
        // Copy into a fresh ArrayBuffer: a Node Buffer may be a view into a larger shared pool.
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
      };
    },
  };
}
