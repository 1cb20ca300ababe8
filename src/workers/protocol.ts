/**
 * The messages between the page and the compute worker. Plain, structured-cloneable data only:
 * this file is imported by both sides, so it must never import tfjs (the page would then load it).
 * Each family's own messages live in its protocol file beside its code (src/methods/protocol.ts,
 * src/views/protocol.ts, src/synthesis/protocol.ts).
 */
import type { Preprocessing } from '../model/types';

// The attribution family's messages, kept importable from here for the figures that use them.
export type { BenchTimings, ComputeRequest, ComputeResult, MethodChoice } from '../methods/protocol';

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

export interface Prediction {
  index: number;
  label: string;
  prob: number;
}

/** Where one call's time went inside the worker, ms. */
export interface WorkerTiming {
  /** Waiting for tfjs and the backend to start (only the first calls of a worker wait). */
  initMs: number;
  /** Waiting for the model to load (0 once it is cached). */
  loadMs: number;
  /** Waiting behind other calls of this worker (one computes at a time, the figure in view first),
   *  including the time the call's message waited while a computation held the worker's thread. */
  queueMs: number;
  /** The operation itself. */
  computeMs: number;
  /** From the call's posting (or arrival, without `sentAt`) to its answer. */
  totalMs: number;
  /** performance.timeOrigin + now() in the worker as it posts the answer (the page times the answer's message from it). */
  repliedAt?: number;
}

/** What the worker answers to `call`: the operation's result and the timing of the call. */
export interface CallReply {
  result: unknown;
  timing: WorkerTiming;
}

/** An error as it crosses the worker boundary: no class, no stack, just what a reader needs. */
export interface PlainError {
  name: string;
  message: string;
  model?: string;
  layer?: string;
}

/**
 * The worker's API as seen through Comlink (every call returns a promise on the page side). Every
 * family is one operation of the table in operations.ts, reached through `call`; the page uses
 * `client.op(name, request)` / `client.stream(...)` (client.ts) rather than this directly.
 */
export interface ComputeApi {
  /** Loads tfjs and picks a backend; `preferred` first, then the default order. Idempotent. */
  init(preferred?: BackendName): Promise<BackendReport>;
  /**
   * Runs operation `op` (a key of operations.ts) as call `id`; `onFrame`, a Comlink proxy, receives
   * the frames of streaming operations. Unknown names reject with the list of known ones. Calls
   * wait their turn by `priority` (lower first: 0 for a figure in view), then in arrival order.
   * `sentAt` (performance.timeOrigin + performance.now() on the page as it posts): lets the worker
   * count the time the message waited behind a running computation as queue time.
   */
  call(op: string, id: number, request: unknown, onFrame?: (frame: unknown) => unknown, priority?: number, sentAt?: number): Promise<CallReply>;
  /** Marks call `id` as superseded; its operation sees ctx.signal.aborted and stops early. */
  cancel(id: number): void;
  /** Test hook: the worker throws an uncaught error on its next 'attribution' call, as a real crash would. */
  crashOnNextRun(): void;
  /**
   * Takes the Web Lock `name` and holds it for the worker's whole life; resolves true once held
   * (false where the worker has no navigator.locks). The browser releases it when the worker ends
   * in any way, also silently (close(), killed), which is how the page notices a dead worker.
   */
  holdLifeLock(name: string): Promise<boolean>;
  /** Test hook: the worker calls close() on its next 'attribution' call, dying without an error. */
  closeOnNextRun(): void;
  /** Connects this worker to a scoring helper through `port` (helper.ts); replaces an earlier one. */
  attachHelper(port: MessagePort): void;
  /** Drops the scoring helper (it crashed or was ended): pending batches are scored here. */
  detachHelper(reason: string): void;
  /** Makes this worker a scoring helper for the primary at the other end of `port`. */
  serveHelper(port: MessagePort): void;
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
