/**
 * The scoring helper: a second compute worker that the perturbation methods (RISE, LIME,
 * KernelSHAP: SHARED_SCORING_METHODS) share their batches of perturbed copies with, so that on a
 * machine with two or more cores they run on two. The page starts it on the first such call on
 * cpu or wasm and connects it to each primary worker by a MessageChannel; the primary sends copies,
 * the helper answers logits (its 'score-copies' operation), and scoreCopyBatches keeps the batches
 * and their order, so the maps are bit-identical to one worker's. A helper that crashes, or does
 * not answer within HELPER_DEADLINE_MS, is dropped: its batch is scored by the primary. Comlink
 * only, no tfjs: the page side (ScoringHelper) and the worker side (attach, scorerFor) both live here.
 */
import * as Comlink from 'comlink';
import type { ScoreCopiesResult } from '../methods/protocol';
import type { CopyScorer } from '../methods/types';
import type { WorkerFactory, WorkerHandle } from './pool';
import type { BackendName, BackendReport, CallReply, ComputeApi, ModelRef } from './protocol';

/** Backends a helper is started for: on the GPU backends a second worker would share the one GPU. */
export const HELPED_BACKENDS: readonly BackendName[] = ['wasm', 'cpu'];
/** A batch the helper has not answered after this long: the helper is dropped, the batch scored here. */
export const HELPER_DEADLINE_MS = 20_000;

// ---- worker side (the primary) ----

let remote: Comlink.Remote<ComputeApi> | undefined;
let port: MessagePort | undefined;
const pending = new Set<(error: Error) => void>();
let nextCall = 2 ** 30; // far from the page's call ids: the helper's engine keys its signals by id

/** The page connected this worker to a helper (replaces an earlier one). */
export function attachHelper(helperPort: MessagePort): void {
  detachHelper('replaced by a newer helper');
  port = helperPort;
  remote = Comlink.wrap<ComputeApi>(helperPort);
}

/** The helper is gone (crashed, replaced, too slow): pending batches fail over to this worker. */
export function detachHelper(reason: string): void {
  for (const fail of [...pending]) fail(new Error(reason));
  pending.clear();
  port?.close();
  port = undefined;
  remote = undefined;
}

/** A CopyScorer for `ref`'s model through the helper, or undefined without one (or off HELPED_BACKENDS). */
export function scorerFor(ref: ModelRef, backend: BackendName): CopyScorer | undefined {
  const helper = remote;
  if (helper === undefined || !HELPED_BACKENDS.includes(backend)) return undefined;
  return (copies, shape) => new Promise<Float32Array>((resolve, reject) => {
    const fail = (error: Error): void => {
      if (!pending.delete(fail)) return;
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(() => {
      fail(new Error(`the scoring helper did not answer within ${HELPER_DEADLINE_MS / 1000} s`));
      if (remote === helper) detachHelper('too slow');
    }, HELPER_DEADLINE_MS);
    pending.add(fail);
    // Copied, not transferred: the primary keeps the copies to score them itself if the helper fails.
    const request = { model: ref.model, modelsBase: ref.modelsBase, copies, shape, backend };
    (helper.call('score-copies', nextCall++, request) as Promise<CallReply>).then((reply) => {
      if (!pending.delete(fail)) return;
      clearTimeout(timer);
      resolve((reply.result as ScoreCopiesResult).logits);
    }, (error: unknown) => fail(error instanceof Error ? error : new Error(String((error as { message?: unknown })?.message ?? error))));
  });
}

// ---- page side ----

/** Starts the helper on demand and connects it to every primary worker that runs a shared method. */
export class ScoringHelper {
  private handle?: WorkerHandle;
  private connected = new WeakSet<ComputeApi>();
  private primaries: ComputeApi[] = [];
  /** Helpers started so far (a crash leads to a fresh one on the next call). */
  started = 0;

  constructor(private readonly factory: WorkerFactory) {}

  /** Before a shared method's call on `primary`: a helper on the same backend, connected to it. */
  connect(primary: ComputeApi, report: BackendReport): void {
    if (!HELPED_BACKENDS.includes(report.backend) || this.connected.has(primary)) return;
    if (this.handle === undefined) {
      const handle = this.factory((reason) => this.drop(handle, reason));
      this.handle = handle;
      this.started += 1;
      Promise.resolve(handle.api.init(report.backend)).then((r) => {
        if (r.backend !== report.backend) this.drop(handle, `the scoring helper started on ${r.backend}, not ${report.backend}`);
      }, () => this.drop(handle, 'the scoring helper could not start'));
    }
    const { port1, port2 } = new MessageChannel();
    void Promise.resolve(this.handle.api.serveHelper(Comlink.transfer(port2, [port2]))).catch(() => undefined);
    void Promise.resolve(primary.attachHelper(Comlink.transfer(port1, [port1]))).catch(() => undefined);
    this.connected.add(primary);
    this.primaries.push(primary);
  }

  /** Ends the helper; the primaries drop it and score their pending batches themselves. */
  terminate(reason = 'the scoring helper was terminated'): void {
    if (this.handle) this.drop(this.handle, reason);
  }

  private drop(handle: WorkerHandle, reason: string): void {
    if (this.handle !== handle) return;
    this.handle = undefined;
    handle.terminate();
    for (const p of this.primaries) void Promise.resolve(p.detachHelper(reason)).catch(() => undefined);
    this.primaries = [];
    this.connected = new WeakSet();
  }
}
