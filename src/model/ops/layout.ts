/**
 * Crops and constant pads of [b, h, w, c] as 3-D ops on [b, h, w c], for the feature-visualization
 * transforms and objectives (src/synthesis) and the conv input gradient (conv.ts).
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Rows top..top+height, columns left..left+width of [b, h, w, c], as a 3-D slice of [b, h, w c]:
 * the same values, but wasm's 4-D Slice and PadV2 copy element by element (a 64x64x3 crop of
 * 76x76: 0.7 ms, as 3-D 0.03 ms), and their gradients (a pad, a slice) take the 3-D path too.
 */
export function crop(x: tf.Tensor4D, top: number, left: number, height: number, width: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const rows = tf.slice(tf.reshape(x, [b, h, w * c]), [0, top, left * c], [b, height, width * c]);
  return tf.reshape(rows, [b, height, width, c]);
}

/** A constant border (rows above / below, columns left / right) around [b, h, w, c], as a 3-D pad (see crop). */
export function padBorder(x: tf.Tensor4D, [top, bottom]: [number, number], [left, right]: [number, number], value: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const padded = tf.pad(tf.reshape(x, [b, h, w * c]), [[0, 0], [top, bottom], [left * c, right * c]], value);
  return tf.reshape(padded, [b, h + top + bottom, w + left + right, c]);
}
