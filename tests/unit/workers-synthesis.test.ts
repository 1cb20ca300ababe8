/**
 * The worker's feature-visualization operation in Node: frames after every step with images on
 * snapshot steps, cancellation by id, errors that name the model and the allowed values; and the
 * client forwarding frames through its proxy and cancelling by id.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelNode } from '../../src/model/load-node';
import type { Executor } from '../../src/model/types';
import { ComputeClient, type WorkerHandle } from '../../src/workers/client';
import type { ComputeApi } from '../../src/workers/protocol';
import type { SynthesisFrame, SynthesisRequest } from '../../src/synthesis/protocol';
import { synthesis } from '../../src/synthesis/worker';

let model: Executor;
beforeAll(async () => {
  await tf.setBackend('cpu');
  model = await loadModelNode('fashion-cnn');
});
afterAll(() => model.dispose());

const ref = { model: 'fashion-cnn', modelsBase: '/models' };

/** The synthesis operation as the worker's engine calls it, on the loaded model; `signal` cancels it. */
function synthesize(request: SynthesisRequest, onFrame: (f: SynthesisFrame) => unknown, signal = { aborted: false }) {
  const ctx = { backend: 'cpu' as const, getModel: async () => model, describe: async () => { throw new Error('not used'); }, signal, onFrame };
  return synthesis.run(ctx, request);
}

describe('synthesis engine', () => {
  it('streams a frame per step, images every snapshotEvery steps, one final image per batch item', async () => {
    const frames: SynthesisFrame[] = [];
    const result = await synthesize({ ...ref, task: 'visualize', unit: 'conv3:4', steps: 4, snapshotEvery: 2, batch: 2, diversity: 1 }, (f) => frames.push(f));
    expect(frames.map((f) => f.step)).toEqual([1, 2, 3, 4]);
    expect(frames.map((f) => f.images?.length ?? 0)).toEqual([0, 2, 0, 2]);
    expect(frames[3].values.length).toBe(2);
    expect(result.images.length).toBe(2);
    expect(result.images[0].data.length).toBe(28 * 28 * 4);
    expect(result.scores.length).toBe(2);
    expect(result.cancelled).toBe(false);
  });

  it('stops at the next step once its signal is set', async () => {
    const signal = { aborted: false };
    const result = await synthesize({ ...ref, task: 'visualize', unit: 'class:3', steps: 50 }, (f) => {
      if (f.step === 2) signal.aborted = true;
    }, signal);
    expect(result.steps).toBe(2);
    expect(result.cancelled).toBe(true);
  });

  it('inverts and dreams on an image; errors name what is allowed', async () => {
    const image = { data: new Uint8Array(28 * 28).map((_, i) => (i * 7) % 256), width: 28, height: 28, channels: 1 };
    const inv = await synthesize({ ...ref, task: 'invert', layer: 'conv2', image, steps: 3 }, () => undefined);
    expect(inv.images.length).toBe(1);
    expect(inv.scores[0]).toBeGreaterThan(0);
    const dream = await synthesize({ ...ref, task: 'deepdream', layer: 'conv3', image, steps: 3 }, () => undefined);
    expect(dream.images[0].width).toBe(28);
    await expect(synthesize({ ...ref, task: 'visualize', unit: 'conv9:1', steps: 2 }, () => undefined)).rejects.toThrow(/no layer 'conv9'; layers: input, conv1/);
    await expect(synthesize({ ...ref, task: 'visualize', unit: 'conv1:99', steps: 2 }, () => undefined)).rejects.toThrow(/channels 0..15/);
    await expect(synthesize({ ...ref, task: 'invert', steps: 2, image }, () => undefined)).rejects.toThrow(/layer missing; layers: input/);
  });
});

describe('client.synthesize', () => {
  it('forwards frames from the worker and cancels by id', async () => {
    const cancelled: number[] = [];
    const api = {
      init: async () => ({ backend: 'cpu', tried: [{ backend: 'cpu', ok: true }] }),
      call: async (op: string, id: number, _request: unknown, onFrame: (f: SynthesisFrame) => void) => {
        if (op !== 'synthesis') throw new Error(`unexpected operation ${op}`);
        onFrame({ step: 1, steps: 2, stepsPerSecond: 5, values: [1] });
        onFrame({ step: 2, steps: 2, stepsPerSecond: 5, values: [2] });
        const result = { images: [], scores: [id], steps: 2, cancelled: false, stepsPerSecond: 5, backend: 'cpu', elapsedMs: 1 };
        return { result, timing: { initMs: 0, loadMs: 0, queueMs: 0, computeMs: 1, totalMs: 1 } };
      },
      cancel: (id: number) => cancelled.push(id),
    } as unknown as ComputeApi;
    const client = new ComputeClient((): WorkerHandle => ({ api, terminate: () => undefined }));
    const frames: number[] = [];
    const run = client.synthesize({ ...ref, task: 'visualize', unit: 'conv1:0', steps: 2 }, (f) => frames.push(f.step));
    const result = await run.result;
    expect(frames).toEqual([1, 2]);
    run.cancel();
    await new Promise((r) => setTimeout(r, 0));
    expect(cancelled).toEqual([result.scores[0]]);
  });
});
