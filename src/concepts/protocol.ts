/**
 * Messages of the concept family's worker operation 'tcav' (worker.ts; table:
 * src/workers/operations.ts). Plain data only: the page imports these types and never tfjs.
 */
import type { ImagePixels, ModelRef } from '../workers/protocol';

/** The concept a live TCAV figure tests: one the worker draws from `shapes`, or the reader's own images. */
export type TcavConceptSpec =
  /** A shapes concept id (SHAPES_TCAV_CONCEPTS: 'colour:red', 'texture:dots', 'cue:circle', ...). */
  | { shapes: string }
  /** 10 to 50 images of the reader's concept at the model's input size; they never leave the browser. */
  | { name: string; images: ImagePixels[] };

export interface TcavRequest extends ModelRef {
  /** Class index whose logit is differentiated. */
  target: number;
  layer: string;
  concept: TcavConceptSpec;
  /** Random runs (default 10); as many random-vs-random runs form the null. */
  runs?: number;
  /** Images per generated concept / random set (default 50). */
  perSet?: number;
  /** Test-split images of the class that are scored (default 100). */
  classCount?: number;
  /** Pairs the figure offers, for the Bonferroni correction (default 1). */
  comparisons?: number;
  /** Top images shown along each direction (default 6; 0 skips them). */
  topK?: number;
  /** Steps of the CAV's feature visualization (default 0: none). */
  visualizeSteps?: number;
  seed?: number;
}

/** One direction of the layer's space and the pool images that go furthest along it. */
export interface DirectionImages {
  kind: 'cav' | 'unit' | 'random';
  /** 'CAV of colour:red', 'unit 17', 'random direction (seed 0)'. */
  label: string;
  /** RGB pixels at the model's input size, highest projection first. */
  images: ImagePixels[];
  projections: number[];
}

export interface TcavResponse {
  model: string;
  layer: string;
  concept: string;
  target: number;
  targetLabel: string;
  /** TCAV score of each concept-vs-random run, and of each random-vs-random run (the null). */
  scores: number[];
  nullScores: number[];
  mean: number;
  std: number;
  nullMean: number;
  p: number;
  /** Per-pair significance level after Bonferroni (alpha / comparisons). */
  level: number;
  significant: boolean;
  /** Held-out accuracy of each run's CAV. */
  cavAccuracy: number[];
  classImages: number;
  directions: DirectionImages[];
  /** The CAV summed over positions, visualized (RGBA), when visualizeSteps > 0. */
  visualization?: { data: Uint8ClampedArray; width: number; height: number };
  backend: string;
  /** The TCAV test alone (CAVs, null, t-test); elapsedMs adds the directions and the visualization. */
  tcavMs: number;
  elapsedMs: number;
}

export interface DissectionRequest extends ModelRef {
  layer: string;
  /**
   * Absolute URL of the site's dissection folder (…/data/dissection). When it holds an index for
   * the model whose settings match, the layer is read from the cache; otherwise it is dissected live.
   */
  dataBase?: string;
  /** Live only: shapes probe images (biased test split, seed 1, as the site's cache; default 500). */
  count?: number;
  /** Units returned, by IoU (default all). */
  limit?: number;
  /** Live only: the first this many returned units get RGBA overlays of their top images (default 0). */
  overlays?: number;
}

/** Progress of a live dissection: `done` of `total` forward passes (two per image: thresholds, then IoU). */
export interface DissectionFrame {
  done: number;
  total: number;
}

/** One top image of a unit: the probe image dimmed outside the unit's thresholded map, the label concept outlined. */
export interface DissectionOverlay {
  data: Uint8ClampedArray;
  width: number;
  height: number;
  /** Index into the probe. */
  image: number;
}

export interface DissectionResponse {
  model: string;
  layer: string;
  /** 'cache': read from dataBase; 'live': dissected in this worker. */
  source: 'cache' | 'live';
  count: number;
  grid: [number, number];
  units: Array<{ unit: number; concept: string; category: string; iou: number; detector: boolean; top: Array<{ image: number; mask: string }>; overlays?: DissectionOverlay[] }>;
  detectors: Array<{ category: string; units: number; unique: number }>;
  /** Units of the layer (the response may hold fewer: `limit`). */
  unitsInLayer: number;
  /** Live only: the probe dissected ('shapes seed 1 test bias 0.95 0..999'). */
  probe?: string;
  backend: string;
  elapsedMs: number;
}
