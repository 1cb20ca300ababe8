/**
 * Writes a fixture model to a directory as model.json + weights.bin (the tfjs LayersModel file
 * format), so CLI tests can run without the shipped model.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';

export async function writeModelDir(artifacts: tf.io.ModelArtifacts, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const data = artifacts.weightData;
  if (data === undefined || Array.isArray(data)) throw new Error('fixture artifacts must hold one weight buffer');
  await writeFile(join(dir, 'weights.bin'), new Uint8Array(data));
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'glimpse tests',
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
  };
  const path = join(dir, 'model.json');
  await writeFile(path, JSON.stringify(modelJson));
  return path;
}
