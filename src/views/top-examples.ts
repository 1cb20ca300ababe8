/**
 * Maximally activating examples and patches (Zeiler-Fergus 2014, Sec. 4; Girshick et al. 2014,
 * Fig. 4): for every channel of every conv layer, the k images of a set with the highest maximum
 * activation over positions, the arg-max position, and the input patch its receptive field covers.
 * A channel is read after its conv block's BatchNorm and activation (the unit the next layer
 * sees; a negative BN scale would otherwise invert the ranking). One forward pass per batch taps
 * every layer at once; per image only the spatial max and its position leave the backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { ModelInfo } from '../model/types';
import { clipBox, convLayers, fieldBox, receptiveFields, type ReceptiveField } from './receptive-field';
import type { ImageSource, ViewDef } from './types';

/** One conv layer's ranking: flat arrays of channels * k entries, channel-major, best first. */
export interface LayerTopExamples {
  /** The conv layer. */
  layer: string;
  /** The layer actually read: the end of the conv's BatchNorm / activation chain. */
  tap: string;
  channels: number;
  /** Output grid [height, width] of the tap. */
  grid: [number, number];
  /** The tap's receptive field; global (the whole image) for models without geometry (GraphModels). */
  rf: ReceptiveField;
  /** Image index into the ranked set; -1 where the set has fewer than k images. */
  image: number[];
  /** Maximum activation of the channel over positions of that image. */
  value: number[];
  /** Arg-max position (first in row-major order on ties). */
  y: number[];
  x: number[];
  /** Patch in input pixels per entry, [top, left, bottom, right] (exclusive), 4 numbers each. */
  box: number[];
}

export interface TopExamples {
  model: string;
  k: number;
  /** Number of images ranked. */
  count: number;
  inputShape: [number, number, number];
  layers: LayerTopExamples[];
}

/** Follows a conv through the norm / activation layers it alone feeds. */
export function unitTap(info: ModelInfo, conv: string): string {
  let current = conv;
  for (;;) {
    const next = info.layers.filter((l) => l.inputs.includes(current));
    if (next.length !== 1 || (next[0].kind !== 'norm' && next[0].kind !== 'activation') || next[0].inputs.length !== 1) return current;
    current = next[0].name;
  }
}

export const topExamplesOptions = z.object({
  /** Conv layers to rank; default all. */
  layers: z.array(z.string()).optional(),
  /** Examples per channel. */
  k: z.number().int().min(1).max(100).default(9),
  /** Images per forward pass. */
  batchSize: z.number().int().min(1).max(1024).default(100),
}).strict();

export type TopExamplesOptions = z.infer<typeof topExamplesOptions>;

/** Sorted insertion into a channel's top-k (value descending, then image index ascending). */
function insert(t: LayerTopExamples, channel: number, k: number, image: number, value: number, y: number, x: number): void {
  const base = channel * k;
  if (t.image[base + k - 1] !== -1 && value <= t.value[base + k - 1]) return;
  let r = k - 1;
  while (r > 0 && (t.image[base + r - 1] === -1 || value > t.value[base + r - 1])) {
    t.image[base + r] = t.image[base + r - 1];
    t.value[base + r] = t.value[base + r - 1];
    t.y[base + r] = t.y[base + r - 1];
    t.x[base + r] = t.x[base + r - 1];
    r--;
  }
  t.image[base + r] = image;
  t.value[base + r] = value;
  t.y[base + r] = y;
  t.x[base + r] = x;
}

export async function topExamples(
  model: { info: ModelInfo; forward: (x: tf.Tensor4D, o: { taps: string[] }) => { taps: Record<string, tf.Tensor> } },
  images: ImageSource,
  options: Partial<TopExamplesOptions> = {},
  signal?: { aborted: boolean },
): Promise<TopExamples> {
  const { k, batchSize, layers: names } = topExamplesOptions.parse(options);
  const info = model.info;
  const convs = convLayers(info);
  const chosen = names === undefined ? convs : names.map((n) => {
    const c = convs.find((l) => l.name === n);
    if (c === undefined) throw new Error(`model '${info.id}': '${n}' is not a conv layer; conv layers: ${convs.map((l) => l.name).join(', ')}`);
    return c;
  });
  let fields: Map<string, ReceptiveField> | undefined;
  try {
    fields = receptiveFields(info);
  } catch {
    fields = undefined; // a GraphModel: rank anyway, patches are then whole images
  }
  const [ih, iw] = info.inputShape;
  const results: LayerTopExamples[] = chosen.map((l) => {
    const tap = unitTap(info, l.name);
    const [h, w, c] = info.layers.find((t) => t.name === tap)!.outputShape;
    const n = c * k;
    return {
      layer: l.name, tap, channels: c, grid: [h, w],
      rf: fields?.get(tap) ?? { layer: tap, size: [ih, iw], stride: [1, 1], offset: [0, 0], global: true },
      image: new Array<number>(n).fill(-1), value: new Array<number>(n).fill(0),
      y: new Array<number>(n).fill(0), x: new Array<number>(n).fill(0), box: [],
    };
  });
  const taps = results.map((r) => r.tap);
  for (let start = 0; start < images.count; start += batchSize) {
    if (signal?.aborted) throw new Error('top examples: cancelled');
    const end = Math.min(images.count, start + batchSize);
    const reduced = tf.tidy(() => {
      const batch = images.batch(start, end);
      const out = model.forward(batch, { taps }).taps;
      return taps.map((name) => {
        const a = out[name];
        const [b, h, w, c] = a.shape;
        const flat = tf.reshape(a, [b, h * w, c]);
        return [tf.max(flat, 1), tf.argMax(flat, 1)] as const;
      });
    });
    const read = await Promise.all(reduced.map(async ([m, i]) => [await m.data(), await i.data()] as const));
    reduced.forEach(([m, i]) => { m.dispose(); i.dispose(); });
    results.forEach((r, li) => {
      const [maxes, args] = read[li];
      const width = r.grid[1];
      for (let b = 0; b < end - start; b++) {
        for (let c = 0; c < r.channels; c++) {
          const pos = args[b * r.channels + c];
          insert(r, c, k, start + b, maxes[b * r.channels + c], Math.floor(pos / width), pos % width);
        }
      }
    });
  }
  for (const r of results) {
    r.box = r.image.flatMap((img, e) => {
      if (img < 0) return [0, 0, 0, 0];
      const b = r.rf.global ? { top: 0, left: 0, bottom: ih, right: iw } : clipBox(fieldBox(r.rf, r.y[e], r.x[e]), ih, iw);
      return [b.top, b.left, b.bottom, b.right];
    });
  }
  return { model: info.id, k, count: images.count, inputShape: info.inputShape, layers: results };
}

export const topExamplesView: ViewDef<TopExamplesOptions, TopExamples> = {
  id: 'top-examples',
  label: 'Top examples and patches',
  kind: 'activation',
  needsLayer: false,
  needs: 'images',
  paper: { title: 'Visualizing and Understanding Convolutional Networks', authors: 'Zeiler, Fergus', year: 2014, url: 'https://arxiv.org/abs/1311.2901' },
  options: topExamplesOptions,
  async run(model, input, options, ctx) {
    if (input.images === undefined) throw new Error('top examples need an image set');
    return topExamples(model, input.images, options, ctx.signal);
  },
};
