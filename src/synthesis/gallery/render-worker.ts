/**
 * A gallery worker thread: loads the model once on the requested backend, then renders the chunks
 * the main thread hands it one at a time (threads.ts: pull-based, so fast and slow chunks balance
 * across threads) and reports each finished chunk.
 */
import { useBackend, type NodeBackend } from '../../cli/backend';
import { loadModelNode } from '../../model/load-node';
import type { Chunk, GalleryConfig } from './plan';
import { renderChunk } from './render';
import { serveWorker } from './threads';

export interface WorkerInit {
  source: string;
  backend: NodeBackend;
  config: GalleryConfig;
  cacheDir: string;
}

serveWorker<WorkerInit, Awaited<ReturnType<typeof loadModelNode>>, Chunk>(
  async (init) => {
    await useBackend(init.backend);
    return loadModelNode(init.source);
  },
  (model, chunk, init) => renderChunk(model, chunk, init.config, init.cacheDir),
  (model) => model.dispose(),
);
