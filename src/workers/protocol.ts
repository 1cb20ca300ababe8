/**
 * The messages between the page and the compute worker. Plain, structured-cloneable data only:
 * this file is imported by both sides, so it must never import tfjs (the page would then load it).
 */
import type { IgPath } from '../methods/integrated-gradients-path';
import type { OptionSpec } from '../methods/option-specs';
import type { Attribution, DisplaySpec } from '../methods/types';
import type { Preprocessing } from '../model/types';
import type { SynthesisFrame, SynthesisRequest, SynthesisResult } from './synthesis-protocol';
import type { ActivationGrid } from '../views/activations';
import type { FilterGrid } from '../views/filters';
import type { Neighbours } from '../views/neighbours';
import type { ReceptiveField } from '../views/receptive-field';
import type { TopExamples } from '../views/top-examples';

/** tfjs backends the worker may run on, in the order it tries them by default. */
export const BACKEND_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

export function isBackendName(name: unknown): name is BackendName {
  return typeof name === 'string' && (BACKEND_ORDER as readonly string[]).includes(name);
}

/** One backend the worker tried: `reason` says why it could not be used, e.g. "navigator.gpu is undefined". */
export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  reason?: string;
}

export interface BackendReport {
  /** The backend every computation of this worker runs on. */
  backend: BackendName;
  /** Every backend tried, in order, up to and including the one chosen. */
  tried: BackendAttempt[];
}

/** Pixels already at the model's input size, row-major, 0..255. */
export interface ImagePixels {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** 1 (grey), 3 (RGB) or 4 (RGBA). */
  channels: number;
}

/** Where a model comes from: a shipped id ("fashion-cnn") or a model.json URL. */
export interface ModelRef {
  model: string;
  /** Absolute URL of the shipped models folder (the worker cannot resolve page-relative URLs). */
  modelsBase: string;
}

export interface ComputeRequest extends ModelRef {
  method: string;
  /** Method options; validated in the worker by the method's zod schema. */
  options?: Record<string, unknown>;
  image: ImagePixels;
  /** Class to explain: index or class name; the predicted class when absent. */
  target?: number | string;
  /** Seed for stochastic methods (same seed, same map); 0 when absent. */
  seed?: number;
  /**
   * With method 'integrated-gradients': also trace the path (integrated-gradients-path.ts) with a
   * right Riemann sum of `steps` steps, returning maps and images at the `checkpoints` steps.
   */
  path?: { steps: number; checkpoints: number[] };
}

/** What a figure needs to know about a model before it can prepare an image. */
export interface ModelSummary {
  id: string;
  inputShape: [number, number, number];
  numClasses: number;
  labels: string[];
  preprocessing: Preprocessing;
  /** URL of the model's sample images (sample.json), absolute, when it ships one. */
  sample?: string;
  /** The layer table (name, kind, output shape without batch), for layer pickers. */
  layers: Array<{ name: string; kind: string; outputShape: number[] }>;
}

export interface MethodChoice {
  id: string;
  label: string;
  /** The method's controllable options (from its zod schema); absent in build-time method lists. */
  options?: OptionSpec[];
}

export interface Prediction {
  index: number;
  label: string;
  prob: number;
}

export interface ComputeResult {
  attribution: Attribution;
  display: DisplaySpec;
  /** Top-5 classes by softmax probability, best first. */
  prediction: Prediction[];
  backend: BackendName;
  model: ModelSummary;
  /** Wall time in the worker for input conversion, prediction and the method (not model loading). */
  elapsedMs: number;
  /** The Integrated Gradients path, when the request asked for it. */
  path?: IgPath;
}

/** An error as it crosses the worker boundary: no class, no stack, just what a reader needs. */
export interface PlainError {
  name: string;
  message: string;
  model?: string;
  layer?: string;
}

/** A live view (src/views) for a figure: filters, an activation grid, or neighbours of an image. */
export interface ViewRequest extends ModelRef {
  view: 'filters' | 'activations' | 'neighbours' | 'top-examples';
  /** filters / activations: {layer}; neighbours: {k}; top-examples: {k, layers?}. */
  options?: Record<string, unknown>;
  image?: ImagePixels;
  /** top-examples: the reader's images to rank (model-sized pixels). */
  images?: ImagePixels[];
  /** neighbours: the sample.json URL (absolute) to search. */
  sample?: string;
}

export type ViewResult = { elapsedMs: number } & (
  | { view: 'filters'; filters: FilterGrid }
  | { view: 'activations'; grid: ActivationGrid; rf?: ReceptiveField; prediction: Prediction[] }
  | { view: 'neighbours'; featureL2: Neighbours; featureCosine: Neighbours; pixelL2: Neighbours }
  | { view: 'top-examples'; top: TopExamples }
);

/** Medians measured inside the worker by `bench`. */
export interface BenchTimings {
  backend: BackendName;
  runs: number;
  loadMs: number;
  forwardMs: number;
  methodMs: number;
}

/** The worker's API as seen through Comlink (every call returns a promise on the page side). */
export interface ComputeApi {
  /** Loads tfjs and picks a backend; `preferred` first, then the default order. Idempotent. */
  init(preferred?: BackendName): Promise<BackendReport>;
  describe(ref: ModelRef): Promise<ModelSummary>;
  /** The method registry as {id, label}, for figures whose page did not render the list. */
  methods(): Promise<MethodChoice[]>;
  run(id: number, request: ComputeRequest): Promise<ComputeResult>;
  /** Marks a running request as superseded; its method sees ctx.signal.aborted. */
  cancel(id: number): void;
  bench(ref: ModelRef, method: string, runs: number): Promise<BenchTimings>;
  /** A live view (src/views) computed on the figure's model. */
  view(request: ViewRequest): Promise<ViewResult>;
  /**
   * Feature visualization: optimizes an image, calling `onFrame` (a Comlink proxy on the page) after
   * every step; `cancelSynthesis(id)` stops it at the next step with what it has.
   */
  synthesize(id: number, request: SynthesisRequest, onFrame: (frame: SynthesisFrame) => void): Promise<SynthesisResult>;
  cancelSynthesis(id: number): void;
  /** Test hook: the worker throws an uncaught error on its next `run`, as a real crash would. */
  crashOnNextRun(): void;
}

export function toPlainError(error: unknown): PlainError {
  if (error !== null && typeof error === 'object' && 'message' in error) {
    const e = error as { name?: unknown; message: unknown; model?: unknown; layer?: unknown };
    const plain: PlainError = {
      name: typeof e.name === 'string' ? e.name : 'Error',
      message: String(e.message),
    };
    if (typeof e.model === 'string') plain.model = e.model;
    if (typeof e.layer === 'string') plain.layer = e.layer;
    return plain;
  }
  return { name: 'Error', message: String(error) };
}
