/**
 * From the pool to each job's inputs: every planned unit's activation on every pool image (one
 * batched pass per layer set), the checks that need them (a unit that never fires, one whose top
 * images do not activate it, a pool too small for the bins), and the unit's top images in rank
 * order, which are all a job needs of the pool.
 */
import type { Executor } from '../../model/types';
import { StudyError } from '../load-study';
import type { Study } from '../study';
import { unitStatistics } from './activation';
import type { Pool } from './pool';
import { rankImages } from './ranking';
import { poolNeeded, type StudyUnit } from './resolve';
import type { Role } from './unit-job';

export interface PlannedJob {
  key: string;
  role: Role;
  unit: StudyUnit;
  sets: number[];
}

/** The field of the study file that names a unit of this role. */
function fieldOf(study: Study, role: Role): string {
  if (role === 'catch') return 'catchUnits';
  if (role === 'practice') return study.practiceUnits ? 'practiceUnits' : 'catchUnits';
  return 'list' in study.units ? 'units.list' : 'units';
}

/** Each job's unit's spatial-mean activation on every pool image, checked. */
export async function poolActivations(model: Executor, pool: Pool, jobs: Array<{ unit: StudyUnit; role: Role }>, study: Study, file: string): Promise<Float32Array[]> {
  const needed = poolNeeded(study);
  const field = 'folder' in study.images ? 'images.folder' : 'source' in study.images && study.images.source === 'shapes' ? 'images.count' : 'images.source';
  if (pool.count < needed) {
    throw new StudyError(file, field, `the pool has ${pool.count} images, but ${study.references.count + 1} rank bins of ${study.references.binSize} (references.count + 1 bins of references.binSize) need ${needed}; add images or lower references.binSize / references.count`);
  }
  const units = jobs.map((j) => j.unit);
  const { mean, max } = await unitStatistics(model, { data: pool.data, count: pool.count }, units);
  jobs.forEach((j, k) => {
    const fires = max[k].some((v) => v > 0);
    if (!fires) {
      const top = Math.max(...max[k]);
      throw new StudyError(file, fieldOf(study, j.role), `unit '${j.unit.id}' never activates: its ${study.activationKind} output is <= 0 at every position of all ${pool.count} pool images (highest ${top.toFixed(4)}); pick another channel of '${j.unit.layer}'`);
    }
    const ranked = rankImages(mean[k]);
    const weakestBase = mean[k][ranked[study.references.binSize - 1]];
    if (!(weakestBase > 0)) {
      throw new StudyError(file, fieldOf(study, j.role), `unit '${j.unit.id}': its spatial-mean activation is ${weakestBase.toFixed(4)} on the ${study.references.binSize}th most activating pool image; query bases need a positive activation (the relative activation difference divides by it); pick another channel of '${j.unit.layer}'`);
    }
    if (mean[k][ranked[0]] === mean[k][ranked[needed - 1]]) {
      throw new StudyError(file, fieldOf(study, j.role), `unit '${j.unit.id}' has the same activation on its top ${needed} pool images; it cannot rank references`);
    }
  });
  return mean;
}

/** The unit's `poolNeeded` top images in rank order, with names and activations. */
export function gatherTop(pool: Pool, activations: Float32Array, study: Study, inputShape: [number, number, number]): { data: Uint8Array; names: string[]; activations: number[] } {
  const size = inputShape[0] * inputShape[1] * inputShape[2];
  const top = rankImages(activations).slice(0, poolNeeded(study));
  const data = new Uint8Array(top.length * size);
  top.forEach((i, r) => data.set(pool.data.subarray(i * size, (i + 1) * size), r * size));
  return { data, names: top.map((i) => pool.names[i]), activations: top.map((i) => activations[i]) };
}
