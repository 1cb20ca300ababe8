/**
 * The views family's worker operation ("what does the network see", src/views): filters, the
 * activation grid of one image, the neighbours of an uploaded image among a sample, and the top
 * examples of the reader's images. Sample features are computed once per model and sample and kept.
 * Table: src/workers/operations.ts; messages: protocol.ts beside this file.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '../model/errors';
import type { Executor } from '../model/types';
import { modelInput } from '../workers/model-input';
import type { OpContext, Operation } from '../workers/operation';
import { topK } from '../workers/top-k';
import { activationGrid } from './activations';
import { extractFeatures, type FeatureMatrix } from './features';
import { convFilters } from './filters';
import { pixelReader, pixelSource } from './image-set';
import { nearest } from './neighbours';
import type { ViewRequest, ViewResult } from './protocol';
import { receptiveFields } from './receptive-field';
import { topExamples } from './top-examples';

interface SampleSpace {
  features: FeatureMatrix;
  /** Model inputs of the sample, [count, h*w*c]: the pixel space. */
  pixels: Float32Array;
}

const spaces = new Map<string, Promise<SampleSpace>>();

async function sampleSpace(model: Executor, url: string, key: string): Promise<SampleSpace> {
  let space = spaces.get(key);
  if (space === undefined) {
    space = (async () => {
      const meta = (await (await fetch(url)).json()) as { count: number; width: number; height: number; channels: number };
      const bin = new Uint8Array(await (await fetch(url.replace(/\.json(\?.*)?$/, '.bin$1'))).arrayBuffer());
      const spec = { kind: 'sample' as const, url, ...meta };
      const source = pixelSource(meta.count, pixelReader(spec, bin), meta.width, meta.height, meta.channels, model.info);
      const features = await extractFeatures(model, source);
      const all = source.batch(0, meta.count);
      const pixels = (await all.data()) as Float32Array;
      all.dispose();
      return { features, pixels };
    })();
    spaces.set(key, space);
    space.catch(() => spaces.delete(key));
  }
  return space;
}

export const views: Operation<ViewRequest, ViewResult> = { run: (ctx, request) => runView(request, ctx) };

async function runView(request: ViewRequest, ctx: OpContext): Promise<ViewResult> {
  const model = await ctx.getModel(request);
  const started = performance.now();
  const options = request.options ?? {};
  if (request.view === 'filters') {
    const f = convFilters(model, typeof options.layer === 'string' ? options.layer : undefined);
    return { view: 'filters', filters: f, elapsedMs: performance.now() - started };
  }
  if (request.view === 'top-examples') {
    const images = request.images ?? [];
    if (images.length === 0) throw new ModelError(model.info.id, 'top examples need at least one image');
    const inputs = images.map((im) => modelInput(model, im));
    const [h, w, c] = model.info.inputShape;
    const source = {
      count: inputs.length,
      batch: (start: number, end: number) => {
        const values = new Float32Array((end - start) * h * w * c);
        for (let i = start; i < end; i++) values.set(inputs[i], (i - start) * h * w * c);
        return tf.tensor4d(values, [end - start, h, w, c]);
      },
    };
    const k = typeof options.k === 'number' ? options.k : 9;
    const top = await topExamples(model, source, { k: Math.min(k, inputs.length), batchSize: 32 });
    return { view: 'top-examples', top, elapsedMs: performance.now() - started };
  }
  if (request.image === undefined) throw new ModelError(model.info.id, `view '${request.view}' needs an image`);
  const values = modelInput(model, request.image);
  const input = tf.tensor4d(values, [1, ...model.info.inputShape]);
  try {
    if (request.view === 'activations') {
      const grid = activationGrid(model, input, typeof options.layer === 'string' ? options.layer : undefined);
      const probsT = model.predict(input);
      const probs = (await probsT.data()) as Float32Array;
      probsT.dispose();
      let rf;
      try { rf = receptiveFields(model.info).get(grid.layer); } catch { rf = undefined; }
      return { view: 'activations', grid, rf, prediction: topK(probs, model.info.labels, 3), elapsedMs: performance.now() - started };
    }
    if (request.view === 'neighbours') {
      if (request.sample === undefined) throw new ModelError(model.info.id, 'neighbours need a sample to search (sample.json URL)');
      const space = await sampleSpace(model, request.sample, `${model.info.id}|${request.sample}`);
      const query = await extractFeatures(model, { count: 1, batch: () => input.clone() });
      const k = typeof options.k === 'number' ? options.k : 8;
      return {
        view: 'neighbours',
        featureL2: nearest(space.features.values, space.features.dim, query.values, k, 'l2'),
        featureCosine: nearest(space.features.values, space.features.dim, query.values, k, 'cosine'),
        pixelL2: nearest(space.pixels, values.length, values, k, 'l2'),
        elapsedMs: performance.now() - started,
      };
    }
    throw new Error(`unknown view '${String(request.view)}'; live views: filters, activations, neighbours, top-examples`);
  } finally {
    input.dispose();
  }
}
