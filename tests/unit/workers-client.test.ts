// The page-side client: latest-request-wins per figure, crash recovery, deadlines. A fake worker
// stands in for Comlink: its 'attribution' calls answer only when the test says so.
import { describe, expect, it } from 'vitest';
import { CancelledError, ComputeClient, ComputeError, WorkerCrashedError, type WorkerHandle } from '../../src/workers/client';
import type { CallReply, ComputeApi, ComputeRequest } from '../../src/workers/protocol';

const TIMING = { initMs: 0, loadMs: 0, queueMs: 0, computeMs: 1, totalMs: 1 };

interface Call { id: number; request: ComputeRequest; answer(r: unknown): void; fail(e: unknown): void }

function fakeWorkers() {
  const workers: { calls: Call[]; cancelled: number[]; terminated: boolean; crash(reason: string): void }[] = [];
  const factory = (onCrash: (reason: string) => void): WorkerHandle => {
    const w = { calls: [] as Call[], cancelled: [] as number[], terminated: false, crash: onCrash };
    workers.push(w);
    const api: ComputeApi = {
      init: async () => ({ backend: 'cpu', tried: [{ backend: 'cpu', ok: true }] }),
      call: async (op, id, request) => {
        if (op === 'describe') throw { name: 'ModelError', message: "model 'x': GET /x 404", model: 'x' };
        if (op !== 'attribution') throw new Error(`not used: ${op}`);
        return new Promise<CallReply>((answer, fail) => { w.calls.push({ id, request: request as ComputeRequest, answer: (r) => answer({ result: r, timing: TIMING }), fail }); });
      },
      cancel: (id) => { w.cancelled.push(id); },
      crashOnNextRun: () => undefined,
      closeOnNextRun: () => undefined,
      holdLifeLock: async () => false,
      attachHelper: () => undefined,
      detachHelper: () => undefined,
      serveHelper: () => undefined,
    };
    return { api, terminate: () => { w.terminated = true; } };
  };
  return { workers, factory };
}

