/**
 * The page's compute workers: up to `size` of them, started on demand. A call goes to an idle
 * worker that already holds its model, else any idle one, else a new one while the pool is not
 * full, else the least busy; so a slider on the figure in view never waits behind another figure's
 * long computation when a second worker is free, and models are loaded once per worker that needs
 * them. A worker that errors or misses the deadline is terminated: its calls reject with
 * WorkerCrashedError, the others' continue, and the next call starts a fresh one.
 */
import type { BackendName, BackendReport, ComputeApi } from './protocol';

/** The worker died (uncaught error, bad message, or no answer before the deadline). Retrying recovers. */
export class WorkerCrashedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerCrashedError';
  }
}

/** A live worker: its API and how to kill it. `onCrash` is called when it errors on its own. */
export interface WorkerHandle {
  api: ComputeApi;
  terminate(): void;
}
export type WorkerFactory = (onCrash: (reason: string) => void) => WorkerHandle;

export interface PoolOptions {
  /** Backend to try first (falls back down webgpu → webgl → wasm → cpu). */
  backend?: BackendName;
  /** A call without an answer after this long counts as a crash. */
  deadlineMs: number;
  /** Most workers at once (default 1). */
  size?: number;
}

interface Pending {
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Member {
  handle: WorkerHandle;
  ready: Promise<BackendReport>;
  /** The backend report once `ready` resolved: calls then post at once, not a microtask later. */
  report?: BackendReport;
  pending: Set<Pending>;
  /** Model keys this worker has been asked for (it caches them). */
  models: Set<string>;
}

export class WorkerPool {
  private members: Member[] = [];
  private readonly byCall = new Map<number, Member>();
  /** Number of workers started so far (tests check that a crash leads to a fresh one). */
  started = 0;

  constructor(private readonly factory: WorkerFactory, private readonly options: PoolOptions) {}

  get size(): number {
    return Math.max(1, this.options.size ?? 1);
  }

  /** The first worker's backend report (starts it if needed). */
  report(): Promise<BackendReport> {
    return (this.members[0] ?? this.start()).ready;
  }

  /**
   * One call on a chosen worker, after its init, under the deadline. `callId` lets `cancel` find the
   * worker; `model` steers the call to a worker that has it.
   */
  run<T>(what: string, fn: (api: ComputeApi, report: BackendReport) => Promise<T>, route: { callId?: number; model?: string } = {}): Promise<T> {
    const member = this.pick(route.model);
    if (route.model !== undefined) member.models.add(route.model);
    if (route.callId !== undefined) this.byCall.set(route.callId, member);
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = {
        reject,
        timer: setTimeout(() => this.crash(member, `the compute worker did not answer '${what}' within ${this.options.deadlineMs / 1000} s`), this.options.deadlineMs),
      };
      member.pending.add(entry);
      const settle = (ok: boolean, value: unknown): void => {
        if (route.callId !== undefined) this.byCall.delete(route.callId);
        if (!member.pending.has(entry)) return; // already rejected by a crash
        clearTimeout(entry.timer);
        member.pending.delete(entry);
        if (ok) resolve(value as T);
        else reject(value);
      };
      const post = (report: BackendReport): Promise<T> => {
        try {
          return fn(member.handle.api, report);
        } catch (error) {
          return Promise.reject(error);
        }
      };
      // A started worker gets the message now, in the caller's task, before the figure goes on to draw.
      (member.report ? post(member.report) : member.ready.then(post)).then((v) => settle(true, v), (e) => settle(false, e));
    });
  }

  /** Tells the worker running call `id` to cancel it (every worker, once the call has answered: a no-op there). */
  cancel(id: number): void {
    const member = this.byCall.get(id);
    for (const m of member ? [member] : this.members) void Promise.resolve(m.handle.api.cancel(id)).catch(() => undefined);
  }

  /** Kills every worker as a crash would. */
  terminateAll(reason: string): void {
    for (const m of [...this.members]) this.crash(m, reason);
  }

  private pick(model: string | undefined): Member {
    const idle = this.members.filter((m) => m.pending.size === 0);
    const warm = idle.find((m) => model !== undefined && m.models.has(model));
    if (warm) return warm;
    // A fresh worker for a model no idle worker holds would load it again: reuse an idle one first.
    if (idle.length > 0) return idle[0];
    if (this.members.length < this.size) return this.start();
    return this.members.reduce((a, b) => (b.pending.size < a.pending.size || (b.pending.size === a.pending.size && model !== undefined && b.models.has(model) && !a.models.has(model)) ? b : a));
  }

  private start(): Member {
    const member: Member = { handle: undefined as unknown as WorkerHandle, ready: undefined as unknown as Promise<BackendReport>, pending: new Set(), models: new Set() };
    member.handle = this.factory((reason) => this.crash(member, reason));
    this.started += 1;
    member.ready = member.handle.api.init(this.options.backend);
    member.ready.then((report) => { member.report = report; }, () => undefined);
    // A worker whose init failed is useless: drop it so the next call starts afresh.
    member.ready.catch(() => this.drop(member));
    this.members.push(member);
    return member;
  }

  private drop(member: Member): void {
    if (!this.members.includes(member)) return;
    this.members = this.members.filter((m) => m !== member);
    member.handle.terminate();
  }

  private crash(member: Member, reason: string): void {
    if (!this.members.includes(member)) return;
    this.drop(member);
    const error = new WorkerCrashedError(reason);
    for (const entry of [...member.pending]) {
      clearTimeout(entry.timer);
      member.pending.delete(entry);
      entry.reject(error);
    }
  }
}
