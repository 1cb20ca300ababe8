/**
 * A unit's activation: the spatial mean of one channel of one layer's output (the authors' pre-ReLU
 * channel mean), for batches of uint8 images, through the executor. Only the layers the taps need
 * are run (truncated()), so a bn1 unit costs conv1 and bn1, not the whole network. Everything the stimuli builder measures goes through here, so a
 * hand-made Executor in a test sees exactly the calls the real model sees.
 */
import * as tf from '@tensorflow/tfjs-core';
import { toModelInput } from '../../synthesis/objectives';
import type { Executor } from '../../model/types';

/** Images as bytes, row-major [n, h, w, c], 0-255: what the PNG stimuli hold, exactly. */
export interface ImageBatch {
  data: Uint8Array;
  count: number;
}

export interface UnitRef {
  layer: string;
  channel: number;
}

/** Images per forward pass. */
export const BATCH = 64;

/**
 * The same model, but every forward pass runs only what its taps need: the logits layer is given
 * as zeros (a constant, so gradients of tapped layers are unchanged). For the occlusion searches
 * and the feature visualizations of units below the top layer this skips most of the network.
 */
export function truncated(model: Executor): Executor {
  const logits = model.info.layers.find((l) => l.name === model.info.logitsLayer);
  if (logits === undefined) return model;
  return {
    ...model,
    forward: (x, options = {}) => {
      if ((options.taps ?? []).includes(logits.name) || options.replace?.[logits.name] !== undefined) return model.forward(x, options);
      return model.forward(x, { ...options, replace: { ...options.replace, [logits.name]: tf.zeros([x.shape[0], ...logits.outputShape]) } });
    },
  };
}

/** Spatial mean and spatial max of each unit's channel per image (the max shows whether it ever fires). */
export async function unitStatistics(model: Executor, images: ImageBatch, units: UnitRef[], batch = BATCH): Promise<{ mean: Float32Array[]; max: Float32Array[] }> {
  const [h, w, c] = model.info.inputShape;
  const size = h * w * c;
  if (images.data.length !== images.count * size) throw new Error(`unitActivations: ${images.data.length} bytes for ${images.count} images of ${h}x${w}x${c}`);
  const layers = [...new Set(units.map((u) => u.layer))];
  const mean = units.map(() => new Float32Array(images.count));
  const max = units.map(() => new Float32Array(images.count));
  const run = truncated(model);
  for (let start = 0; start < images.count; start += batch) {
    const n = Math.min(batch, images.count - start);
    const stats = tf.tidy(() => {
      const pixels = tf.tensor4d(toUnit(images.data.subarray(start * size, (start + n) * size)), [n, h, w, c]);
      const { taps } = run.forward(toModelInput(pixels, model.info), { taps: layers });
      return layers.flatMap((l) => {
        const t = taps[l];
        return t.rank === 4 ? [tf.mean(t, [1, 2]), tf.max(t, [1, 2])] : [t, t];
      });
    });
    const values = (await Promise.all(stats.map((m) => m.data()))) as Float32Array[];
    stats.forEach((m) => m.dispose());
    units.forEach((u, k) => {
      const li = layers.indexOf(u.layer);
      const channels = values[2 * li].length / n;
      if (u.channel >= channels) throw new Error(`unit ${u.layer}:${u.channel}: layer '${u.layer}' has channels 0-${channels - 1}`);
      for (let i = 0; i < n; i++) {
        mean[k][start + i] = values[2 * li][i * channels + u.channel];
        max[k][start + i] = values[2 * li + 1][i * channels + u.channel];
      }
    });
  }
  return { mean, max };
}

/** Activations of several units (any layers) on `images`: one Float32Array of `count` per unit. */
export async function unitActivations(model: Executor, images: ImageBatch, units: UnitRef[], batch = BATCH): Promise<Float32Array[]> {
  return (await unitStatistics(model, images, units, batch)).mean;
}

/** Bytes -> [0, 1] floats, v / 255 (as decodePng reads a PNG back). */
export function toUnit(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 255;
  return out;
}

/** One unit's activation per image. */
export async function activationOf(model: Executor, images: ImageBatch, unit: UnitRef, batch = BATCH): Promise<Float32Array> {
  return (await unitActivations(model, images, [unit], batch))[0];
}
