/**
 * The evaluation studies of the "Which pixels matter?" article, as plain functions over one model
 * and a list of images: every method's 2-D map of every image is computed once (`methodMaps`) and
 * then scored for localization (pointing game and relevance mass against the object mask),
 * faithfulness (deletion / insertion AUC, Petsiuk 2018) and reliance on a spurious cue (the share of
 * |attribution| inside the cue's mask). scripts/evaluate-attributions.ts runs them on the shipped
 * models at build time's leisure and writes public/data/evaluation/*.json for the article's charts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MethodDef, RunContext } from '../methods/types';
import type { Executor } from '../model/types';
import { reduceChannels } from '../render/heatmap';
import { deletionInsertion, type CurveOptions } from './deletion-insertion';
import { pointingGame, relevanceMass } from './localization';

export interface StudyImage {
  /** [1, h, w, c] model input; the caller owns it. */
  input: tf.Tensor4D;
  /** Class the maps explain. */
  target: number;
  /** h·w ground-truth mask (> 0 inside), e.g. the labelled object; optional. */
  mask?: Uint8Array;
}

export interface StudyMethod {
  method: MethodDef;
  /** Parsed by method.options; defaults when omitted. */
  options?: Record<string, unknown>;
}

/** maps[m][i]: the reduced h·w map of image i by method m (registry display reduction). */
export async function methodMaps(
  model: Executor, images: StudyImage[], methods: StudyMethod[], ctx: RunContext = { seed: 0 },
  progress?: (method: string, image: number) => void,
): Promise<Float32Array[][]> {
  const maps: Float32Array[][] = [];
  for (const { method, options } of methods) {
    const parsed = method.options.parse(options ?? {});
    const row: Float32Array[] = [];
    for (const [i, image] of images.entries()) {
      progress?.(method.id, i);
      const a = await method.run(model, image.input, image.target, parsed, ctx);
      row.push(reduceChannels(a, method.display));
    }
    maps.push(row);
  }
  return maps;
}

export interface LocalizationScore {
  /** Pointing-game hits over images with a mask. */
  hits: number;
  count: number;
  /** Mean relevance mass (positive attribution inside the mask / all positive attribution). */
  relevanceMass: number;
  /** Mean share of |attribution| inside the mask (counts negative evidence too). */
  absMass: number;
  /** Mean share of the image the mask covers: what a map spread uniformly would score. */
  maskArea: number;
}

/** Absolute values of a map (for signed maps, "how much" regardless of direction). */
export function absMap(map: ArrayLike<number>): Float32Array {
  return Float32Array.from(map, Math.abs);
}

/** Share of |map| inside `mask`; 0 for an all-zero map. */
export function absShare(map: ArrayLike<number>, mask: ArrayLike<number>, height: number, width: number): number {
  return relevanceMass(absMap(map), mask, height, width);
}

/** Mean over images of absShare(maps[k], images[k].mask): every image must carry a mask. */
export function meanAbsShare(maps: ArrayLike<number>[], images: StudyImage[], height: number, width: number): number {
  if (images.length === 0) return 0;
  return images.reduce((sum, image, k) => sum + absShare(maps[k], image.mask!, height, width), 0) / images.length;
}

export function localization(maps: Float32Array[], images: StudyImage[], height: number, width: number): LocalizationScore {
  let hits = 0;
  let count = 0;
  let mass = 0;
  let abs = 0;
  let area = 0;
  images.forEach((image, i) => {
    if (!image.mask) return;
    count += 1;
    if (pointingGame(maps[i], image.mask, height, width).hit) hits += 1;
    mass += relevanceMass(maps[i], image.mask, height, width);
    abs += absShare(maps[i], image.mask, height, width);
    area += image.mask.reduce((s, v) => s + (v > 0 ? 1 : 0), 0) / (height * width);
  });
  const mean = (v: number) => (count ? v / count : Number.NaN);
  return { hits, count, relevanceMass: mean(mass), absMass: mean(abs), maskArea: mean(area) };
}

export interface FaithfulnessScore {
  /** Fractions of pixels moved at each curve point (shared by all curves). */
  fractions: number[];
  /** Mean target probability at each point, over images. */
  deletion: number[];
  insertion: number[];
  deletionAuc: number;
  insertionAuc: number;
}

export async function faithfulness(
  model: Executor, maps: Float32Array[], images: StudyImage[], options: CurveOptions = {}, ctx: RunContext = { seed: 0 },
): Promise<FaithfulnessScore> {
  let fractions: number[] = [];
  let deletion: number[] = [];
  let insertion: number[] = [];
  let dAuc = 0;
  let iAuc = 0;
  for (const [i, image] of images.entries()) {
    const curves = await deletionInsertion(model, image.input, image.target, maps[i], options, ctx);
    if (i === 0) {
      fractions = Array.from(curves.deletion.fractions);
      deletion = new Array(fractions.length).fill(0);
      insertion = new Array(fractions.length).fill(0);
    }
    curves.deletion.scores.forEach((s, k) => { deletion[k] += s / images.length; });
    curves.insertion.scores.forEach((s, k) => { insertion[k] += s / images.length; });
    dAuc += curves.deletion.auc / images.length;
    iAuc += curves.insertion.auc / images.length;
  }
  return { fractions, deletion, insertion, deletionAuc: dAuc, insertionAuc: iAuc };
}

/** Round for JSON: 4 significant decimals keep the files small and the charts exact enough. */
export function round4(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : v;
}