const request = (tag: number): ComputeRequest => ({
  model: 'm', modelsBase: 'http://x/models', method: 'vanilla-gradient',
  image: { data: new Uint8Array([tag]), width: 1, height: 1, channels: 1 },
});
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('ComputeClient', () => {
  it('runs only the latest of several requests made while one is running', async () => {
    const { workers, factory } = fakeWorkers();
    const client = new ComputeClient(factory);
    const first = client.compute('fig', request(1));
    await tick();
    expect(workers[0].calls.map((c) => c.request.image.data[0])).toEqual([1]);
    const second = client.compute('fig', request(2));
    const third = client.compute('fig', request(3));
    await expect(second).rejects.toBeInstanceOf(CancelledError); // superseded before it started: never sent
    expect(workers[0].cancelled).toEqual([workers[0].calls[0].id, workers[0].calls[0].id]);
    workers[0].calls[0].answer({ tag: 1 });
    await expect(first).rejects.toBeInstanceOf(CancelledError); // finished, but stale
    await tick();
    expect(workers[0].calls.map((c) => c.request.image.data[0])).toEqual([1, 3]);
    workers[0].calls[1].answer({ tag: 3 });
    await expect(third).resolves.toEqual({ tag: 3 });
  });

  it('keeps figures independent', async () => {
    const { workers, factory } = fakeWorkers();
    const client = new ComputeClient(factory);
    const a = client.compute('a', request(1));
    const b = client.compute('b', request(2));
    await tick();
    expect(workers).toHaveLength(1); // one shared worker
    expect(workers[0].calls).toHaveLength(2);
    workers[0].calls[1].answer('b');
    workers[0].calls[0].answer('a');
    await expect(a).resolves.toBe('a');
    await expect(b).resolves.toBe('b');
  });

  it('rejects pending requests on a crash and starts a fresh worker on the next call', async () => {
    const { workers, factory } = fakeWorkers();
    const client = new ComputeClient(factory);
    const pending = client.compute('fig', request(1));
    await tick();
    workers[0].crash('boom');
    await expect(pending).rejects.toBeInstanceOf(WorkerCrashedError);
    expect(workers[0].terminated).toBe(true);
    const again = client.compute('fig', request(2));
    await tick();
    expect(workers).toHaveLength(2);
    workers[1].calls[0].answer('ok');
    await expect(again).resolves.toBe('ok');
  });

  it('treats a missed deadline as a crash', async () => {
    const { workers, factory } = fakeWorkers();
    const client = new ComputeClient(factory, { deadlineMs: 20 });
    const pending = client.compute('fig', request(1));
    await expect(pending).rejects.toThrow(/did not answer 'attribution' within 0.02 s/);
    expect(workers[0].terminated).toBe(true);
  });

  it('rebuilds worker errors with their model field', async () => {
    const { factory } = fakeWorkers();
    const client = new ComputeClient(factory);
    const error = await client.describe({ model: 'x', modelsBase: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComputeError);
    expect(error).toMatchObject({ name: 'ModelError', model: 'x', message: "model 'x': GET /x 404" });
  });

  it('gives every operation the same latest-request-wins by key, and unkeyed calls run side by side', async () => {
    const sent: { op: string; id: number; request: unknown; answer(v: unknown): void }[] = [];
    const cancelled: number[] = [];
    const api: ComputeApi = {
      init: async () => ({ backend: 'cpu', tried: [{ backend: 'cpu', ok: true }] }),
      call: (op, id, request) => new Promise((answer) => { sent.push({ op, id, request, answer: (r) => answer({ result: r, timing: TIMING }) }); }),
      cancel: (id) => { cancelled.push(id); },
      crashOnNextRun: () => undefined,
      closeOnNextRun: () => undefined,
      holdLifeLock: async () => false,
      attachHelper: () => undefined,
      detachHelper: () => undefined,
      serveHelper: () => undefined,
    };
    const client = new ComputeClient(() => ({ api, terminate: () => undefined }));
    const view = (layer: string) => ({ model: 'm', modelsBase: '', view: 'filters' as const, options: { layer } });
    const first = client.op('views', view('a'), { key: 'fig' });
    await tick();
    const second = client.op('views', view('b'), { key: 'fig' });
    const free = [client.op('views', view('c')), client.op('views', view('d'))];
    await tick();
    expect(sent.map((c) => [c.op, (c.request as ReturnType<typeof view>).options.layer])).toEqual([['views', 'a'], ['views', 'c'], ['views', 'd']]);
    expect(cancelled).toEqual([sent[0].id]);
    sent[0].answer('stale');
    await expect(first).rejects.toBeInstanceOf(CancelledError);
    await tick();
    expect(sent[3]).toMatchObject({ op: 'views', request: view('b') });
    sent[3].answer('b');
    sent[1].answer('c');
    sent[2].answer('d');
    await expect(second).resolves.toBe('b');
    await expect(Promise.all(free)).resolves.toEqual(['c', 'd']);
    expect(new Set(sent.map((c) => c.id)).size).toBe(4); // every call its own id, so cancel hits one call
  });

  it('with a pool, sends a call to an idle worker, prefers the one holding its model, and keeps the others alive on a crash', async () => {
    const { workers, factory } = fakeWorkers();
    const client = new ComputeClient(factory, { workers: 2 });
    const a = client.compute('a', request(1));
    await tick();
    const b = client.compute('b', { ...request(2), model: 'other' });
    await tick();
    expect(workers.map((w) => w.calls.length)).toEqual([1, 1]); // the second figure did not wait behind the first
    workers[1].calls[0].answer('b');
    await expect(b).resolves.toBe('b');
    const c = client.compute('c', { ...request(3), model: 'other' });
    await tick();
    expect(workers[1].calls).toHaveLength(2); // worker 1 holds 'other'
    workers[0].crash('boom');
    await expect(a).rejects.toBeInstanceOf(WorkerCrashedError);
    workers[1].calls[1].answer('c');
    await expect(c).resolves.toBe('c');
    expect(workers[1].terminated).toBe(false);
  });

  it('times every call: waiting on the page, the worker phases, and the round trip', async () => {
    const { workers, factory } = fakeWorkers();
    const client = new ComputeClient(factory);
    const first = client.compute('fig', request(1));
    await tick();
    const second = client.compute('fig', request(2)); // waits on the page for the first
    await new Promise((r) => setTimeout(r, 30));
    workers[0].calls[0].answer({ tag: 1 });
    await expect(first).rejects.toBeInstanceOf(CancelledError);
    await tick();
    workers[0].calls[1].answer({ tag: 2 });
    const result = await second;
    const timing = client.timingOf(result);
    expect(timing).toMatchObject({ op: 'attribution', key: 'fig' });
    // The worker's phases as it reported them, plus the wait for its start before the call was posted (backend start).
    const { initMs, totalMs, ...phases } = timing!.worker;
    expect(phases).toEqual({ loadMs: 0, queueMs: 0, computeMs: 1 });
    expect(initMs).toBeGreaterThanOrEqual(0);
    expect(totalMs - initMs).toBeCloseTo(1, 6);
    expect(timing!.pageWaitMs).toBeGreaterThanOrEqual(25);
    expect(timing!.transferMs).toBeGreaterThanOrEqual(0);
    expect(client.timings.at(-1)).toBe(timing);
  });

  it('posts a call to a started worker in the caller\'s task (not a microtask later), and times the answer\'s message', async () => {
    const sent: number[] = [];
    const api: ComputeApi = {
      init: async () => ({ backend: 'cpu', tried: [{ backend: 'cpu', ok: true }] }),
      call: async (_op, id) => {
        sent.push(id);
        // The worker says it posted the answer 5 ms ago on the shared clock.
        return { result: { id }, timing: { ...TIMING, repliedAt: performance.timeOrigin + performance.now() - 5 } };
      },
      cancel: () => undefined,
      crashOnNextRun: () => undefined,
      closeOnNextRun: () => undefined,
      holdLifeLock: async () => false,
      attachHelper: () => undefined,
      detachHelper: () => undefined,
      serveHelper: () => undefined,
    };
    const client = new ComputeClient(() => ({ api, terminate: () => undefined }));
    const first = client.op('views', { model: 'm', modelsBase: '', view: 'filters', options: { layer: 'a' } });
    expect(sent).toEqual([]); // the worker is still starting
    await first;
    const second = client.op('views', { model: 'm', modelsBase: '', view: 'filters', options: { layer: 'b' } });
    expect(sent).toHaveLength(2); // posted before the caller goes on (to draw)
    const timing = client.timingOf(await second);
    expect(timing?.answerMs).toBeGreaterThanOrEqual(5);
    expect(timing?.worker).not.toHaveProperty('repliedAt');
  });
});
