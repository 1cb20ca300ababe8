/**
 * The compute worker's engine, loaded when the worker's first call arrives: the backend (chosen
 * once), the model cache every operation shares, and `call`, which looks an operation up in the
 * table (operations.ts), gives it its context and a cancel signal, and says which buffers of the
 * result to transfer. Plain functions; the Comlink wiring lives in compute.worker.ts.
 */
import { loadModel } from '../model/load';
import type { Executor } from '../model/types';
import { selectBackend } from './backends';
import type { OpContext, Operation } from './operation';
import { operations } from './operations';
import type { BackendName, BackendReport, ModelRef, ModelSummary } from './protocol';

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
}

type AnyOperation = Operation<unknown, unknown, unknown>;
const table = operations as unknown as Record<string, () => Promise<AnyOperation>>;

/** Runs operation `op` for call `id`; returns its result and the result's buffers to transfer. */
export async function call(
  op: string, id: number, request: unknown, onFrame?: (frame: unknown) => unknown,
): Promise<{ result: unknown; transfer: ArrayBuffer[] }> {
  const signal = { aborted: false };
  signals.set(id, signal); // before any await: a cancel may arrive while the backend or model loads
  try {
    const load = Object.hasOwn(table, op) ? table[op] : undefined;
    if (load === undefined) throw new Error(`unknown worker operation '${op}'; known: ${Object.keys(table).join(', ')}`);
    const [{ backend }, operation] = await Promise.all([init(), load()]);
    const ctx: OpContext<unknown> = { backend, getModel, describe, signal, ...(onFrame ? { onFrame } : {}) };
    const result = await operation.run(ctx, request);
    return { result, transfer: operation.transfer?.(result) ?? [] };
  } finally {
    signals.delete(id);
  }
}
