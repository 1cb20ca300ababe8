/**
 * The concept family's worker operation 'tcav' (table: src/workers/operations.ts): one (concept,
 * layer, class) TCAV test live in the page. Concept, random and class sets are drawn from the
 * shapes generator in the worker (shapes-concepts.ts), or the concept is the reader's uploaded
 * images; the answer carries every run's score, the random-vs-random null, the verdict, the top
 * pool images along the CAV, one unit and a random direction, and optionally the CAV's feature
 * visualization (Lucid's direction objective on the CAV summed over positions).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '../model/errors';
import type { Executor } from '../model/types';
import { direction as directionObjective } from '../synthesis/objectives';
import { optimize } from '../synthesis/optimize';
import { standardTransforms } from '../synthesis/transforms';
import { toImages } from '../synthesis/worker';
import { pixelSource } from '../views/image-set';
import type { ImageSource } from '../views/types';
import { modelInput } from '../workers/model-input';
import type { Operation } from '../workers/operation';
import type { ImagePixels } from '../workers/protocol';
import { channelWeights, project, randomDirection, topIndices, unitDirection } from './directions';
import type { DirectionImages, TcavRequest, TcavResponse } from './protocol';
import { shapesClassImages, shapesConceptPixels, shapesPoolPixels, shapesRandomImages, SHAPES_TCAV_CONCEPTS } from './shapes-concepts';
import { layerActivations, tcav as runTcav } from './tcav';

/** Fewest and most images of an uploaded concept. */
export const UPLOAD_LIMITS = { min: 10, max: 50 } as const;
const POOL = 150;

/** Model input batches from the page's pixels (each checked and preprocessed like any figure's image). */
function uploadSource(model: Executor, images: ImagePixels[]): ImageSource {
  const [h, w, c] = model.info.inputShape;
  const inputs = images.map((im) => modelInput(model, im));
  return {
    count: images.length,
    batch(start, end) {
      const data = new Float32Array((end - start) * h * w * c);
      for (let i = start; i < end; i++) data.set(inputs[i], (i - start) * h * w * c);
      return tf.tensor4d(data, [end - start, h, w, c]);
    },
  };
}

function checkRequest(model: Executor, request: TcavRequest): void {
  const id = model.info.id;
  const [h, w, c] = model.info.inputShape;
  if (h !== 64 || w !== 64 || c !== 3) throw new ModelError(id, `live TCAV draws its random and class sets from shapes (64x64 RGB); this model takes ${h}x${w}x${c}: use 'glimpse tcav' with folders`);
  const layer = model.info.layers.find((l) => l.name === request.layer);
  if (layer === undefined || layer.kind === 'input') {
    throw new ModelError(id, `TCAV: no layer '${request.layer}'; layers: ${model.info.layers.filter((l) => l.kind !== 'input').map((l) => l.name).join(', ')}`, request.layer);
  }
  if (!(Number.isInteger(request.target) && request.target >= 0 && request.target < model.info.numClasses)) {
    throw new ModelError(id, `TCAV: class ${request.target} unknown; classes 0..${model.info.numClasses - 1} (${model.info.labels.join(', ')})`);
  }
  const spec = request.concept;
  if ('shapes' in spec && !SHAPES_TCAV_CONCEPTS.includes(spec.shapes)) throw new ModelError(id, `unknown shapes concept '${spec.shapes}'; known: ${SHAPES_TCAV_CONCEPTS.join(', ')}`);
  if ('images' in spec && (spec.images.length < UPLOAD_LIMITS.min || spec.images.length > UPLOAD_LIMITS.max)) {
    throw new ModelError(id, `TCAV at layer '${request.layer}': the concept '${spec.name}' has ${spec.images.length} images; give ${UPLOAD_LIMITS.min} to ${UPLOAD_LIMITS.max}`, request.layer);
  }
}

const rgb = (data: Uint8Array, size: number): ImagePixels => ({ data, width: size, height: size, channels: 3 });

/**
 * Generated sets, kept between calls of this worker: rendering shapes scenes costs more than the
 * forward passes, and a reader who changes the concept, class or layer reuses the random sets, the
 * class images and the pool. Insertion order evicts the oldest past MAX_SETS.
 */
const sets = new Map<string, unknown>();
const MAX_SETS = 64;

export function memoSet<T>(key: string, make: () => T): T {
  if (sets.has(key)) return sets.get(key) as T;
  const value = make();
  sets.set(key, value);
  if (sets.size > MAX_SETS) sets.delete(sets.keys().next().value!);
  return value;
}

