/**
 * The compute worker: a thin Comlink adapter around engine.ts. tfjs is not imported here; the
 * engine (and with it tfjs and the backends) loads on the first call, so a worker that cannot load
 * tfjs still answers with a readable error. Errors cross as plain {name, message, model?, layer?}.
 */
import * as Comlink from 'comlink';
import { toPlainError, type ComputeApi } from './protocol';

type Engine = typeof import('./engine');
let engine: Promise<Engine> | undefined;
const load = (): Promise<Engine> => (engine ??= import('./engine'));

async function guard<T>(fn: (e: Engine) => Promise<T>): Promise<T> {
  try {
    return await fn(await load());
  } catch (error) {
    // Comlink would keep only name/message/stack of an Error; a plain object keeps model and layer.
    throw toPlainError(error);
  }
}

let crashNext = false;
let closeNext = false;

const api: ComputeApi = {
  init: (preferred) => guard((e) => e.init(preferred)),
  call: (op, id, request, onFrame, priority, sentAt) => {
    if (crashNext && op === 'attribution') {
      crashNext = false;
      // An uncaught error reaches the page as the Worker's `error` event, like a real crash; the
      // request itself never answers.
      setTimeout(() => {
        throw new Error('deliberate crash (test hook crashOnNextRun)');
      });
      return new Promise<never>(() => undefined);
    }
    if (closeNext && op === 'attribution') {
      closeNext = false;
      self.close(); // no error event, no answer: only the life lock tells the page
      return new Promise(() => undefined);
    }
    return guard(async (e) => {
      const { result, transfer, timing } = await e.call(op, id, request, onFrame, priority, sentAt);
      return Comlink.transfer({ result, timing: { ...timing, repliedAt: performance.timeOrigin + performance.now() } }, transfer);
    });
  },
  cancel: (id) => {
    void engine?.then((e) => e.cancel(id));
  },
  crashOnNextRun: () => {
    crashNext = true;
  },
  closeOnNextRun: () => {
    closeNext = true;
  },
  attachHelper: (port) => guard(async (e) => e.attachHelper(port)),
  detachHelper: (reason) => {
    void engine?.then((e) => e.detachHelper(reason));
  },
  serveHelper: (port) => {
    // The same API on the primary's port: its 'score-copies' calls run in this worker's engine.
    Comlink.expose(api, port);
  },
  holdLifeLock: (name) => new Promise<boolean>((held) => {
    if (!('locks' in navigator)) return held(false);
    // The callback's promise never settles: the lock is released only when this worker ends.
    // Denied (SecurityError, e.g. an embed on another site): not held, and the client keeps its deadline.
    navigator.locks.request(name, () => {
      held(true);
      return new Promise<never>(() => undefined);
    }).catch(() => held(false));
  }),
};

Comlink.expose(api);
