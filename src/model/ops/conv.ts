/**
 * Convolutions on constant kernels whose input gradient is itself a forward convolution: the
 * gradient of a correlation with kernel w is a correlation of (zero-upsampled, padded) dy with w
 * rotated by 180 degrees and its in/out channels swapped. At stride 1 that is 3-4x faster than
 * Conv2DBackpropInput on wasm, and it is the only way to get a depthwise input gradient there at
 * all: the wasm backend has no DepthwiseConv2dNativeBackpropInput (nor Conv2DBackpropFilter, which a
 * constant kernel never needs). MaxPoolGrad, AvgPoolGrad, EluGrad and the rest Glimpse uses exist.
 *
 * Padding, per spatial axis with effective kernel K = (k - 1) * dilation + 1, stride s, forward top
 * pad p, input length H and output length H': pad the upsampled dy (length (H' - 1) s + 1) by
 * K - 1 - p before and H + p - (H' - 1) s - 1 after, then run a 'valid' stride-1 correlation.
 */
import * as tf from '@tensorflow/tfjs-core';
import { padBorder } from './layout';
import { unaryCustomGrad } from './step';

export type Padding = 'same' | 'valid';

/** A prepared convolution; `dispose` frees the flipped kernel it built. */
export type ConvOp = ((x: tf.Tensor4D) => tf.Tensor4D) & { dispose(): void };

export interface ConvGeometry {
  strides: [number, number];
  padding: Padding;
  dilation: [number, number];
}

/** Forward top/left pad of one axis, exactly as tf (and Keras) compute 'same'. */
function forwardPad(size: number, kernel: number, stride: number, dilation: number, padding: Padding): number {
  if (padding === 'valid') return 0;
  const effective = (kernel - 1) * dilation + 1;
  const out = Math.ceil(size / stride);
  return Math.floor(Math.max(0, (out - 1) * stride + effective - size) / 2);
}

function backwardPads(size: number, outSize: number, kernel: number, g: ConvGeometry, axis: 0 | 1): [number, number] {
  const s = g.strides[axis];
  const d = g.dilation[axis];
  const p = forwardPad(size, kernel, s, d, g.padding);
  const effective = (kernel - 1) * d + 1;
  return [effective - 1 - p, size + p - (outSize - 1) * s - 1];
}

