/**
 * A stimuli worker thread: loads the model once on the requested backend, then runs the unit jobs
 * the main thread hands it one at a time (src/synthesis/gallery/threads.ts: pull-based, so slow
 * units, deep layers and long searches, balance across threads) and reports each finished one.
 */
import { useBackend, type NodeBackend } from '../../cli/backend';
import { loadModelNode } from '../../model/load-node';
import { serveWorker } from '../../synthesis/gallery/threads';
import { runJob, type UnitJob } from './unit-job';

export interface WorkerInit {
  source: string;
  backend: NodeBackend;
  imgDir: string;
  unitsDir: string;
}

serveWorker<WorkerInit, Awaited<ReturnType<typeof loadModelNode>>, UnitJob>(
  async (init) => {
    await useBackend(init.backend);
    return loadModelNode(init.source);
  },
  (model, job, init) => runJob(model, job, init.imgDir, init.unitsDir),
  (model) => model.dispose(),
  (job) => `${job.unit.id}: `,
);
