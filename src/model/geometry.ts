/**
 * Spatial geometry of a Keras layer, for receptive fields (src/views/receptive-field.ts): how an
 * output position maps to a window of input positions. 'same' padding is resolved with
 * TensorFlow's rule (total = max((out - 1) * stride + (k - 1) * dilation + 1 - in, 0), the smaller
 * half before) from the traced input and output sizes, so even kernels and odd sizes come out exact.
 */
import type { LayerNode } from './topology';
import type { LayerGeometry } from './types';

type Pair = [number, number];

const WINDOW_KERNEL: Record<string, string> = {
  Conv2D: 'kernel_size', Convolution2D: 'kernel_size', DepthwiseConv2D: 'kernel_size',
  SeparableConv2D: 'kernel_size', SeparableConvolution2D: 'kernel_size',
  MaxPooling2D: 'pool_size', MaxPool2D: 'pool_size', AveragePooling2D: 'pool_size', AvgPool2D: 'pool_size',
};

const GLOBAL = new Set([
  'GlobalAveragePooling2D', 'GlobalAvgPool2D', 'GlobalMaxPooling2D', 'GlobalMaxPool2D', 'Flatten', 'Reshape', 'Dense',
]);

function pairOf(value: unknown, fallback: Pair): Pair {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) return [value[0], value[1]];
  return fallback;
}

/** [[top, bottom], [left, right]] from Keras' n | [rows, cols] | [[t, b], [l, r]]. */
function edgesOf(value: unknown): [Pair, Pair] {
  if (typeof value === 'number') return [[value, value], [value, value]];
  if (Array.isArray(value) && value.length === 2) {
    if (value.every((v) => typeof v === 'number')) return [[value[0], value[0]], [value[1], value[1]]];
    if (value.every((v) => Array.isArray(v) && v.length === 2)) return value as [Pair, Pair];
  }
  return [[0, 0], [0, 0]];
}

const pointwise = (): LayerGeometry => ({ type: 'pointwise', kernel: [1, 1], stride: [1, 1], dilation: [1, 1], padBefore: [0, 0] });

/**
 * Geometry of `node` given its input's and its own output shape (without batch), or undefined for
 * the input layer. Layers that keep the spatial grid and are not windows (activations, batch norm,
 * merges, dropout, rescaling) are 'pointwise'; those whose every output sees the whole input are 'global'.
 */
export function layerGeometry(node: LayerNode, inputShape: number[] | undefined, outputShape: number[]): LayerGeometry | undefined {
  if (node.className === 'InputLayer' || inputShape === undefined) return undefined;
  const global = (): LayerGeometry => ({ type: 'global', kernel: [inputShape[0] ?? 1, inputShape[1] ?? 1], stride: [1, 1], dilation: [1, 1], padBefore: [0, 0] });
  if (GLOBAL.has(node.className) || inputShape.length !== 3 || outputShape.length !== 3) {
    return inputShape.length === 3 ? global() : { ...pointwise(), type: 'global' };
  }
  const config = node.config;
  const kernelKey = WINDOW_KERNEL[node.className];
  if (kernelKey !== undefined) {
    const pooling = kernelKey === 'pool_size';
    const kernel = pairOf(config[kernelKey], [2, 2]);
    const stride = pairOf(config.strides, pooling ? kernel : [1, 1]);
    const dilation = pooling ? [1, 1] as Pair : pairOf(config.dilation_rate, [1, 1]);
    const padBefore = [0, 1].map((a) => {
      if (config.padding !== 'same') return 0;
      const total = Math.max((outputShape[a] - 1) * stride[a] + (kernel[a] - 1) * dilation[a] + 1 - inputShape[a], 0);
      return Math.floor(total / 2);
    }) as Pair;
    return { type: 'window', kernel, stride, dilation, padBefore };
  }
  if (node.className === 'ZeroPadding2D') {
    const [[top], [left]] = edgesOf(config.padding);
    return { ...pointwise(), type: 'window', padBefore: [top, left] };
  }
  if (node.className === 'Cropping2D') {
    const [[top], [left]] = edgesOf(config.cropping);
    return { ...pointwise(), type: 'window', padBefore: [-top, -left] };
  }
  if (outputShape[0] === inputShape[0] && outputShape[1] === inputShape[1]) return pointwise();
  return global();
}
