/**
 * Bilinear resampling at arbitrary source coordinates, differentiable on every backend. Random scale
 * and rotate need it inside the optimization loop, but tf.image.transform has no gradient and the
 * gradient tfjs registers for gather needs UnsortedSegmentSum, which the wasm backend lacks. Here the
 * forward pass is a gather of the four neighbours (GatherV2) and the backward pass scatters the
 * weighted dy back with ScatterNd, which sums duplicate indices on cpu and wasm alike.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Where each output pixel samples the input: source row/column per output pixel, row-major. */
export interface SampleGrid {
  outHeight: number;
  outWidth: number;
  /** Source y (row) of each output pixel, in input pixel units (0 = centre of the first row). */
  ys: Float32Array;
  /** Source x (column) of each output pixel. */
  xs: Float32Array;
}

interface Taps {
  /** [4N, 1] int32 flat input indices of the four neighbours, corner by corner. */
  indices: number[];
  /** [4N] bilinear weights, same order. */
  weights: number[];
}

/** Neighbours and weights; coordinates outside the image clamp to the edge pixel. */
function bilinearTaps(grid: SampleGrid, h: number, w: number): Taps {
  const n = grid.outHeight * grid.outWidth;
  const indices = new Array<number>(4 * n);
  const weights = new Array<number>(4 * n);
  for (let i = 0; i < n; i++) {
    const y = Math.min(h - 1, Math.max(0, grid.ys[i]));
    const x = Math.min(w - 1, Math.max(0, grid.xs[i]));
    const y0 = Math.floor(y);
    const x0 = Math.floor(x);
    const y1 = Math.min(h - 1, y0 + 1);
    const x1 = Math.min(w - 1, x0 + 1);
    const fy = y - y0;
    const fx = x - x0;
    const corners: Array<[number, number, number]> = [
      [y0, x0, (1 - fy) * (1 - fx)], [y0, x1, (1 - fy) * fx], [y1, x0, fy * (1 - fx)], [y1, x1, fy * fx],
    ];
    corners.forEach(([cy, cx, wt], k) => {
      indices[k * n + i] = cy * w + cx;
      weights[k * n + i] = wt;
    });
  }
  return { indices, weights };
}

/** x [b, h, w, c] sampled at `grid` -> [b, outHeight, outWidth, c]. */
export function resampleBilinear(x: tf.Tensor4D, grid: SampleGrid): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const n = grid.outHeight * grid.outWidth;
  const taps = bilinearTaps(grid, h, w);
  const run = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    const indices = tf.tensor1d(taps.indices, 'int32');
    const weights = tf.tensor2d(taps.weights, [4 * n, 1]);
    save([indices, weights]);
    // Pixels as rows, (batch, channel) as columns: one gather serves the whole batch.
    const rows = tf.reshape(tf.transpose(input, [1, 2, 0, 3]), [h * w, b * c]);
    const picked = tf.mul(tf.gather(rows, indices), weights);
    const summed = tf.sum(tf.reshape(picked, [4, n, b * c]), 0);
    const value = tf.transpose(tf.reshape(summed, [grid.outHeight, grid.outWidth, b, c]), [2, 0, 1, 3]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor => {
      const [idx, wt] = saved;
      const dyRows = tf.reshape(tf.transpose(dy, [1, 2, 0, 3]), [n, b * c]);
      const updates = tf.mul(tf.tile(dyRows, [4, 1]), wt);
      const dRows = tf.scatterND(tf.reshape(idx, [4 * n, 1]), updates, [h * w, b * c]);
      return tf.transpose(tf.reshape(dRows, [h, w, b, c]), [2, 0, 1, 3]);
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;
  return run(x) as tf.Tensor4D;
}

/**
 * The grid of an affine map about the image centre: output pixel p samples the input at
 * centre_in + A^-1 (p - centre_out), with A = scale * rotation(angle). Angle in radians.
 */
export function affineGrid(h: number, w: number, outHeight: number, outWidth: number, scale: number, angle: number): SampleGrid {
  const n = outHeight * outWidth;
  const ys = new Float32Array(n);
  const xs = new Float32Array(n);
  const cos = Math.cos(angle) / scale;
  const sin = Math.sin(angle) / scale;
  const cyIn = (h - 1) / 2;
  const cxIn = (w - 1) / 2;
  const cyOut = (outHeight - 1) / 2;
  const cxOut = (outWidth - 1) / 2;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const dy = y - cyOut;
      const dx = x - cxOut;
      // Inverse rotation: a point rotated by +angle in the output came from -angle in the input.
      ys[y * outWidth + x] = cyIn + cos * dy - sin * dx;
      xs[y * outWidth + x] = cxIn + sin * dy + cos * dx;
    }
  }
  return { outHeight, outWidth, ys, xs };
}
