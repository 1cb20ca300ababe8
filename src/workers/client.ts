/// <reference types="vite/client" />
/**
 * The only path from the page to the compute workers: a small pool (pool.ts), started on first use
 * and shared by every figure, each call timed from request to pixels (timing.ts). Every family is an operation of the worker's table (operations.ts): a
 * figure calls `client.op(name, request)` or, for operations that stream frames,
 * `client.stream(name, request, onFrame)`, with request/result/frame types read from the table.
 * With a `key` (one per figure) the latest request wins: a request superseded before it starts is
 * never sent, and a running one is told to cancel, so dragging a slider never queues work. A
 * worker that errors, ends silently (its life lock, below) or misses a generous deadline is
 * terminated; its pending requests reject with WorkerCrashedError and the next call starts a fresh
 * worker. Imports comlink, never tfjs.
 */
import * as Comlink from 'comlink';
import type { ComputeRequest, ComputeResult } from '../methods/protocol';
import type { SynthesisFrame, SynthesisRequest, SynthesisResult } from '../synthesis/protocol';
import type { ViewRequest, ViewResult } from '../views/protocol';
// `?worker&url`: Vite bundles the worker and gives its URL (relative to this chunk in the embed bundle).
import computeWorkerUrl from './compute.worker.ts?worker&url';
import type { OpFrame, OpName, OpRequest, OpResult } from './operations';
import { SHARED_SCORING_METHODS } from '../methods/protocol';
import { ScoringHelper } from './helper';
import { WorkerPool, WorkerCrashedError, type WorkerFactory, type WorkerHandle } from './pool';
import type {
  BackendName, BackendReport, BenchTimings, CallReply, ComputeApi, MethodChoice, ModelRef, ModelSummary, PlainError,
} from './protocol';
import { timePaint, type CallTiming } from './timing';

export { WorkerCrashedError, type WorkerFactory, type WorkerHandle };

/** A request replaced by a newer one from the same figure; figures ignore it. */
export class CancelledError extends Error {
  constructor(message = 'superseded by a newer request') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** An error thrown inside the worker (ModelError, unknown method, ...), rebuilt with its fields. */
export class ComputeError extends Error {
  readonly model?: string;
  readonly layer?: string;
  constructor(plain: PlainError) {
    super(plain.message);
    this.name = plain.name;
    this.model = plain.model;
    this.layer = plain.layer;
  }
}

export interface ClientOptions {
  /** Backend to try first (falls back down webgpu → webgl → wasm → cpu). */
  backend?: BackendName;
  /** A call without an answer after this long counts as a crash. Generous: a first WebGPU
   *  pipeline compile on a software adapter takes seconds. */
  deadlineMs?: number;
  /** Most compute workers at once (default 1: see getClient for the measured reason). */
  workers?: number;
  /** 1: a scoring helper worker shares the perturbation methods' batches (helper.ts); 0 (default): none. */
  helpers?: number;
}

/** How a call is made. */
export interface OpOptions {
  /** The figure's key: a newer call with the same key supersedes this one (latest request wins). */
  key?: string;
  /** Buffers of the request to move to the worker instead of copying (they become unusable here). */
  transfer?: ArrayBuffer[];
  /** Lower goes first in the worker's queue: 0 for the figure the reader is looking at (default 1). */
  priority?: number;
}

/** A streaming call: its final result, and `cancel()`, which ends it early with what it has. */
export interface Running<T> {
  result: Promise<T>;
  cancel(): void;
}

interface Queued {
  start(id: number): Promise<unknown>;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}
interface Slot {
  queued?: Queued;
  running?: { id: number; superseded: boolean };
}
export class ComputeClient {
  private readonly pool: WorkerPool;
  private readonly slots = new Map<string, Slot>();
  private nextId = 1;
  /** A test hook for the worker that gets the next 'attribution' call. */
  private hookNext?: 'crash' | 'close';
  /** The latest calls' timings, newest last (at most 200): the page benchmark reads them. */
  readonly timings: CallTiming[] = [];
  private readonly timingByResult = new WeakMap<object, CallTiming>();

  private readonly helper?: ScoringHelper;

