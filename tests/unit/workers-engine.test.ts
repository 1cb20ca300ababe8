/**
 * The worker's engine in Node, with the shipped files served by a stubbed fetch: `call` finds each
 * family in the operation table, shares one model across families, passes cancel signals by call id
 * (also while the model still loads) and names the known operations when asked for an unknown one.
 */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ComputeResult } from '../../src/methods/protocol';
import type { SynthesisFrame, SynthesisResult } from '../../src/synthesis/protocol';
import type { ViewResult } from '../../src/views/protocol';
import { call, cancel, getModel, init } from '../../src/workers/engine';
import { operations } from '../../src/workers/operations';
import { REPO_ROOT } from '../../src/model/load-node';

const ORIGIN = 'http://glimpse.test';
const ref = { model: 'fashion-cnn', modelsBase: `${ORIGIN}/models` };
const image = { data: new Uint8Array(28 * 28).map((_, i) => (i * 13) % 256), width: 28, height: 28, channels: 1 };

beforeAll(async () => {
  vi.stubGlobal('fetch', async (url: string | URL) => {
    const u = new URL(String(url));
    if (u.origin !== ORIGIN) throw new Error(`unexpected fetch ${u.href}`);
    return new Response(await readFile(`${REPO_ROOT}public${u.pathname}`).catch(() => null), { status: 200 });
  });
  await tf.setBackend('cpu');
  expect((await init('cpu')).backend).toBe('cpu');
});
afterAll(() => vi.unstubAllGlobals());

describe('engine.call', () => {
  it('names the known operations when asked for an unknown one', async () => {
    await expect(call('gradcam', 1, {})).rejects.toThrow(`unknown worker operation 'gradcam'; known: ${Object.keys(operations).join(', ')}`);
    await expect(call('toString', 2, {})).rejects.toThrow(/unknown worker operation 'toString'/);
  });

  it('runs each family on one shared model and lists the buffers to transfer', async () => {
    const { result, transfer } = await call('attribution', 3, { ...ref, method: 'vanilla-gradient', image: { ...image, data: image.data.slice() } });
    const attribution = (result as ComputeResult).attribution;
    expect(attribution.values.length).toBe(28 * 28);
    expect(transfer).toEqual([attribution.values.buffer]);
    expect((result as ComputeResult).model.sample).toBe(`${ORIGIN}/data/fashion-mnist/sample.json`);
    const view = (await call('views', 4, { ...ref, view: 'activations', image, options: { layer: 'conv1' } })).result as ViewResult;
    expect(view.view).toBe('activations');
    expect(await getModel(ref)).toBe(await getModel({ ...ref })); // one load for every family and figure
  });

  it('streams frames and stops a call cancelled by its id, also one cancelled before its model loaded', async () => {
    const frames: SynthesisFrame[] = [];
    const running = call('synthesis', 5, { ...ref, task: 'visualize', unit: 'class:3', steps: 40 }, (f) => {
      frames.push(f as SynthesisFrame);
      if (frames.length === 2) cancel(5);
    });
    const result = (await running).result as SynthesisResult;
    expect(frames.map((f) => f.step)).toEqual([1, 2]);
    expect(result).toMatchObject({ steps: 2, cancelled: true });
    const early = call('synthesis', 6, { model: 'shapes-cnn', modelsBase: ref.modelsBase, task: 'visualize', unit: 'class:1', steps: 40 }, () => undefined);
    cancel(6); // the model is still loading: the cancel must not be lost
    expect(((await early).result as SynthesisResult).steps).toBeLessThanOrEqual(1);
  });

  it('computes one queued call at a time, the figure in view first, and drops calls cancelled while they wait', async () => {
    const order: number[] = [];
    const run = (id: number, priority: number, method = 'vanilla-gradient', options: Record<string, unknown> = {}) =>
      call('attribution', id, { ...ref, method, options, image: { ...image, data: image.data.slice() } }, undefined, priority)
        .then((r) => { order.push(id); return r; });
    const long = run(10, 1, 'rise', { samples: 600, batchSize: 50 });
    const background = run(11, 1);
    const inView = run(12, 0);
    const stale = run(13, 1);
    cancel(13); // while its model is being looked up
    await expect(stale).rejects.toThrow("'attribution' was cancelled before it started");
    const queued = run(14, 1);
    await new Promise((r) => setTimeout(r, 50)); // now waiting behind the long call
    cancel(14);
    await expect(queued).rejects.toThrow("'attribution' was cancelled before it started");
    expect(order).toEqual([]); // both left before the long call finished
    const [a, , c] = await Promise.all([long, background, inView]);
    expect(order).toEqual([10, 12, 11]);
    expect(a.timing.queueMs).toBeLessThan(5);
    // The call in view waited for the long one, and its compute time does not include that wait.
    expect(c.timing.queueMs).toBeGreaterThan(a.timing.computeMs * 0.5);
    expect(c.timing.computeMs).toBeLessThan(a.timing.computeMs);
    expect(c.timing.totalMs).toBeGreaterThanOrEqual(c.timing.queueMs + c.timing.computeMs);
  });

  it('counts a message that waited in the worker behind a computation as queue time', async () => {
    // Posted 400 ms before it was read here: that wait is queue, and the total runs from the posting.
    const sentAt = performance.timeOrigin + performance.now() - 400;
    const { timing } = await call('attribution', 20, { ...ref, method: 'vanilla-gradient', image: { ...image, data: image.data.slice() } }, undefined, 1, sentAt);
    expect(timing.queueMs).toBeGreaterThanOrEqual(400);
    expect(timing.totalMs).toBeGreaterThanOrEqual(timing.queueMs + timing.computeMs);
    const { timing: plain } = await call('attribution', 21, { ...ref, method: 'vanilla-gradient', image: { ...image, data: image.data.slice() } });
    expect(plain.queueMs).toBeLessThan(400);
  });
});
