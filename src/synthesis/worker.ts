/**
 * The synthesis family's worker operation (feature visualization): builds the objective,
 * parameterization, transforms and operators a figure asked for, runs the optimizer and streams a
 * frame after every step (images on snapshot steps) through ctx.onFrame, the page's Comlink proxy.
 * A cancelled call (ctx.signal) stops at its next step and returns what it has.
 * Table: src/workers/operations.ts; messages: protocol.ts beside this file.
 */
import { ModelError } from '../model/errors';
import type { Executor } from '../model/types';
import { modelInput } from '../workers/model-input';
import type { Operation } from '../workers/operation';
import type { ImagePixels } from '../workers/protocol';
import { deepDream } from './methods/deepdream';
import { invert, featuresOf } from './methods/inversion';
import { diversity, featureDistance, fromModelInput, lpNorm, scale, sum, totalVariation, type Objective } from './objectives';
import { evaluate, optimize, type Progress } from './optimize';
import { SYNTHESIS_TASKS, type SynthImage, type SynthesisFrame, type SynthesisRequest, type SynthesisResult } from './protocol';
import { standardTransforms } from './transforms';
import { parseUnit, unitObjective } from './unit';

export const synthesis: Operation<SynthesisRequest, SynthesisResult, SynthesisFrame> = {
  run: async (ctx, request) => synthesize(await ctx.getModel(request), ctx.backend, request, ctx.onFrame ?? (() => undefined), ctx.signal),
  transfer: (result) => result.images.map((im) => im.data.buffer as ArrayBuffer),
  // A long loop that yields at every step: it runs beside the queue, not blocking other figures.
  queued: false,
};

/** [b, h, w, c] [0, 1] pixels -> one RGBA image per item. */
export function toImages(pixels: Float32Array, [b, h, w, c]: number[]): SynthImage[] {
  return Array.from({ length: b }, (_, n) => {
    const data = new Uint8ClampedArray(h * w * 4);
    for (let p = 0; p < h * w; p++) {
      for (let k = 0; k < 3; k++) data[p * 4 + k] = Math.round(255 * pixels[(n * h * w + p) * c + (c === 1 ? 0 : k)]);
      data[p * 4 + 3] = 255;
    }
    return { data, width: w, height: h };
  });
}

function imagePixels(model: Executor, image: ImagePixels | undefined, task: string): Float32Array {
  if (image === undefined) throw new ModelError(model.info.id, `${task} needs an image`);
  return fromModelInput(modelInput(model, image), model.info);
}

function checkLayer(model: Executor, layer: string | undefined, task: string): string {
  const names = model.info.layers.map((l) => l.name);
  if (layer === undefined || !names.includes(layer)) {
    throw new ModelError(model.info.id, `${task}: layer ${layer === undefined ? 'missing' : `'${layer}' unknown`}; layers: ${names.join(', ')}`, layer);
  }
  return layer;
}

/** The unit objective plus the penalties and diversity the request turned on. */
function visualizeObjective(model: Executor, request: SynthesisRequest, batch: number): Objective {
  const unit = parseUnit(request.unit ?? '', model.info);
  const parts: Objective[] = [unitObjective(Array.from({ length: batch }, () => unit))];
  const [h, w, c] = model.info.inputShape;
  const n = h * w * c;
  if ((request.l2 ?? 0) > 0) parts.push(scale(lpNorm(2, 0.5), -request.l2! / n));
  if ((request.tv ?? 0) > 0) parts.push(scale(totalVariation(2), -request.tv! / n));
  if (batch > 1 && (request.diversity ?? 0) > 0) {
    const convs = model.info.layers.filter((l) => l.kind === 'conv');
    const layer = 'layer' in unit ? unit.layer : convs.at(-1)?.name;
    if (layer !== undefined) parts.push(scale(diversity(layer), request.diversity!));
  }
  return parts.length === 1 ? parts[0] : sum(...parts);
}

