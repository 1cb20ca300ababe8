/**
 * What the CLI tests share: `glimpse(...)` runs bin/glimpse.mjs in a child process and returns its
 * exit code and output; `writeModelDir` writes a fixture model as model.json + weights.bin (the tfjs
 * LayersModel file format), so CLI tests can run without the shipped model.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

const BIN = join(__dirname, '../../bin/glimpse.mjs');

export interface Run { code: number; stdout: string; stderr: string }

export async function glimpse(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
