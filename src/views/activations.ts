/**
 * Activation grid (Yosinski et al. 2015, "Understanding Neural Networks Through Deep
 * Visualization"): every channel of one layer for one image, with per-channel ranges and a flag on
 * dead channels (all exactly zero for this image, e.g. a ReLU that never fires).
 */
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { Executor, ModelInfo } from '../model/types';
import { requireLayer, type ViewDef } from './types';

export interface ActivationGrid {
  layer: string;
  height: number;
  width: number;
  channels: number;
  /** Row-major [height, width, channels]. */
  values: Float32Array;
  channelMin: Float32Array;
  channelMax: Float32Array;
  /** Channel indices whose every value is 0. */
  dead: number[];
  min: number;
  max: number;
}

export const isSpatial = (l: ModelInfo['layers'][number]) => l.kind !== 'input' && l.outputShape.length === 3;

export const activationsOptions = z.object({
  /** A layer with a [h, w, c] output; default the last conv layer. */
  layer: z.string().optional(),
}).strict();

export type ActivationsOptions = z.infer<typeof activationsOptions>;

export function defaultActivationLayer(info: ModelInfo): string {
  const convs = info.layers.filter((l) => l.kind === 'conv' && l.outputShape.length === 3);
  return (convs.at(-1) ?? info.layers.find(isSpatial))?.name ?? '';
}

/** The layer's output for `image` (batch 1), with per-channel statistics. */
export function activationGrid(model: Executor, image: tf.Tensor4D, layerName?: string): ActivationGrid {
  const layer = requireLayer(model.info, layerName ?? defaultActivationLayer(model.info), isSpatial, 'spatial ([h, w, c])');
  if (image.shape[0] !== 1) throw new Error(`activation grid takes one image; got a batch of ${image.shape[0]}`);
  const t = tf.tidy(() => model.forward(image, { taps: [layer.name] }).taps[layer.name]);
  const values = t.dataSync() as Float32Array;
  t.dispose();
  const [height, width, channels] = layer.outputShape;
  const channelMin = new Float32Array(channels).fill(Infinity);
  const channelMax = new Float32Array(channels).fill(-Infinity);
  for (let i = 0; i < values.length; i++) {
    const c = i % channels;
    if (values[i] < channelMin[c]) channelMin[c] = values[i];
    if (values[i] > channelMax[c]) channelMax[c] = values[i];
  }
  const dead: number[] = [];
  for (let c = 0; c < channels; c++) if (channelMin[c] === 0 && channelMax[c] === 0) dead.push(c);
  return {
    layer: layer.name, height, width, channels, values: new Float32Array(values), channelMin, channelMax, dead,
    min: Math.min(...channelMin), max: Math.max(...channelMax),
  };
}

export const activationsView: ViewDef<ActivationsOptions, ActivationGrid> = {
  id: 'activations',
  label: 'Activation grid',
  kind: 'activation',
  needsLayer: true,
  needs: 'image',
  paper: { title: 'Understanding Neural Networks Through Deep Visualization', authors: 'Yosinski, Clune, Nguyen, Fuchs, Lipson', year: 2015, url: 'https://arxiv.org/abs/1506.06579' },
  options: activationsOptions,
  async run(model, input, options) {
    if (input.image === undefined) throw new Error('the activation grid needs an image');
    return activationGrid(model, input.image, options.layer);
  },
};
