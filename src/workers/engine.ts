/**
 * What the compute worker does, loaded only when the worker's first call arrives (this module pulls
 * in tfjs-core, the model executor and the methods). Plain functions over plain requests; the
 * Comlink wiring lives in compute.worker.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as Comlink from 'comlink';
import type { BaselineName } from '../methods/baselines';
import type { IntegratedGradientsOptions } from '../methods/integrated-gradients';
import { integratedGradientsPath, type IgPath } from '../methods/integrated-gradients-path';
import { describeOptions } from '../methods/option-specs';
import type { Attribution, RunContext } from '../methods/types';
import { getMethod, listMethods, resolveTarget } from '../methods/registry';
import { ModelError } from '../model/errors';
import { loadModel } from '../model/load';
import { pixelsToInput, type PixelChannels } from '../model/preprocess';
import type { Executor } from '../model/types';
import { selectBackend } from './backends';
import { runView } from './view-engine';
import { topK } from './top-k';
import type { SynthesisFrame, SynthesisRequest, SynthesisResult } from './synthesis-protocol';
import type {
  BackendName, BackendReport, BenchTimings, ComputeRequest, ComputeResult, MethodChoice, ModelRef, ModelSummary, ViewRequest, ViewResult,
} from './protocol';

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
function getModel(ref: ModelRef): Promise<Executor> {
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

/** A live view (src/views) on the request's model: view-engine.ts. */
export function view(request: ViewRequest): Promise<ViewResult> {
  return init().then(() => runView(request, getModel));
}

export function methods(): MethodChoice[] {
  return listMethods().map((m) => ({ id: m.id, label: m.label, options: describeOptions(m.options) }));
}

const signals = new Map<number, { aborted: boolean }>();

export function cancel(id: number): void {
  const signal = signals.get(id);
  if (signal) signal.aborted = true;
}

function toTensor(request: ComputeRequest, model: Executor): tf.Tensor4D {
  const { data, width, height, channels } = request.image;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new ModelError(model.info.id, `images have 1, 3 or 4 channels; got ${channels}`);
  }
  const values = pixelsToInput(data, width, height, channels as PixelChannels, model.info);
  const [h, w, c] = model.info.inputShape;
  return tf.tensor4d(values, [1, h, w, c]);
}

export async function run(id: number, request: ComputeRequest): Promise<ComputeResult> {
  const { backend } = await init();
  const method = getMethod(request.method);
  const parsed = method.options.safeParse(request.options ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new Error(`method '${method.id}': invalid options: ${issues}`);
  }
  const [model, summary] = await Promise.all([getModel(request), describe(request)]);
  // Timed from here: the status line reports the computation, not a first model download.
  const startedAt = performance.now();
  const signal = { aborted: false };
  signals.set(id, signal);
  const input = toTensor(request, model);
  try {
    const probsT = model.predict(input);
    const probs = (await probsT.data()) as Float32Array;
    probsT.dispose();
    // The argmax of the probabilities is the argmax of the logits: the default target.
    const target = resolveTarget(model.info, request.target, probs);
    const ctx = { seed: request.seed ?? 0, signal };
    const path = request.path ? await tracePath(model, input, target, method.id, parsed.data, request.path, ctx) : undefined;
    const attribution = path ? pathAttribution(path, target, probs[target], performance.now() - startedAt) : await method.run(model, input, target, parsed.data, ctx);
    const result: ComputeResult = {
      attribution,
      display: method.display,
      prediction: topK(probs, model.info.labels, 5),
      backend,
      model: summary,
      elapsedMs: performance.now() - startedAt,
      ...(path ? { path } : {}),
    };
    const buffers = [attribution.values, ...(path?.checkpoints.flatMap((c) => [c.map, c.image]) ?? [])].map((a) => a.buffer as ArrayBuffer);
    return Comlink.transfer(result, buffers);
  } finally {
    input.dispose();
    signals.delete(id);
  }
}