/** Inserts s-1 zeros between neighbouring pixels: [b, h, w, c] -> [b, (h-1)sh+1, (w-1)sw+1, c]. */
function upsampleWithZeros(dy: tf.Tensor4D, [sh, sw]: [number, number]): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [b, h, w, c] = dy.shape;
  let u = dy as tf.Tensor4D;
  if (sw > 1) {
    u = tf.pad(tf.reshape(u, [b * h, w, 1, c]), [[0, 0], [0, 0], [0, sw - 1], [0, 0]]);
    u = tf.reshape(u, [b, h, w * sw, c]);
  }
  if (sh > 1) {
    const row = w * sw * c;
    u = tf.pad(tf.reshape(u, [b, h, 1, row]), [[0, 0], [0, 0], [0, sh - 1], [0, 0]]);
    u = tf.reshape(u, [b, h * sh, w * sw, c]);
  }
  return tf.slice(u, [0, 0, 0, 0], [b, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

/**
 * Prepares dy for the backward correlation: upsampled and padded so that a 'valid' stride-1
 * correlation with the flipped kernel yields exactly the input's spatial size. Both pads are >= 0
 * for 'same' and 'valid' (the bottom one is K - 1 - (forward bottom pad) or more), so no cropping.
 */
function prepareDy(dy: tf.Tensor4D, xShape: number[], kh: number, kw: number, g: ConvGeometry): tf.Tensor4D {
  const rows = backwardPads(xShape[1], dy.shape[1], kh, g, 0);
  const cols = backwardPads(xShape[2], dy.shape[2], kw, g, 1);
  const u = upsampleWithZeros(dy, g.strides);
  if (!rows.some((p) => p > 0) && !cols.some((p) => p > 0)) return u;
  // A 3-D pad (layout.ts): wasm's 4-D PadV2 took 3.3 ms for dy [50, 64, 64, 16], this 0.54 ms.
  return padBorder(u, rows, cols, 0);
}

/**
 * The kernel rotated by 180 degrees in its two spatial axes: reversing both equals reversing the
 * flattened kh*kw axis, done as one gather, which is 4-10x faster than tf.reverse on the cpu
 * backend (a [3, 3, 64, 128] kernel: 50 against 200-600 ms; it ran for every conv of every load).
 */
function rotate180(kernel: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, a, b] = kernel.shape;
  const n = kh * kw;
  return tf.tidy(() => {
    const order = tf.tensor1d(Array.from({ length: n }, (_, i) => n - 1 - i), 'int32');
    return tf.reshape(tf.gather(tf.reshape(kernel, [n, a * b]), order), [kh, kw, a, b]);
  });
}

const strided = (g: ConvGeometry): boolean => g.strides[0] > 1 || g.strides[1] > 1;

/**
 * x -> conv2d(x, kernel). Input gradient: stride 1, a forward conv of the flipped kernel (3-4x
 * faster than Conv2DBackpropInput on wasm); strided, tf's Conv2DBackpropInput via conv2dTranspose,
 * which every backend has and which beats a conv over a zero-upsampled dy (measured 2 ms against
 * 7 ms on wasm and 75 ms on cpu for a 96x96 stride-2 stem). `kernel`: [kh, kw, in, out], kept by the caller.
 */
export function makeConv2d(kernel: tf.Tensor4D, g: ConvGeometry): ConvOp {
  const [kh, kw] = kernel.shape;
  // Built once per layer, not per call: rot180 and swap in/out channels -> [kh, kw, out, in].
  const flipped = strided(g) ? undefined : tf.keep(tf.tidy(() => tf.transpose(rotate180(kernel), [0, 1, 3, 2]))) as tf.Tensor4D;
  const forward = unaryCustomGrad((x: tf.Tensor) => {
    const value = tf.conv2d(x as tf.Tensor4D, kernel, g.strides, g.padding, 'NHWC', g.dilation);
    const xShape = x.shape as [number, number, number, number];
    const gradFunc = (dy: tf.Tensor): tf.Tensor => flipped === undefined
      ? tf.conv2dTranspose(dy as tf.Tensor4D, kernel, xShape, g.strides, g.padding)
      : tf.conv2d(prepareDy(dy as tf.Tensor4D, xShape, kh, kw, g), flipped, 1, 'valid', 'NHWC', g.dilation);
    return { value, gradFunc };
  }) as (x: tf.Tensor4D) => tf.Tensor4D;
  return Object.assign(forward, { dispose: () => flipped?.dispose() });
}

/**
 * x -> depthwiseConv2d(x, kernel), `kernel`: [kh, kw, c, m]. Input gradient: a forward depthwise
 * conv of the flipped kernel over dy (zero-upsampled when strided), except that a strided layer
 * uses the backend's DepthwiseConv2dNativeBackpropInput where it has one (not wasm), unless
 * `useBackendKernel` is false (tests use that to check the upsampling path on cpu).
 */
export function makeDepthwiseConv2d(kernel: tf.Tensor4D, g: ConvGeometry, useBackendKernel = true): ConvOp {
  const [kh, kw, c, m] = kernel.shape;
  // Output channel c*m + k comes from input channel c; backward treats all c*m as separate channels.
  const flipped = tf.keep(tf.tidy(() => tf.reshape(rotate180(kernel), [kh, kw, c * m, 1]))) as tf.Tensor4D;
  const forward = unaryCustomGrad((x: tf.Tensor) => {
    const value = tf.depthwiseConv2d(x as tf.Tensor4D, kernel, g.strides, g.padding, 'NHWC', g.dilation);
    const xShape = x.shape;
    const gradFunc = (dy: tf.Tensor): tf.Tensor => {
      if (strided(g) && useBackendKernel && tf.getKernel('DepthwiseConv2dNativeBackpropInput', tf.getBackend()) !== undefined) {
        const attrs = { strides: g.strides, pad: g.padding, dilations: g.dilation, inputShape: xShape };
        return tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: kernel }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
      }
      const spread = tf.depthwiseConv2d(prepareDy(dy as tf.Tensor4D, xShape, kh, kw, g), flipped, 1, 'valid', 'NHWC', g.dilation);
      if (m === 1) return spread;
      const [b, h, w] = spread.shape;
      return tf.sum(tf.reshape(spread, [b, h, w, c, m]), 4);
    };
    return { value, gradFunc };
  }) as (x: tf.Tensor4D) => tf.Tensor4D;
  return Object.assign(forward, { dispose: () => flipped.dispose() });
}
