/**
 * Unit visualization (Erhan 2009; Simonyan 2014 for classes; Olah 2017 for the Lucid recipe): the
 * image that maximizes one unit, by any recipe in recipes.ts. Units of one layer (or several
 * classes) are optimized together as a batch, one unit per image; items never interact and each
 * item's random start is drawn from (seed, position in the batch), so the gallery, which always
 * batches the same chunks of a layer, gets the same image for a unit in any run or shard.
 */
import type { Executor } from '../../model/types';
import { evaluate, optimize, type OptimizeResult, type Progress } from '../optimize';
import { unitObjective, type Unit } from '../unit';
import { recipeOptions, type RecipeName } from './recipes';

export interface VisualizeOptions {
  recipe?: RecipeName;
  steps?: number;
  seed?: number;
  /** Overrides the recipe's learning rate. */
  learningRate?: number;
  snapshotAt?: number[];
  onProgress?: (p: Progress) => void | Promise<void>;
  signal?: { aborted: boolean };
}

export { GALLERY_DEFAULTS } from '../gallery/defaults';

export interface UnitImages extends OptimizeResult {
  /** The unit's objective on its final image without transforms, one per unit. */
  activations: number[];
}

export async function visualizeUnits(model: Executor, units: Unit[], options: VisualizeOptions = {}): Promise<UnitImages> {
  const objective = unitObjective(units);
  const base = recipeOptions(options.recipe ?? 'lucid', model.info.inputShape[0], objective);
  const result = await optimize(model, {
    ...base,
    ...(options.learningRate === undefined ? {} : { learningRate: options.learningRate }),
    steps: options.steps ?? 512,
    batch: units.length,
    seed: options.seed ?? 0,
    ...(options.snapshotAt ? { snapshotAt: options.snapshotAt } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const activations = await evaluate(model, objective, result.pixels, result.shape);
  return { ...result, activations };
}
