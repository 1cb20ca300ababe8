/**
 * A gallery worker thread: loads the model once on the requested backend, then renders the chunks
 * the main thread hands it one at a time (pull-based, so fast and slow chunks balance across
 * threads) and reports each finished chunk.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { useBackend, type NodeBackend } from '../../cli/backend';
import { loadModelNode } from '../../model/load-node';
import type { Chunk, GalleryConfig } from './plan';
import { renderChunk } from './render';

export interface WorkerInit {
  source: string;
  backend: NodeBackend;
  config: GalleryConfig;
  cacheDir: string;
}

export type ToWorker = { chunk: Chunk } | { stop: true };
export type FromWorker = { ready: true } | { done: number; units: number } | { error: string };

const init = workerData as WorkerInit;
const port = parentPort!;

async function main(): Promise<void> {
  await useBackend(init.backend);
  const model = await loadModelNode(init.source);
  port.on('message', (msg: ToWorker) => {
    if ('stop' in msg) {
      model.dispose();
      port.close();
      return;
    }
    renderChunk(model, msg.chunk, init.config, init.cacheDir)
      .then(() => port.postMessage({ done: msg.chunk.index, units: msg.chunk.units.length } satisfies FromWorker))
      .catch((err: unknown) => port.postMessage({ error: (err as Error).message } satisfies FromWorker));
  });
  port.postMessage({ ready: true } satisfies FromWorker);
}

main().catch((err: unknown) => port.postMessage({ error: (err as Error).message } satisfies FromWorker));
