/**
 * Named recipes for unit visualization, so an article can compare the 2014-2015 recipes with the
 * Lucid-style default on the same unit: each fixes a parameterization, transforms, operators,
 * penalties and optimizer. Pixel sizes of the transforms scale with the image (transforms.ts).
 *   naive      raw pixels, clipped, no regularizer: gradient ascent gives high-frequency noise
 *   simonyan   Simonyan 2014: raw pixels, L2 penalty (lambda 1e-3 per pixel in [0, 1] space), SGD
 *   yosinski-1..4  Yosinski 2015's four regularizer combinations as per-step operators
 *   lucid      Olah 2017: Fourier 1/f + decorrelated colour + sigmoid + standard transforms, Adam 0.05
 */
import { z } from 'zod';
import { lpNorm, scale, sum, type Objective } from '../objectives';
import { YOSINSKI_PRESETS, type OperatorSpec } from '../operators';
import type { OptimizeOptions } from '../optimize';
import type { ParamSpecInput } from '../param';
import { standardTransforms, type TransformSpec } from '../transforms';

export const RECIPES = ['lucid', 'naive', 'simonyan', 'yosinski-1', 'yosinski-2', 'yosinski-3', 'yosinski-4'] as const;
export type RecipeName = (typeof RECIPES)[number];
export const recipeSchema = z.enum(RECIPES);

export interface Recipe {
  param: ParamSpecInput;
  transforms: TransformSpec[];
  operators: OperatorSpec[];
  learningRate: number;
  optimizer: 'adam' | 'sgd';
  /** Adds the recipe's penalties to the unit's objective. */
  objective(unit: Objective): Objective;
}

const PIXEL_CLIP: ParamSpecInput = { kind: 'pixel', decorrelate: false, squash: 'clip', sd: 0.01 };

/** The recipe for an image of side `size` (the model's input height). */
export function recipe(name: RecipeName, size: number): Recipe {
  if (name === 'lucid') {
    return { param: {}, transforms: standardTransforms(size), operators: [], learningRate: 0.05, optimizer: 'adam', objective: (o) => o };
  }
  if (name === 'naive') {
    return { param: PIXEL_CLIP, transforms: [], operators: [], learningRate: 0.05, optimizer: 'adam', objective: (o) => o };
  }
  if (name === 'simonyan') {
    return {
      param: PIXEL_CLIP, transforms: [], operators: [], learningRate: 0.05, optimizer: 'adam',
      objective: (o) => sum(o, scale(lpNorm(2, 0.5), -1e-3)),
    };
  }
  const operators = YOSINSKI_PRESETS[name];
  if (operators === undefined) throw new Error(`unknown recipe '${String(name)}'; known: ${RECIPES.join(', ')}`);
  return { param: PIXEL_CLIP, transforms: [], operators, learningRate: 0.05, optimizer: 'adam', objective: (o) => o };
}

/** Optimizer options of a recipe for a unit objective (steps, seed, batch added by the caller). */
export function recipeOptions(name: RecipeName, size: number, unit: Objective): Omit<OptimizeOptions, 'steps'> {
  const r = recipe(name, size);
  return { objective: r.objective(unit), param: r.param, transforms: r.transforms, operators: r.operators, learningRate: r.learningRate, optimizer: r.optimizer };
}
