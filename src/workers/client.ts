/// <reference types="vite/client" />
/**
 * The only path from the page to the compute worker. One worker per page, created on first use and
 * shared by every figure. Every family is an operation of the worker's table (operations.ts): a
 * figure calls `client.op(name, request)` or, for operations that stream frames,
 * `client.stream(name, request, onFrame)`, with request/result/frame types read from the table.
 * With a `key` (one per figure) the latest request wins: a request superseded before it starts is
 * never sent, and a running one is told to cancel, so dragging a slider never queues work. A
 * worker that errors, ends silently (its life lock, below) or misses a generous deadline is terminated; its pending requests reject with
 * WorkerCrashedError and the next call starts a fresh worker. Imports comlink, never tfjs.
 */
import * as Comlink from 'comlink';
import type { ComputeRequest, ComputeResult } from '../methods/protocol';
import type { SynthesisFrame, SynthesisRequest, SynthesisResult } from '../synthesis/protocol';
import type { ViewRequest, ViewResult } from '../views/protocol';
// `?worker&url`: Vite bundles the worker and gives its URL (relative to this chunk in the embed bundle).
import computeWorkerUrl from './compute.worker.ts?worker&url';
import type { OpFrame, OpName, OpRequest, OpResult } from './operations';
import type {
  BackendName, BackendReport, BenchTimings, ComputeApi, MethodChoice, ModelRef, ModelSummary, PlainError,
} from './protocol';

/** A request replaced by a newer one from the same figure; figures ignore it. */
export class CancelledError extends Error {
  constructor(message = 'superseded by a newer request') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** The worker died (uncaught error, bad message, or no answer before the deadline). Retrying recovers. */
export class WorkerCrashedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerCrashedError';
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

/** A live worker: its API and how to kill it. `onCrash` is called when it errors on its own. */
export interface WorkerHandle {
  api: ComputeApi;
  terminate(): void;
}
export type WorkerFactory = (onCrash: (reason: string) => void) => WorkerHandle;

export interface ClientOptions {
  /** Backend to try first (falls back down webgpu → webgl → wasm → cpu). */
  backend?: BackendName;
  /** A call without an answer after this long counts as a crash. Generous: a first WebGPU
   *  pipeline compile on a software adapter takes seconds. */
  deadlineMs?: number;
}

/** How a call is made. */
export interface OpOptions {
  /** The figure's key: a newer call with the same key supersedes this one (latest request wins). */
  key?: string;
  /** Buffers of the request to move to the worker instead of copying (they become unusable here). */
  transfer?: ArrayBuffer[];
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
interface Pending {
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

export class ComputeClient {
  private handle?: WorkerHandle;
  private ready?: Promise<BackendReport>;
  private readonly pending = new Set<Pending>();
  private readonly slots = new Map<string, Slot>();
  private nextId = 1;
  private readonly deadlineMs: number;
  /** Number of workers started so far (tests check that a crash leads to a fresh one). */
  workersStarted = 0;

  constructor(private readonly factory: WorkerFactory, private readonly options: ClientOptions = {}) {
    this.deadlineMs = options.deadlineMs ?? 120_000;
  }

  /** Which backend the worker runs on (starts the worker if needed). */
  backend(): Promise<BackendReport> {
    return this.withWorker('init', (_api, report) => Promise.resolve(report));
  }

  /** Runs worker operation `name` once; with `options.key`, rejects with CancelledError when superseded. */
  op<N extends OpName>(name: N, request: OpRequest<N>, options: OpOptions = {}): Promise<OpResult<N>> {
    const start = (id: number): Promise<OpResult<N>> => this.send(name, id, request, options.transfer);
    return options.key === undefined ? start(this.nextId++) : this.latest(options.key, start);
  }

  /**
   * Runs a streaming operation: `onFrame` gets each frame as the worker sends it; `cancel()` makes
   * the operation stop at its next step, and `result` then resolves with what it had.
   */
  stream<N extends OpName>(name: N, request: OpRequest<N>, onFrame: (frame: OpFrame<N>) => void, options: OpOptions = {}): Running<OpResult<N>> {
    let id: number | undefined;
    const start = (callId: number): Promise<OpResult<N>> => {
      id = callId;
      return this.send(name, callId, request, options.transfer, onFrame as (frame: unknown) => void);
    };
    const result = options.key === undefined ? start(this.nextId++) : this.latest(options.key, start);
    return { result, cancel: () => void (id !== undefined && this.cancel(id)) };
  }