  constructor(factory: WorkerFactory, options: ClientOptions = {}) {
    this.pool = new WorkerPool(factory, { backend: options.backend, deadlineMs: options.deadlineMs ?? 120_000, size: options.workers ?? 1 });
    if ((options.helpers ?? 0) > 0) this.helper = new ScoringHelper(factory);
  }

  /** Number of workers started so far (tests check that a crash leads to a fresh one). */
  get workersStarted(): number {
    return this.pool.started;
  }

  /** Number of scoring helpers started so far (0 where the client has none). */
  get helpersStarted(): number {
    return this.helper?.started ?? 0;
  }

  /** Where the time of the call that produced `result` went (undefined for results not from here). */
  timingOf(result: unknown): CallTiming | undefined {
    return typeof result === 'object' && result !== null ? this.timingByResult.get(result) : undefined;
  }

  /** Which backend the worker runs on (starts the worker if needed). */
  backend(): Promise<BackendReport> {
    return this.pool.report();
  }

  /** Runs worker operation `name` once; with `options.key`, rejects with CancelledError when superseded. */
  op<N extends OpName>(name: N, request: OpRequest<N>, options: OpOptions = {}): Promise<OpResult<N>> {
    const requestedAt = performance.now();
    const start = (id: number): Promise<OpResult<N>> => this.send(name, id, request, options, requestedAt);
    return options.key === undefined ? start(this.nextId++) : this.latest(options.key, start);
  }

  /**
   * Runs a streaming operation: `onFrame` gets each frame as the worker sends it; `cancel()` makes
   * the operation stop at its next step, and `result` then resolves with what it had.
   */
  stream<N extends OpName>(name: N, request: OpRequest<N>, onFrame: (frame: OpFrame<N>) => void, options: OpOptions = {}): Running<OpResult<N>> {
    let id: number | undefined;
    const requestedAt = performance.now();
    const start = (callId: number): Promise<OpResult<N>> => {
      id = callId;
      return this.send(name, callId, request, options, requestedAt, onFrame as (frame: unknown) => void);
    };
    const result = options.key === undefined ? start(this.nextId++) : this.latest(options.key, start);
    return { result, cancel: () => void (id !== undefined && this.pool.cancel(id)) };
  }

  // Shorthands for the first families (new families call op/stream directly).
  describe(ref: ModelRef): Promise<ModelSummary> { return this.op('describe', ref); }
  methods(): Promise<MethodChoice[]> { return this.op('methods', undefined); }
  /** An attribution for a figure; the latest request per `figureKey` wins. Moves the image's buffer. */
  compute(figureKey: string, request: ComputeRequest, priority?: number): Promise<ComputeResult> {
    return this.op('attribution', request, { key: figureKey, transfer: [request.image.data.buffer as ArrayBuffer], ...(priority === undefined ? {} : { priority }) });
  }
  view(request: ViewRequest, priority?: number): Promise<ViewResult> { return this.op('views', request, priority === undefined ? {} : { priority }); }
  bench(ref: ModelRef, method: string, runs: number): Promise<BenchTimings> { return this.op('attribution-bench', { ...ref, method, runs }); }
  synthesize(request: SynthesisRequest, onFrame: (frame: SynthesisFrame) => void): Running<SynthesisResult> { return this.stream('synthesis', request, onFrame); }

  /** Test hook: the worker that gets the next 'attribution' call calls close() on it: it dies without an error. */
  async closeOnNextRun(): Promise<void> {
    this.hookNext = 'close';
  }

  /** Test hook: the worker that gets the next 'attribution' call dies on it with an uncaught error. */
  async crashOnNextRun(): Promise<void> {
    this.hookNext = 'crash';
  }

  /** Kills the workers as a crash would (pending requests reject with WorkerCrashedError). */
  terminate(reason = 'the compute worker was terminated'): void {
    this.pool.terminateAll(reason);
    this.helper?.terminate(reason);
  }

