/**
 * Another network's view of the stimuli, for the feature-match observer: penultimate features
 * (src/views/features.ts) of every query and reference image of the given trials, computed once per
 * image file. Images are resampled to the feature model's input by Glimpse's own preprocessing.
 */
import * as tf from '@tensorflow/tfjs-core';
import { imageToInput } from '../../cli/image';
import { useBackend } from '../../cli/backend';
import { loadModelNode } from '../../model/load-node';
import { extractFeatures } from '../../views/features';
import type { Pixels } from './strategies';

function toBytes(p: Pixels): Uint8Array {
  const out = new Uint8Array(p.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, p.data[i])) * 255);
  return out;
}

/** Features per image (same order as `images`), from the model's penultimate layer. */
export async function penultimateFeatures(modelSource: string, images: Pixels[]): Promise<Float32Array[]> {
  await useBackend('wasm');
  const model = await loadModelNode(modelSource);
  try {
    const info = model.info;
    const size = info.inputShape.reduce((a, b) => a * b, 1);
    const inputs = images.map((p) => imageToInput({ pixels: toBytes(p), width: p.width, height: p.height, channels: p.channels === 1 ? 1 : 3 }, info));
    const source = {
      count: inputs.length,
      batch: (start: number, end: number) => {
        const flat = new Float32Array((end - start) * size);
        for (let i = start; i < end; i++) flat.set(inputs[i], (i - start) * size);
        return tf.tensor4d(flat, [end - start, ...info.inputShape]);
      },
    };
    const f = await extractFeatures(model, source, undefined, 64);
    return images.map((_, i) => f.values.slice(i * f.dim, (i + 1) * f.dim));
  } finally {
    model.dispose();
  }
}
