/**
 * "What does the network see" views: filters, activation grids, receptive fields, top examples,
 * neighbours and embeddings. Unlike attribution methods (src/methods/types.ts) their results are
 * not maps the size of the input, so they have their own small contract; like them they are pure
 * tfjs functions returning plain data, and never colour anything (src/render/view-grids.ts does).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { RunContext } from '../methods/types';
import type { Executor, ModelInfo } from '../model/types';

export type ViewKind = 'activation';

/**
 * A set of images as model input, produced a batch at a time so that 2,000 generated images never
 * sit in memory as one tensor. `batch(start, end)` returns [end - start, h, w, c]; the caller disposes it.
 */
export interface ImageSource {
  count: number;
  batch(start: number, end: number): tf.Tensor4D;
}

/** What a view is given: one image (activation grid), a set (galleries, embeddings), or both. */
export interface ViewInput {
  image?: tf.Tensor4D;
  images?: ImageSource;
}

export interface ViewDef<O extends Record<string, unknown> = Record<string, unknown>, R = unknown> {
  /** Stable id used in MDX, the CLI and the worker. */
  id: string;
  label: string;
  kind: ViewKind;
  needsLayer: boolean;
  /** 'image': one input image; 'images': an image set; 'none': the weights alone. */
  needs: 'none' | 'image' | 'images';
  paper: { title: string; authors: string; year: number; url: string };
  options: z.ZodType<O, z.ZodTypeDef, unknown>;
  unsupported?(info: ModelInfo): string | undefined;
  run(model: Executor, input: ViewInput, options: O, ctx: RunContext): Promise<R>;
}

/** Reads a layer row by explicit name; the error lists the layers of the wanted kind. */
export function requireLayer(info: ModelInfo, name: string, accept: (l: ModelInfo['layers'][number]) => boolean, kind: string) {
  const layer = info.layers.find((l) => l.name === name);
  const allowed = info.layers.filter(accept).map((l) => l.name);
  if (layer === undefined || !accept(layer)) {
    throw new Error(`model '${info.id}': '${name}' is not a ${kind} layer; ${kind} layers: ${allowed.join(', ') || '(none)'}`);
  }
  return layer;
}