  private send<T>(name: string, id: number, request: unknown, options: OpOptions, requestedAt: number, onFrame?: (frame: unknown) => void): Promise<T> {
    const message = options.transfer === undefined ? request : Comlink.transfer(request, options.transfer);
    const model = modelKey(request);
    const hook = name === 'attribution' ? this.hookNext : undefined;
    if (hook) this.hookNext = undefined;
    const sentAt = performance.now();
    let postedAt = sentAt;
    const shared = name === 'attribution' && this.helper !== undefined && SHARED_SCORING_METHODS.has((request as Partial<ComputeRequest>).method ?? '');
    const reply = this.pool.run(name, (api, report) => {
      // Before the call, on the same port: the worker has its helper when the call arrives.
      if (shared) this.helper!.connect(api, report);
      postedAt = performance.now();
      // Comlink keeps messages in order: the hook is set before the call arrives.
      if (hook === 'crash') void api.crashOnNextRun();
      if (hook === 'close') void api.closeOnNextRun();
      return api.call(name, id, message, onFrame && Comlink.proxy(onFrame), options.priority, performance.timeOrigin + postedAt);
    }, { callId: id, ...(model ? { model } : {}) });
    return reply.then(({ result, timing: inWorker }: CallReply) => {
      const receivedAt = performance.now();
      // Before posting, the call waited for its worker to start (script, tfjs, backend): backend start.
      const starting = postedAt - sentAt;
      const { repliedAt: _, ...phases } = inWorker;
      const worker = { ...phases, initMs: inWorker.initMs + starting, totalMs: inWorker.totalMs + starting };
      const timing: CallTiming = {
        op: name, ...(options.key ? { key: options.key } : {}), requestedAt, pageWaitMs: sentAt - requestedAt, worker,
        transferMs: Math.max(0, receivedAt - postedAt - inWorker.totalMs),
        ...(inWorker.repliedAt === undefined ? {} : { answerMs: Math.max(0, performance.timeOrigin + receivedAt - inWorker.repliedAt) }),
      };
      this.record(timing, result, receivedAt);
      return result as T;
    }, (error: unknown) => {
      throw error instanceof Error ? error : new ComputeError(plain(error));
    });
  }

  private record(timing: CallTiming, result: unknown, receivedAt: number): void {
    this.timings.push(timing);
    if (this.timings.length > 200) this.timings.shift();
    if (typeof result === 'object' && result !== null) this.timingByResult.set(result, timing);
    // The figure draws in the continuation of this promise; the next frame shows its pixels.
    timePaint(timing, receivedAt);
  }

  /** Latest request wins per key: the queued one is replaced, the running one cancelled. */
  private latest<T>(key: string, start: (id: number) => Promise<T>): Promise<T> {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = {};
      this.slots.set(key, slot);
    }
    const s = slot;
    return new Promise<T>((resolve, reject) => {
      s.queued?.reject(new CancelledError());
      s.queued = { start, resolve: resolve as (result: unknown) => void, reject };
      if (s.running) {
        s.running.superseded = true;
        this.pool.cancel(s.running.id);
      } else {
        this.startNext(s);
      }
    });
  }

  private startNext(slot: Slot): void {
    const next = slot.queued;
    if (next === undefined) return;
    slot.queued = undefined;
    const running = { id: this.nextId++, superseded: false };
    slot.running = running;
    next.start(running.id)
      .then(
        (result) => (running.superseded ? next.reject(new CancelledError()) : next.resolve(result)),
        (error) => next.reject(running.superseded ? new CancelledError() : error),
      )
      .finally(() => {
        slot.running = undefined;
        this.startNext(slot);
      });
  }
}

/** Which model a request is for (steers it to a worker that has it loaded). */
function modelKey(request: unknown): string | undefined {
  const r = request as Partial<ModelRef> | null;
  return typeof r === 'object' && r !== null && typeof r.model === 'string' ? `${r.modelsBase ?? ''}|${r.model}` : undefined;
}

function plain(value: unknown): PlainError {
  if (value !== null && typeof value === 'object' && 'message' in value) return value as PlainError;
  return { name: 'Error', message: String(value) };
}

/**
 * A module worker for `url`. Browsers refuse `new Worker(url)` for a script on another origin, which
 * is where the worker lives when the embed bundle (src/embed/glimpse.ts) runs in a foreign page: then
 * a same-origin blob: worker imports the real one (a CORS module load), so its import.meta.url, its
 * chunks and its wasm files still resolve against the Glimpse site.
 */