/** The IG path with the figure's baseline options; only Integrated Gradients has a path. */
function tracePath(
  model: Executor, input: tf.Tensor4D, target: number, methodId: string, options: Record<string, unknown>,
  path: { steps: number; checkpoints: number[] }, ctx: RunContext,
): Promise<IgPath> {
  if (methodId !== 'integrated-gradients') throw new Error(`a path is traced for method 'integrated-gradients' only; got '${methodId}'`);
  const o = options as IntegratedGradientsOptions;
  return integratedGradientsPath(model, input, target, {
    steps: path.steps, checkpoints: path.checkpoints, baseline: o.baseline as BaselineName | number[], blurSigma: o.blurSigma, batchSize: o.batchSize,
  }, ctx);
}

/** The path's end as the figure's map: the right-Riemann IG map, summed over channels. */
function pathAttribution(path: IgPath, target: number, probability: number, elapsedMs: number): Attribution {
  const m = path.alphas.length - 1;
  const last = path.checkpoints.find((c) => c.step === m);
  if (!last) throw new Error(`the path's checkpoints must include its last step, ${m}`);
  const values = last.map.slice();
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) { min = Math.min(min, v); max = Math.max(max, v); }
  const completenessDelta = path.accumulated[m] - (path.scores[m] - path.scores[0]);
  return {
    values, width: path.width, height: path.height, channels: 1, method: 'integrated-gradients', target,
    stats: { min, max, targetLogit: path.scores[m], targetProbability: probability, elapsedMs, extra: { completenessDelta, baselineLogit: path.scores[0] } },
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Medians of `runs` timed repetitions after one warm-up each: load, forward, the method. */
/**
 * The first image of the model's sample, as the Node benchmark uses (scripts/bench.ts), so both
 * time the same input; a seeded random image when the model ships no sample.
 */
async function benchInput(ref: ModelRef, model: Executor): Promise<tf.Tensor4D> {
  const url = await sampleUrl(ref);
  if (url === undefined) {
    const [h, w, c] = model.info.inputShape;
    return tf.randomUniform([1, h, w, c], 0, 1, 'float32', 7) as tf.Tensor4D;
  }
  const meta = (await (await fetch(url)).json()) as { width: number; height: number; channels: number };
  const size = meta.width * meta.height * meta.channels;
  const bin = await fetch(url.replace(/\.json(\?.*)?$/, '.bin$1'));
  const data = new Uint8Array(await bin.arrayBuffer()).slice(0, size);
  return toTensor({ image: { data, width: meta.width, height: meta.height, channels: meta.channels } } as ComputeRequest, model);
}

export async function bench(ref: ModelRef, methodId: string, runs: number): Promise<BenchTimings> {
  const { backend } = await init();
  const method = getMethod(methodId);
  const options = method.options.parse({});
  const time = async (fn: () => Promise<void>): Promise<number[]> => {
    await fn(); // warm-up: shader compilation, wasm instantiation, first fetch
    const out: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await fn();
      out.push(performance.now() - t0);
    }
    return out;
  };
  const load = await time(async () => (await loadModel(ref.model, { modelsBase: ref.modelsBase })).dispose());
  const model = await getModel(ref);
  const input = await benchInput(ref, model);
  try {
    const forward = await time(async () => {
      const p = model.predict(input);
      await p.data();
      p.dispose();
    });
    const methodTimes = await time(async () => {
      await method.run(model, input, 0, options, { seed: 0 });
    });
    return { backend, runs, loadMs: median(load), forwardMs: median(forward), methodMs: median(methodTimes) };
  } finally {
    input.dispose();
  }
}

/** Feature visualization (src/synthesis) for a live figure; frames stream through `onFrame`. */
export async function synthesize(id: number, request: SynthesisRequest, onFrame: (frame: SynthesisFrame) => unknown): Promise<SynthesisResult> {
  const { backend } = await init();
  const model = await getModel(request);
  const { synthesize: run } = await import('./synthesis-engine');
  return run(id, model, backend, request, onFrame);
}

export function cancelSynthesis(id: number): void {
  void import('./synthesis-engine').then((m) => m.cancelSynthesis(id));
}