/** The operation's body on a loaded model; `signal.aborted` stops the loop at its next step. */
export async function synthesize(
  model: Executor, backend: string, request: SynthesisRequest, onFrame: (f: SynthesisFrame) => unknown, signal: { readonly aborted: boolean },
): Promise<SynthesisResult> {
  if (!SYNTHESIS_TASKS.includes(request.task)) throw new Error(`unknown synthesis task '${String(request.task)}'; known: ${SYNTHESIS_TASKS.join(', ')}`);
  const steps = Math.round(request.steps);
  if (!(steps >= 1 && steps <= 2048)) throw new ModelError(model.info.id, `steps must be 1..2048; got ${request.steps}`);
  const started = performance.now();
  const every = Math.max(1, request.snapshotEvery ?? 8);
  const batch = request.task === 'visualize' ? Math.max(1, Math.min(9, Math.round(request.batch ?? 1))) : 1;
  const [h, w, c] = model.info.inputShape;
  const shape = [batch, h, w, c];
  const report = async (p: Progress, frameShape = shape): Promise<void> => {
    const frame: SynthesisFrame = { step: p.step, steps: p.steps, stepsPerSecond: p.stepsPerSecond, values: p.values };
    if (p.snapshot) frame.images = toImages(p.snapshot.pixels, frameShape);
    await onFrame(frame);
  };
  const snapshotAt = Array.from({ length: Math.floor(steps / every) }, (_, k) => (k + 1) * every);
  if (request.task === 'visualize') {
    const objective = visualizeObjective(model, request, batch);
    const blur = (request.blurEvery ?? 0) > 0 ? [{ kind: 'blur' as const, sigma: 0.5, every: Math.round(request.blurEvery!) }] : [];
    const result = await optimize(model, {
      objective, steps, batch, seed: request.seed ?? 0, learningRate: request.learningRate ?? 0.05, snapshotAt,
      param: request.param ?? {}, transforms: request.transforms === false ? [] : standardTransforms(h), operators: blur,
      onProgress: (p) => report(p), signal,
    });
    const unitOnly = unitObjective(Array.from({ length: batch }, () => parseUnit(request.unit ?? '', model.info)));
    const scores = await evaluate(model, unitOnly, result.pixels, result.shape);
    return { images: toImages(result.pixels, result.shape), scores, steps: result.steps, cancelled: result.cancelled, stepsPerSecond: result.stepsPerSecond, backend, elapsedMs: performance.now() - started };
  }
  const layer = checkLayer(model, request.layer, request.task);
  const image = imagePixels(model, request.image, request.task);
  if (request.task === 'invert') {
    const result = await invert(model, {
      layer, image, steps, seed: request.seed ?? 0, snapshotAt, onProgress: (p) => report(p), signal,
      ...(request.tv !== undefined ? { tvWeight: request.tv } : {}),
      ...(request.learningRate !== undefined ? { learningRate: request.learningRate } : {}),
    });
    const target = featuresOf(model, layer, image);
    const scores = await evaluate(model, featureDistance(layer, target), result.pixels, result.shape);
    target.dispose();
    return { images: toImages(result.pixels, result.shape), scores, steps: result.steps, cancelled: result.cancelled, stepsPerSecond: result.stepsPerSecond, backend, elapsedMs: performance.now() - started };
  }
  // DeepDream: octaves of `steps / 3` steps; frames carry the octave's own (smaller) image size.
  const t0 = performance.now();
  let done = 0;
  const out = await deepDream(model, {
    layer, image, octaves: 3, stepsPerOctave: Math.max(1, Math.round(steps / 3)), seed: request.seed ?? 0, signal,
    ...(request.learningRate !== undefined ? { learningRate: request.learningRate } : {}),
    onProgress: async (p) => {
      done++;
      const frame: SynthesisFrame = { step: done, steps, stepsPerSecond: done / ((performance.now() - t0) / 1000), values: p.values };
      await onFrame(frame);
    },
  });
  return { images: toImages(out.pixels, out.shape), scores: [], steps: done, cancelled: signal.aborted, stepsPerSecond: done / ((performance.now() - t0) / 1000), backend, elapsedMs: performance.now() - started };
}