function startModuleWorker(url: URL, name: string): Worker {
  if (url.origin === location.origin || url.protocol === 'blob:') return new Worker(url, { type: 'module', name });
  const shim = new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' });
  return new Worker(URL.createObjectURL(shim), { type: 'module', name });
}

/** Starts the real module worker. Vite bundles it (and tfjs, lazily) as its own chunk. */
export const browserWorkerFactory: WorkerFactory = (onCrash) => {
  const worker = startModuleWorker(new URL(computeWorkerUrl, import.meta.url), 'glimpse-compute');
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    onCrash(`the compute worker crashed: ${event.message || 'script error (could not load or threw)'}`);
  });
  worker.addEventListener('messageerror', () => onCrash('the compute worker sent a message that could not be read'));
  const api = Comlink.wrap<ComputeApi>(worker) as unknown as ComputeApi;
  watchLifeLock(api, onCrash);
  return { api, terminate: () => worker.terminate() };
};

let workerSerial = 0;

/**
 * Notices a worker that dies silently (close() inside it, or the browser killing it), which fires
 * no error event and left figures waiting for the 120 s deadline: the worker holds a Web Lock for
 * its life, and the page's request for the same lock is granted the moment the worker is gone,
 * even while the worker is busy in one long synchronous op (where a heartbeat could not answer).
 * Without navigator.locks (insecure http origins), or where the browser denies it (a SecurityError,
 * e.g. in an embed on another site with third-party storage blocked), the deadline remains. A worker terminated by
 * the client releases its lock too; the client ignores reports about a worker it already dropped.
 */
function watchLifeLock(api: ComputeApi, onCrash: (reason: string) => void): void {
  if (typeof navigator === 'undefined' || !('locks' in navigator)) return;
  const name = `glimpse-compute-worker-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${++workerSerial}`;
  void Promise.resolve(api.holdLifeLock(name)).then((held) => {
    if (!held) return;
    navigator.locks.request(name, () => onCrash('the compute worker stopped without an error (it closed, or the browser ended it)')).catch(() => undefined);
  }, () => undefined);
}

let shared: ComputeClient | undefined;

/** The page's one client. The first caller's backend and worker count win. */
export function getClient(options: ClientOptions = {}): ComputeClient {
  // One worker unless asked (`workers`, the page's ?workers=2): measured on "Which pixels matter?"
  // (2-core VM, load 6-9), a second worker did not bring the figure scrolled to during the grid
  // reliably sooner (1,363 / 537 ms with one, 1,181 / 1,537 ms with two: it starts a backend, loads
  // the model and grows a fresh wasm heap) and cost 360-370 MiB more; the queue puts that figure's
  // call first instead (engine.ts).
  // A scoring helper (helper.ts) where a second core can run it, unless the page says ?helpers=0.
  shared ??= new ComputeClient(browserWorkerFactory, { ...options, workers: options.workers ?? 1, helpers: options.helpers ?? defaultHelpers() });
  // For the page benchmark (scripts/bench-pixels.ts): every call's timing, newest last, and the workers started.
  const client = shared;
  Object.assign(globalThis, { glimpseTimings: client.timings, glimpseWorkers: () => client.workersStarted, glimpseHelpers: () => client.helpersStarted });
  return shared;
}

/**
 * 1 where the machine has a second core and memory to spare (Chromium's navigator.deviceMemory, in
 * GiB, at least 4 where the browser tells; a helper holds its own copy of the model and a wasm heap)
 * and the page does not say `?helpers=0`; else 0.
 */
function defaultHelpers(): number {
  if (typeof location !== 'undefined' && new URLSearchParams(location.search).get('helpers') === '0') return 0;
  if (typeof navigator === 'undefined') return 0;
  const memory = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  return (navigator.hardwareConcurrency ?? 1) >= 2 && (memory === undefined || memory >= 4) ? 1 : 0;
}

/** Convenience for figures: `compute(figureKey, request)` on the shared client. */
export function compute(figureKey: string, request: ComputeRequest): Promise<ComputeResult> {
  return getClient().compute(figureKey, request);
}
