/**
 * The compute worker's engine, loaded when the worker's first call arrives: the backend (chosen
 * once), the model cache every operation shares, and `call`, which looks an operation up in the
 * table (operations.ts), gives it its context and a cancel signal, runs one queued computation at a
 * time (the figure in view first), times each phase, and says which buffers of the result to
 * transfer. Plain functions; the Comlink wiring lives in compute.worker.ts.
 */
import { loadModel } from '../model/load';
import type { Executor } from '../model/types';
import { selectBackend } from './backends';
import { scorerFor } from './helper';
export { attachHelper, detachHelper } from './helper';
import type { OpContext, Operation } from './operation';
import { operations } from './operations';
import type { BackendName, BackendReport, ModelRef, ModelSummary, WorkerTiming } from './protocol';

let report: Promise<BackendReport> | undefined;

/** Picks the backend once per worker; later calls return the same report. */
export function init(preferred?: BackendName): Promise<BackendReport> {
  report ??= selectBackend(preferred);
  return report;
}

const SHIPPED_ID = /^[a-z0-9][a-z0-9-]*$/;
const models = new Map<string, Promise<Executor>>();

function modelKey(ref: ModelRef): string {
  return SHIPPED_ID.test(ref.model) ? `${ref.modelsBase}/${ref.model}` : ref.model;
}

/** Loads (or reuses) a model; a failed load is forgotten so that Retry fetches again. */
export function getModel(ref: ModelRef): Promise<Executor> {
  const key = modelKey(ref);
  let loading = models.get(key);
  if (loading === undefined) {
    loading = init().then(() => loadModel(ref.model, { modelsBase: ref.modelsBase }));
    models.set(key, loading);
    loading.catch(() => models.delete(key));
  }
  return loading;
}

/** Shipped models name their sample images in glimpse.json ("sample": "/data/.../sample.json"). */
async function sampleUrl(ref: ModelRef): Promise<string | undefined> {
  if (!SHIPPED_ID.test(ref.model)) return undefined;
  const url = `${ref.modelsBase}/${ref.model}/glimpse.json`;
  const response = await fetch(url).catch(() => undefined);
  if (!response?.ok) return undefined;
  const json = (await response.json().catch(() => ({}))) as { sample?: unknown };
  return typeof json.sample === 'string' ? new URL(json.sample, url).href : undefined;
}

const summaries = new Map<string, Promise<ModelSummary>>();

export function describe(ref: ModelRef): Promise<ModelSummary> {
  const key = modelKey(ref);
  let summary = summaries.get(key);
  if (summary === undefined) {
    summary = Promise.all([getModel(ref), sampleUrl(ref)]).then(([model, sample]) => {
      const { id, inputShape, numClasses, labels, preprocessing } = model.info;
      const layers = model.info.layers.map(({ name, kind, outputShape }) => ({ name, kind, outputShape }));
      return { id, inputShape, numClasses, labels, preprocessing, layers, ...(sample ? { sample } : {}) };
    });
    summaries.set(key, summary);
    summary.catch(() => summaries.delete(key));
  }
  return summary;
}

const signals = new Map<number, { aborted: boolean }>();

/** Marks call `id` as cancelled; its operation sees ctx.signal.aborted (a no-op once it ended). */
export function cancel(id: number): void {
  const signal = signals.get(id);
  if (signal) signal.aborted = true;
  const queued = waiting.findIndex((w) => w.id === id);
  if (queued >= 0) waiting.splice(queued, 1)[0].drop(new Error('cancelled'));
}

type AnyOperation = Operation<unknown, unknown, unknown>;
const table = operations as unknown as Record<string, () => Promise<AnyOperation>>;

interface Waiting {
  id: number;
  priority: number;
  seq: number;
  start(): void;
  drop(error: Error): void;
}
const waiting: Waiting[] = [];
let computing = false;
let arrivals = 0;

/**
 * Waits until no other queued call computes; lower `priority` first, then arrival order. A call
 * cancelled while it waits leaves the queue at once (rejects with CancelledCallError).
 */
function turn(id: number, op: string, priority: number): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const release = (): void => {
      computing = false;
      waiting.sort((a, b) => a.priority - b.priority || a.seq - b.seq);
      waiting.shift()?.start();
    };
    const start = (): void => {
      computing = true;
      resolve(release);
    };
    if (!computing) start();
    else waiting.push({ id, priority, seq: arrivals++, start, drop: () => reject(new CancelledCallError(op)) });
  });
}

function isModelRef(request: unknown): request is ModelRef {
  const r = request as Partial<ModelRef> | null;
  return typeof r === 'object' && r !== null && typeof r.model === 'string' && typeof r.modelsBase === 'string';
}

/** A call cancelled before it started computing; the page has already dropped it. */
export class CancelledCallError extends Error {
  constructor(op: string) {
    super(`'${op}' was cancelled before it started`);
    this.name = 'CancelledError';
  }
}

/**
 * Runs operation `op` for call `id`: waits for the backend and the request's model (timed apart),
 * then for its turn in the queue (operations with `queued: false` skip it), then runs. Returns the
 * result, the result's buffers to transfer and where the time went. `sentAt` (the page's
 * performance.timeOrigin + now() when it posted the call): a message that waited in this worker's
 * event loop behind a computation that does not yield counts as queue time, not as transfer.
 */
export async function call(
  op: string, id: number, request: unknown, onFrame?: (frame: unknown) => unknown, priority = 1, sentAt?: number,
): Promise<{ result: unknown; transfer: ArrayBuffer[]; timing: WorkerTiming }> {
  const arrived = performance.now();
  const late = sentAt === undefined ? 0 : Math.max(0, performance.timeOrigin + arrived - sentAt);
  const signal = { aborted: false };
  signals.set(id, signal); // before any await: a cancel may arrive while the backend or model loads
  try {
    const load = Object.hasOwn(table, op) ? table[op] : undefined;
    if (load === undefined) throw new Error(`unknown worker operation '${op}'; known: ${Object.keys(table).join(', ')}`);
    const [{ backend }, operation] = await Promise.all([init(), load()]);
    const initEnd = performance.now();
    // The model first, outside the queue: a download must not hold up computations of loaded models.
    if (isModelRef(request)) await getModel(request);
    const loadEnd = performance.now();
    const queued = operation.queued !== false;
    // A queued call superseded while its model loaded is dropped; a stream runs and stops at once.
    if (queued && signal.aborted) throw new CancelledCallError(op);
    const release = queued ? await turn(id, op, priority) : () => undefined;
    const started = performance.now();
    try {
      const ctx: OpContext<unknown> = { backend, getModel, describe, signal, scorerFor: (ref) => scorerFor(ref, backend), ...(onFrame ? { onFrame } : {}) };
      const result = await operation.run(ctx, request);
      const end = performance.now();
      const timing = { initMs: initEnd - arrived, loadMs: loadEnd - initEnd, queueMs: late + started - loadEnd, computeMs: end - started, totalMs: late + end - arrived };
      return { result, transfer: operation.transfer?.(result) ?? [], timing };
    } finally {
      release();
    }
  } finally {
    signals.delete(id);
  }
}
