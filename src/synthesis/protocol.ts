/**
 * Messages of the synthesis family's worker operation (src/synthesis/worker.ts). Plain data only,
 * imported by the page: no tfjs here. Frames stream back through a Comlink proxy callback.
 */
import type { ImagePixels, ModelRef } from '../workers/protocol';

export const SYNTHESIS_TASKS = ['visualize', 'deepdream', 'invert'] as const;
export type SynthesisTask = (typeof SYNTHESIS_TASKS)[number];

export interface SynthesisRequest extends ModelRef {
  task: SynthesisTask;
  /** visualize: "conv2:7", "conv2:7@3,4", "class:3" or "deepdream:conv3" (src/synthesis/unit.ts). */
  unit?: string;
  /** deepdream / invert: the layer; invert also needs `image`, deepdream too. */
  layer?: string;
  image?: ImagePixels;
  /** Parameterization: 'pixel' | 'fourier', decorrelated colour, 'sigmoid' | 'clip'. */
  param?: { kind?: 'pixel' | 'fourier'; decorrelate?: boolean; squash?: 'sigmoid' | 'clip' };
  /** Lucid's standard transforms (pad, jitter, scale, rotate, jitter), scaled to the image. */
  transforms?: boolean;
  /** Weight of the L2 penalty: times the mean squared distance of a pixel from grey (Simonyan). */
  l2?: number;
  /** Weight of total variation (beta 2), times its mean over pixels. */
  tv?: number;
  /** Gaussian blur every k steps (Yosinski); 0 = off. */
  blurEvery?: number;
  /** Images optimized together; with `diversity` > 0 they are pushed apart (Gram dissimilarity). */
  batch?: number;
  diversity?: number;
  steps: number;
  learningRate?: number;
  seed?: number;
  /** Send the image every this many steps (and at the end). */
  snapshotEvery?: number;
}

/** One image, RGBA, at the model's input size. */
export interface SynthImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface SynthesisFrame {
  step: number;
  steps: number;
  stepsPerSecond: number;
  /** Objective per image at this step; empty on steps without a read. */
  values: number[];
  /** Present on snapshot steps. */
  images?: SynthImage[];
}

export interface SynthesisResult {
  images: SynthImage[];
  /** The unit's objective on each final image without transforms (visualize), or the feature distance (invert). */
  scores: number[];
  steps: number;
  cancelled: boolean;
  stepsPerSecond: number;
  backend: string;
  elapsedMs: number;
}