/** The pool images furthest along the CAV, along the unit the CAV weighs most, and along a random direction. */
async function directions(model: Executor, layer: string, cav: number[], pool: ImagePixels[], k: number, seed: number, concept: string): Promise<DirectionImages[]> {
  const source = uploadSource(model, pool);
  const acts = await layerActivations(model, source, layer);
  const channels = model.info.layers.find((l) => l.name === layer)!.outputShape.at(-1)!;
  const weights = channelWeights(cav, channels);
  const unit = topIndices(weights, 1)[0];
  const dirs: Array<[DirectionImages['kind'], string, Float32Array | number[]]> = [
    ['cav', `CAV of ${concept}`, cav],
    ['unit', `unit ${unit}`, unitDirection(acts.d, channels, unit)],
    ['random', `random direction (seed ${seed})`, randomDirection(acts.d, seed)],
  ];
  return dirs.map(([kind, label, dir]) => {
    const p = project(acts, dir);
    const top = topIndices(p, k);
    return { kind, label, images: top.map((i) => pool[i]), projections: top.map((i) => p[i]) };
  });
}

async function visualize(model: Executor, layer: string, cav: number[], steps: number, seed: number, signal: { readonly aborted: boolean }) {
  const channels = model.info.layers.find((l) => l.name === layer)!.outputShape.at(-1)!;
  const result = await optimize(model, {
    objective: directionObjective(layer, Array.from(channelWeights(cav, channels))), steps, batch: 1, seed, learningRate: 0.05,
    snapshotAt: [], param: { kind: 'fourier', decorrelate: true }, transforms: standardTransforms(model.info.inputShape[0]), operators: [], signal: signal as { aborted: boolean },
  });
  return toImages(result.pixels, result.shape)[0];
}

export const tcav: Operation<TcavRequest, TcavResponse> = {
  async run(ctx, request) {
    const model = await ctx.getModel(request);
    checkRequest(model, request);
    const started = performance.now();
    const info = model.info;
    const runs = request.runs ?? 10;
    const perSet = request.perSet ?? 50;
    const seed = request.seed ?? 0;
    const spec = request.concept;
    const conceptPixels = 'shapes' in spec ? memoSet(`concept ${spec.shapes} ${perSet}`, () => shapesConceptPixels(spec.shapes, perSet).map((d) => rgb(d, 64))) : spec.images;
    const name = 'shapes' in spec ? spec.shapes : spec.name;
    const concept = { name, images: 'shapes' in spec ? pixelSource(conceptPixels.length, (i) => conceptPixels[i].data as Uint8Array, 64, 64, 3, info) : uploadSource(model, spec.images) };
    const randoms = Array.from({ length: runs + 1 }, (_, r) => memoSet(`random ${info.id} ${r} ${perSet}`, () => shapesRandomImages(info, r, perSet)));
    const classCount = request.classCount ?? 100;
    const classImages = memoSet(`class ${info.id} ${request.target} ${classCount}`, () => shapesClassImages(info, request.target, classCount));
    const signal = ctx.signal as { aborted: boolean };
    const result = await runTcav(model, { concepts: [concept], randoms, classImages }, {
      layers: [request.layer], target: request.target, runs, comparisons: request.comparisons ?? 1,
    }, signal);
    const tcavMs = performance.now() - started;
    const [pair] = result.pairs;
    const k = request.topK ?? 6;
    const pool = [...memoSet(`pool ${POOL}`, () => shapesPoolPixels(POOL).map((d) => rgb(d, 64))), ...('images' in spec ? spec.images : [])];
    const dirs = k > 0 ? await directions(model, request.layer, pair.direction, pool, k, seed, name) : [];
    const steps = request.visualizeSteps ?? 0;
    const visualization = steps > 0 ? await visualize(model, request.layer, pair.direction, steps, seed, ctx.signal) : undefined;
    return {
      model: info.id, layer: request.layer, concept: name, target: request.target, targetLabel: result.targetLabel,
      scores: pair.scores, nullScores: pair.nullScores, mean: pair.mean, std: pair.std, nullMean: pair.nullMean, p: pair.p,
      level: result.level, significant: pair.significant, cavAccuracy: pair.cavAccuracy, classImages: result.classImages,
      directions: dirs, ...(visualization ? { visualization } : {}), backend: ctx.backend, tcavMs, elapsedMs: performance.now() - started,
    };
  },
};
