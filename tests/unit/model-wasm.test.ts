/**
 * The wasm backend in Node gives the same logits, input gradients and guided gradients as cpu on
 * every fixture (wasm has no DepthwiseConv2dNativeBackpropInput: ops/conv.ts supplies it). In Node the backend finds its .wasm files next to its own dist/ module;
 * setWasmPaths (a path prefix ending in '/') pins that folder so a bundler cannot move it away.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFromArtifacts } from '../../src/model/load';
import type { Executor } from '../../src/model/types';
import { buildFixtures, testImage, type Fixture } from './fixtures/models';

let fixtures: Fixture[];

beforeAll(async () => {
  const wasmDist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  setWasmPaths(`${wasmDist}/`);
  await tf.setBackend('cpu');
  fixtures = await buildFixtures();
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

interface Result { logits: Float32Array; grad: Float32Array; guided: Float32Array }

async function run(backend: string, fixture: Fixture): Promise<Result> {
  expect(await tf.setBackend(backend)).toBe(true);
  expect(tf.getBackend()).toBe(backend);
  const ex: Executor = await loadModelFromArtifacts(fixture.artifacts, { id: fixture.name });
  const [h, w, c] = ex.info.inputShape;
  const x = testImage([2, h, w, c], 11);
  const target = (v: tf.Tensor, rule: 'gradient' | 'guided') => tf.sum(tf.slice(ex.forward(v as tf.Tensor4D, { reluRule: rule }).logits, [0, 2], [-1, 1]));
  const result = tf.tidy(() => ({
    logits: ex.forward(x).logits.dataSync() as Float32Array,
    grad: tf.grad((v: tf.Tensor) => target(v, 'gradient'))(x).dataSync() as Float32Array,
    guided: tf.grad((v: tf.Tensor) => target(v, 'guided'))(x).dataSync() as Float32Array,
  }));
  x.dispose();
  ex.dispose();
  return result;
}

function relError(a: Float32Array, b: Float32Array): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  expect(scale).toBeGreaterThan(0);
  return err / scale;
}

describe('wasm backend matches cpu', () => {
  // Every fixture, so that every op the executor uses is known to have a wasm gradient path.
  for (const name of ['mnist-conv-bn', 'residual-96', 'separable', 'conv1x1-head', 'flatten-dense', 'grey-strided', 'even-kernels', 'misc-layers', 'graph-model']) {
    it(`${name}: logits, input gradient and guided gradient`, async () => {
      const fixture = fixtures.find((f) => f.name === name)!;
      const cpu = await run('cpu', fixture);
      const wasm = await run('wasm', fixture);
      expect(relError(wasm.logits, cpu.logits)).toBeLessThan(1e-5);
      expect(relError(wasm.grad, cpu.grad)).toBeLessThan(1e-4);
      expect(relError(wasm.guided, cpu.guided)).toBeLessThan(1e-4);
    });
  }
});
