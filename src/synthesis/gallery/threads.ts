/**
 * Worker-thread scheduling shared by the feature gallery and the study stimuli build: `threads`
 * workers are started on `entry` with `workerData`; each says { ready } once its model is loaded,
 * then gets the next item ({ work }) every time it reports one ({ done }), so slow items (deep
 * layers, long searches) balance across threads; { error } from any worker fails the run. The
 * worker side is `serveWorker`. Node only.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';

export type ToWorker<T> = { work: T } | { stop: true };
export type FromWorker = { ready: true } | { done: number } | { error: string };

/** Runs every item on a worker; `onDone(item)` after each. `label` names the workers in errors. */
export async function runInThreads<T>(entry: URL, data: unknown, items: T[], threads: number, label: string, onDone?: (item: T) => void): Promise<void> {
  const queue = [...items];
  const workers: Worker[] = [];
  try {
    await Promise.all(Array.from({ length: threads }, () => new Promise<void>((resolve, reject) => {
      const worker = new Worker(entry, { workerData: data });
      workers.push(worker);
      let current: T | undefined;
      const next = (): void => {
        current = queue.shift();
        if (current === undefined) {
          worker.postMessage({ stop: true } satisfies ToWorker<T>);
          resolve();
        } else worker.postMessage({ work: current } satisfies ToWorker<T>);
      };
      worker.on('message', (msg: FromWorker) => {
        if ('error' in msg) reject(new Error(`${label} worker: ${msg.error}`));
        else if ('ready' in msg) next();
        else {
          onDone?.(current as T);
          next();
        }
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (code !== 0) reject(new Error(`${label} worker exited with code ${code}`));
      });
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * The worker side: `setup(workerData)` once (load tfjs and the model), then `handle` each item in
 * turn; `teardown` on stop. Errors are reported to the main thread, prefixed by `describe(item)`.
 */
export function serveWorker<I, S, T>(setup: (init: I) => Promise<S>, handle: (state: S, item: T, init: I) => Promise<unknown>, teardown: (state: S) => void, describe: (item: T) => string = () => ''): void {
  const port = parentPort!;
  const init = workerData as I;
  setup(init)
    .then((state) => {
      port.on('message', (msg: ToWorker<T>) => {
        if ('stop' in msg) {
          teardown(state);
          port.close();
          return;
        }
        handle(state, msg.work, init)
          .then(() => port.postMessage({ done: 1 } satisfies FromWorker))
          .catch((err: unknown) => port.postMessage({ error: `${describe(msg.work)}${(err as Error).message}` } satisfies FromWorker));
      });
      port.postMessage({ ready: true } satisfies FromWorker);
    })
    .catch((err: unknown) => port.postMessage({ error: (err as Error).message } satisfies FromWorker));
}
