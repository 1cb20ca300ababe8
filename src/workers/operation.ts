/**
 * What a worker operation is: one family's entry point into the compute worker (attribution, views,
 * synthesis, ...). Each family writes one `Operation` beside its own code and adds one line to the
 * table in operations.ts; the worker's engine gives every operation the same context (one backend,
 * one model cache, a cancel signal, a frame channel) and the page reaches it through
 * `client.op(name, request)` / `client.stream(name, request, onFrame)`. Types only: no tfjs here.
 */
import type { CopyScorer } from '../methods/types';
import type { Executor } from '../model/types';
import type { BackendName, ModelRef, ModelSummary } from './protocol';

export interface OpContext<Frame = never> {
  /** The backend every operation of this worker runs on (chosen once, at the worker's init). */
  backend: BackendName;
  /** Loads a model or reuses the loaded one: one cache per worker, shared by every family and figure. */
  getModel(ref: ModelRef): Promise<Executor>;
  /** The model's summary for the page (input shape, labels, layers, sample URL), cached like the model. */
  describe(ref: ModelRef): Promise<ModelSummary>;
  /** Set once the page cancels this call (a newer request from the same figure, or `cancel()`). */
  signal: { readonly aborted: boolean };
  /** Streams a frame to the page (a Comlink proxy there); awaiting it paces the loop to the page. */
  onFrame?: (frame: Frame) => unknown;
  /** The page's scoring helper for copies of `ref`'s model, when it gave this worker one (helper.ts). */
  scorerFor?(ref: ModelRef): CopyScorer | undefined;
}

/**
 * One operation. `run` gets plain, structured-cloneable data and returns plain data; it may throw
 * errors with `model`/`layer` fields (ModelError), which reach the page as ComputeError.
 */
export interface Operation<Req, Res, Frame = never> {
  run(ctx: OpContext<Frame>, request: Req): Promise<Res>;
  /** Buffers of the result to move (not copy) to the page, e.g. an attribution map's values. */
  transfer?(result: Res): ArrayBuffer[];
  /**
   * false: run at once, beside whatever computes (cheap look-ups, and streaming loops that yield
   * every step). Default true: wait for the worker's queue, so one computation runs at a time and
   * its compute time is its own.
   */
  queued?: boolean;
}
