/// <reference types="vite/client" />
/**
 * The only path from the page to the compute worker. One worker per page, created on first use and
 * shared by every figure. Per figure, the latest request wins: a request superseded before it starts
 * is never sent, and a running one is told to cancel, so dragging a slider never queues work. A
 * worker that errors or misses a generous deadline is terminated; its pending requests reject with
 * WorkerCrashedError and the next call starts a fresh worker. Imports comlink, never tfjs.
 */
import * as Comlink from 'comlink';
import type { SynthesisFrame, SynthesisRequest, SynthesisResult } from './synthesis-protocol';
// `?worker&url`: Vite bundles the worker and gives its URL (relative to this chunk in the embed bundle).
import computeWorkerUrl from './compute.worker.ts?worker&url';
import type {
  BackendName, BackendReport, BenchTimings, ComputeApi, ComputeRequest, ComputeResult, MethodChoice, ModelRef, ModelSummary,
  PlainError, ViewRequest, ViewResult,
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

interface Queued {
  request: ComputeRequest;
  resolve(result: ComputeResult): void;
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
    return this.call('init', (_api, report) => Promise.resolve(report));
  }

  describe(ref: ModelRef): Promise<ModelSummary> {
    return this.call('describe', (api) => api.describe(ref));
  }

  methods(): Promise<MethodChoice[]> {
    return this.call('methods', (api) => api.methods());
  }

  /** Runs a method for a figure; rejects with CancelledError when a newer request for `figureKey` arrives. */
  compute(figureKey: string, request: ComputeRequest): Promise<ComputeResult> {
    let slot = this.slots.get(figureKey);
    if (slot === undefined) {
      slot = {};
      this.slots.set(figureKey, slot);
    }
    const s = slot;
    return new Promise<ComputeResult>((resolve, reject) => {
      s.queued?.reject(new CancelledError());
      s.queued = { request, resolve, reject };
      if (s.running) {
        s.running.superseded = true;
        const id = s.running.id;
        void Promise.resolve(this.handle?.api.cancel(id)).catch(() => undefined);
      } else {
        this.startNext(s);
      }
    });
  }

  /** A live view (filters, activation grid, neighbours); figures drop answers they superseded. */
  view(request: ViewRequest): Promise<ViewResult> {
    return this.call('view', (api) => api.view(request));
  }

  /** Medians of `runs` timed repetitions inside the worker (scripts/bench-browser.ts). */
  bench(ref: ModelRef, method: string, runs: number): Promise<BenchTimings> {
    return this.call('bench', (api) => api.bench(ref, method, runs));
  }

  /** Test hook: the worker's next run dies with an uncaught error. */
  async crashOnNextRun(): Promise<void> {
    await this.call('crash hook', (api) => Promise.resolve(api.crashOnNextRun()));
  }

  /**
   * Feature visualization with live frames. `cancel()` stops the optimization at its next step; the
   * promise then resolves with the image so far (`cancelled: true`).
   */
  synthesize(request: SynthesisRequest, onFrame: (frame: SynthesisFrame) => void): { result: Promise<SynthesisResult>; cancel(): void } {
    const id = this.nextId++;
    const result = this.call('synthesize', (api) => api.synthesize(id, request, Comlink.proxy(onFrame)));
    return { result, cancel: () => void Promise.resolve(this.handle?.api.cancelSynthesis(id)).catch(() => undefined) };
  }

  /** Kills the worker as a crash would (pending requests reject with WorkerCrashedError). */
  terminate(reason = 'the compute worker was terminated'): void {
    this.crash(reason);
  }

  private startNext(slot: Slot): void {
    const next = slot.queued;
    if (next === undefined) return;
    slot.queued = undefined;
    const running = { id: this.nextId++, superseded: false };
    slot.running = running;
    const { request } = next;
    const message = Comlink.transfer(request, [request.image.data.buffer as ArrayBuffer]);
    this.call('run', (api) => api.run(running.id, message))
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
  private call<T>(what: string, fn: (api: ComputeApi, report: BackendReport) => Promise<T>): Promise<T> {
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
  return { api: Comlink.wrap<ComputeApi>(worker) as unknown as ComputeApi, terminate: () => worker.terminate() };
};

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
