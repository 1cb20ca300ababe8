/**
 * Messages of the views family's worker operation (src/views/worker.ts): plain data only, imported
 * by the page, so never tfjs here.
 */
import type { ImagePixels, ModelRef, Prediction } from '../workers/protocol';
import type { ActivationGrid } from './activations';
import type { FilterGrid } from './filters';
import type { Neighbours } from './neighbours';
import type { ReceptiveField } from './receptive-field';
import type { TopExamples } from './top-examples';

/** A live view (src/views) for a figure: filters, an activation grid, or neighbours of an image. */
export interface ViewRequest extends ModelRef {
  view: 'filters' | 'activations' | 'neighbours' | 'top-examples';
  /** filters / activations: {layer}; neighbours: {k}; top-examples: {k, layers?}. */
  options?: Record<string, unknown>;
  image?: ImagePixels;
  /** top-examples: the reader's images to rank (model-sized pixels). */
  images?: ImagePixels[];
  /** neighbours: the sample.json URL (absolute) to search. */
  sample?: string;
}

export type ViewResult = { elapsedMs: number } & (
  | { view: 'filters'; filters: FilterGrid }
  | { view: 'activations'; grid: ActivationGrid; rf?: ReceptiveField; prediction: Prediction[] }
  | { view: 'neighbours'; featureL2: Neighbours; featureCosine: Neighbours; pixelL2: Neighbours }
  | { view: 'top-examples'; top: TopExamples }
);
