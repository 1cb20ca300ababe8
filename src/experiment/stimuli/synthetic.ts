/**
 * Synthetic references: a batch of feature visualizations of one unit made diverse (Olah 2017), as
 * the authors rendered them with Lucid: the unit's channel objective on every item plus Lucid's
 * diversity term on the unit's layer, `diversity` in Lucid's units (their objective:
 * channel - 1e2 * diversity, with channel averaged over the batch and diversity the summed cosine
 * similarity of the items' Gram matrices over the batch size). Glimpse's optimizer sums per-item
 * values, so the per-item weight here is `diversity * batch` (synthesis/objectives.ts diversity()
 * returns minus each item's similarity sum over b). Parameterization, optimizer and learning rate
 * are the recipe's (src/synthesis/methods/recipes.ts); for 'lucid' the transforms are the authors'
 * (jitter 16, scale 1/.975/1.025/.95/1.05, rotate -5..5 deg, jitter 8 at 224 px), their pixel sizes
 * scaled to the model's side.
 */
import { recipe, recipeSchema } from '../../synthesis/methods/recipes';
import { channel, diversity, scale, sum } from '../../synthesis/objectives';
import { optimize } from '../../synthesis/optimize';
import type { TransformSpec } from '../../synthesis/transforms';
import type { Executor } from '../../model/types';
import { truncated, type UnitRef } from './activation';

export interface SynthesisSpec {
  recipe: string;
  steps: number;
  batch: number;
  diversity: number;
  learningRate: number;
  seed: number;
}

/** The authors' Lucid transforms, pixel sizes scaled from 224 px to `size`. */
export function authorsTransforms(size: number): TransformSpec[] {
  const px = (n: number): number => Math.max(1, Math.round((n * size) / 224));
  return [
    { kind: 'jitter', size: px(16) },
    { kind: 'scale', factors: [1, 0.975, 1.025, 0.95, 1.05] },
    { kind: 'rotate', degrees: Array.from({ length: 11 }, (_, i) => i - 5) },
    { kind: 'jitter', size: px(8) },
  ];
}

export interface SyntheticImages {
  /** [batch, h, w, c] bytes. */
  images: Uint8Array;
  /** Images after the steps asked for in `snapshotAt`, as bytes. */
  snapshots: Array<{ step: number; images: Uint8Array }>;
  /** Optimizer steps per second. */
  stepsPerSecond: number;
}

const toBytes = (pixels: Float32Array): Uint8Array => Uint8Array.from(pixels, (v) => Math.max(0, Math.min(255, Math.round(v * 255))));

/** `batch` diverse visualizations of `unit`; `batch` may be smaller than spec.batch (mixed: 4). */
export async function synthesize(model: Executor, unit: UnitRef, spec: SynthesisSpec, batch: number, snapshotAt: number[] = []): Promise<SyntheticImages> {
  const name = recipeSchema.safeParse(spec.recipe);
  if (!name.success) throw new Error(`synthesis.recipe '${spec.recipe}' is not a recipe; known: ${recipeSchema.options.join(', ')}`);
  const size = model.info.inputShape[0];
  const r = recipe(name.data, size);
  const unitObjective = channel(unit.layer, new Array<number>(batch).fill(unit.channel));
  const objective = batch > 1 && spec.diversity > 0 ? sum(unitObjective, scale(diversity(unit.layer), spec.diversity * batch)) : unitObjective;
  const result = await optimize(truncated(model), {
    objective: r.objective(objective),
    param: r.param,
    transforms: name.data === 'lucid' ? authorsTransforms(size) : r.transforms,
    operators: r.operators,
    optimizer: r.optimizer,
    learningRate: spec.learningRate,
    steps: spec.steps,
    batch,
    seed: spec.seed,
    snapshotAt,
  });
  return {
    images: toBytes(result.pixels),
    snapshots: result.snapshots.filter((s) => snapshotAt.includes(s.step)).map((s) => ({ step: s.step, images: toBytes(s.pixels) })),
    stepsPerSecond: result.stepsPerSecond,
  };
}
