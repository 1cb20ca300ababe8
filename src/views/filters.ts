/**
 * Filters (Krizhevsky et al. 2012, Fig. 3; Zeiler-Fergus 2014): the weights of a conv layer, one
 * small image per (filter, input channel), or one RGB image per filter where the layer reads the
 * colour input directly. Depthwise and separable layers show their depthwise kernel (one input
 * channel per filter). Scales are returned, not applied: the renderer normalises shared or per filter.
 */
import { z } from 'zod';
import type { Executor, ModelInfo } from '../model/types';
import { requireLayer, type ViewDef } from './types';

export interface FilterGrid {
  layer: string;
  /** [rows, cols] of each kernel. */
  kernel: [number, number];
  /** Input channels per filter (1 for depthwise kernels). */
  inChannels: number;
  filters: number;
  /** True when the layer reads the RGB input directly: draw each filter as one colour image. */
  rgb: boolean;
  /** Row-major [filter][row][col][inChannel]. */
  values: Float32Array;
  /** max |w| over each filter (per-filter normalisation) and over all (shared). */
  filterMaxAbs: Float32Array;
  maxAbs: number;
}

const isConv = (l: ModelInfo['layers'][number]) => l.kind === 'conv';

export const filtersOptions = z.object({
  /** A conv layer by name; default the first one. */
  layer: z.string().optional(),
}).strict();

export type FiltersOptions = z.infer<typeof filtersOptions>;

export function convFilters(model: Executor, layerName?: string): FilterGrid {
  const info = model.info;
  const name = layerName ?? info.layers.find(isConv)?.name ?? '';
  const layer = requireLayer(info, name, isConv, 'conv');
  const weights = model.layerWeights?.(layer.name);
  const kernel = weights?.kernel ?? weights?.depthwise_kernel;
  if (kernel === undefined || kernel.rank !== 4) {
    throw new Error(`model '${info.id}': the weights of conv layer '${layer.name}' are not readable (GraphModels do not expose layer weights)`);
  }
  const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
  const depthwise = weights?.kernel === undefined;
  const data = kernel.dataSync() as Float32Array;
  const inChannels = depthwise ? 1 : cin;
  const filters = depthwise ? cin * cout : cout;
  const values = new Float32Array(filters * kh * kw * inChannels);
  for (let f = 0; f < filters; f++) {
    for (let i = 0; i < kh * kw; i++) {
      for (let c = 0; c < inChannels; c++) {
        // Keras kernel [kh, kw, cin, cout]; depthwise [kh, kw, cin, multiplier], output cin * mult + m.
        const src = depthwise
          ? i * cin * cout + Math.floor(f / cout) * cout + (f % cout)
          : (i * cin + c) * cout + f;
        values[((f * kh * kw) + i) * inChannels + c] = data[src];
      }
    }
  }
  const filterMaxAbs = new Float32Array(filters);
  const per = kh * kw * inChannels;
  for (let f = 0; f < filters; f++) {
    let m = 0;
    for (let i = 0; i < per; i++) m = Math.max(m, Math.abs(values[f * per + i]));
    filterMaxAbs[f] = m;
  }
  const readsInput = layer.inputs.every((i) => info.layers.find((l) => l.name === i)?.kind === 'input');
  return {
    layer: layer.name, kernel: [kh, kw], inChannels, filters,
    rgb: !depthwise && cin === 3 && readsInput,
    values, filterMaxAbs, maxAbs: Math.max(0, ...filterMaxAbs),
  };
}

export const filtersView: ViewDef<FiltersOptions, FilterGrid> = {
  id: 'filters',
  label: 'Filters',
  kind: 'activation',
  needsLayer: true,
  needs: 'none',
  paper: { title: 'ImageNet Classification with Deep Convolutional Neural Networks', authors: 'Krizhevsky, Sutskever, Hinton', year: 2012, url: 'https://papers.nips.cc/paper/2012/hash/c399862d3b9d6b76c8436e924a68c45b-Abstract.html' },
  options: filtersOptions,
  async run(model, _input, options) {
    return convFilters(model, options.layer);
  },
};