  // Shorthands for the first families (new families call op/stream directly).
  describe(ref: ModelRef): Promise<ModelSummary> { return this.op('describe', ref); }
  methods(): Promise<MethodChoice[]> { return this.op('methods', undefined); }
  /** An attribution for a figure; the latest request per `figureKey` wins. Moves the image's buffer. */
  compute(figureKey: string, request: ComputeRequest): Promise<ComputeResult> {
    return this.op('attribution', request, { key: figureKey, transfer: [request.image.data.buffer as ArrayBuffer] });
  }
  view(request: ViewRequest): Promise<ViewResult> { return this.op('views', request); }
  bench(ref: ModelRef, method: string, runs: number): Promise<BenchTimings> { return this.op('attribution-bench', { ...ref, method, runs }); }
  synthesize(request: SynthesisRequest, onFrame: (frame: SynthesisFrame) => void): Running<SynthesisResult> { return this.stream('synthesis', request, onFrame); }

  /** Test hook: the worker's next 'attribution' call calls close(): it dies without an error. */
  async closeOnNextRun(): Promise<void> {
    await this.withWorker('close hook', (api) => Promise.resolve(api.closeOnNextRun()));
  }

  /** Test hook: the worker's next 'attribution' call dies with an uncaught error. */
  async crashOnNextRun(): Promise<void> {
    await this.withWorker('crash hook', (api) => Promise.resolve(api.crashOnNextRun()));
  }

  /** Kills the worker as a crash would (pending requests reject with WorkerCrashedError). */
  terminate(reason = 'the compute worker was terminated'): void {
    this.crash(reason);
  }

  private cancel(id: number): void {
    void Promise.resolve(this.handle?.api.cancel(id)).catch(() => undefined);
  }

  private send<T>(name: string, id: number, request: unknown, transfer?: ArrayBuffer[], onFrame?: (frame: unknown) => void): Promise<T> {
    const message = transfer === undefined ? request : Comlink.transfer(request, transfer);
    return this.withWorker(name, (api) => api.call(name, id, message, onFrame && Comlink.proxy(onFrame)) as Promise<T>);
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
        this.cancel(s.running.id);
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

  /** One worker call, after init, under the deadline; worker errors come back as ComputeError. */
  private withWorker<T>(what: string, fn: (api: ComputeApi, report: BackendReport) => Promise<T>): Promise<T> {
    const handle = this.ensureWorker();
    const ready = this.ready as Promise<BackendReport>;
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = {
        reject,
        timer: setTimeout(
          () => this.crash(`the compute worker did not answer '${what}' within ${this.deadlineMs / 1000} s`),
          this.deadlineMs,
        ),
      };
      this.pending.add(entry);
      const settle = (ok: boolean, value: unknown): void => {
        if (!this.pending.has(entry)) return; // already rejected by a crash
        clearTimeout(entry.timer);
        this.pending.delete(entry);
        if (ok) resolve(value as T);
        else reject(value instanceof Error ? value : new ComputeError(plain(value)));
      };
      ready
        .then((report) => fn(handle.api, report))
        .then((v) => settle(true, v), (e) => settle(false, e));
    });
  }

  private ensureWorker(): WorkerHandle {
    if (this.handle) return this.handle;
    const handle = this.factory((reason) => {
      if (this.handle === handle) this.crash(reason);
    });
    this.handle = handle;
    this.workersStarted += 1;
    this.ready = handle.api.init(this.options.backend);
    // A worker whose init failed is useless: drop it so the next call starts afresh.
    this.ready.catch(() => {
      if (this.handle === handle) {
        handle.terminate();
        this.handle = undefined;
      }
    });
    return handle;
  }

  private crash(reason: string): void {
    const handle = this.handle;
    this.handle = undefined;
    this.ready = undefined;
    handle?.terminate();
    const error = new WorkerCrashedError(reason);
    for (const entry of [...this.pending]) {
      clearTimeout(entry.timer);
      this.pending.delete(entry);
      entry.reject(error);
    }
  }
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

/** The page's one client. The first caller's backend preference wins (one worker, one backend). */
export function getClient(options: ClientOptions = {}): ComputeClient {
  shared ??= new ComputeClient(browserWorkerFactory, options);
  return shared;
}

/** Convenience for figures: `compute(figureKey, request)` on the shared client. */
export function compute(figureKey: string, request: ComputeRequest): Promise<ComputeResult> {
  return getClient().compute(figureKey, request);
}
