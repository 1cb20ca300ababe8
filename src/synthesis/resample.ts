/**
 * Bilinear resampling at arbitrary source coordinates, differentiable on every backend. Random scale
 * and rotate need it inside the optimization loop, but tf.image.transform has no gradient and the
 * gradient tfjs registers for gather needs UnsortedSegmentSum, which the wasm backend lacks. Here the
 * forward pass is a gather of the four neighbours (GatherNd) and the backward pass scatters the
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

/** The four neighbours of every output pixel, corner by corner, and their bilinear weights. */
export interface Taps {
  outHeight: number;
  outWidth: number;
  /** Input height and width the indices refer to. */
  height: number;
  width: number;
  /** [4N] flat input indices (y * w + x) of the four neighbours, corner by corner. */
  indices: Int32Array;
  /** [4N] bilinear weights, same order. */
  weights: Float32Array;
}

/**
 * Neighbours and weights; coordinates outside the image clamp to the edge pixel. Typed arrays: tfjs
 * copies them into a tensor as they are, where plain JS arrays cost a flatten and a conversion per
 * call (about a quarter of a Lucid step's time on wasm, docs/benchmarks.md).
 */
export function bilinearTaps(grid: SampleGrid, h: number, w: number): Taps {
  const n = grid.outHeight * grid.outWidth;
  const indices = new Int32Array(4 * n);
  const weights = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    const y = Math.min(h - 1, Math.max(0, grid.ys[i]));
    const x = Math.min(w - 1, Math.max(0, grid.xs[i]));
    const y0 = Math.floor(y);
    const x0 = Math.floor(x);
    const y1 = Math.min(h - 1, y0 + 1);
    const x1 = Math.min(w - 1, x0 + 1);
    const fy = y - y0;
    const fx = x - x0;
    indices[i] = y0 * w + x0;
    weights[i] = (1 - fy) * (1 - fx);
    indices[n + i] = y0 * w + x1;
    weights[n + i] = (1 - fy) * fx;
    indices[2 * n + i] = y1 * w + x0;
    weights[2 * n + i] = fy * (1 - fx);
    indices[3 * n + i] = y1 * w + x1;
    weights[3 * n + i] = fy * fx;
  }
  return { outHeight: grid.outHeight, outWidth: grid.outWidth, height: h, width: w, indices, weights };
}

const TAPS_CACHE_SIZE = 128;
const tapsCache = new Map<string, Taps>();

/**
 * The taps of `affineGrid(h, w, outHeight, outWidth, scale, angle)`, cached: the random scale and
 * rotate transforms draw from short lists (11 scales, 21 angles), so every step of an optimization
 * reuses a handful of grids instead of rebuilding them. Least recently used entries go first.
 */
export function affineTaps(h: number, w: number, outHeight: number, outWidth: number, scale: number, angle: number): Taps {
  const key = `${h},${w},${outHeight},${outWidth},${scale},${angle}`;
  let taps = tapsCache.get(key);
  if (taps !== undefined) {
    tapsCache.delete(key);
  } else {
    taps = bilinearTaps(affineGrid(h, w, outHeight, outWidth, scale, angle), h, w);
    if (tapsCache.size >= TAPS_CACHE_SIZE) tapsCache.delete(tapsCache.keys().next().value as string);
  }
  tapsCache.set(key, taps);
  return taps;
}

/** x [b, h, w, c] sampled at `grid` (or at taps already made for x's size) -> [b, outHeight, outWidth, c]. */
export function resampleBilinear(x: tf.Tensor4D, grid: SampleGrid | Taps): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const n = grid.outHeight * grid.outWidth;
  const taps = 'indices' in grid ? grid : bilinearTaps(grid, h, w);
  if (taps.height !== h || taps.width !== w) throw new Error(`resampleBilinear: taps made for ${taps.height}x${taps.width}, image is ${h}x${w}`);
  const run = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    // GatherNd with [4N, 1] indices, not GatherV2: the same rows, 10x faster on wasm (1.5 ms
    // against 0.13 ms for 17k taps of a 72x72x3 image, whose GatherV2 copies element by element).
    const indices = tf.tensor2d(taps.indices, [4 * n, 1], 'int32');
    const weights = tf.tensor2d(taps.weights, [4 * n, 1]);
    save([indices, weights]);
    // Pixels as rows, (batch, channel) as columns: one gather serves the whole batch.
    const rows = tf.reshape(tf.transpose(input, [1, 2, 0, 3]), [h * w, b * c]);
    const picked = tf.mul(tf.gatherND(rows, indices), weights);
    const summed = tf.sum(tf.reshape(picked, [4, n, b * c]), 0);
    const value = tf.transpose(tf.reshape(summed, [grid.outHeight, grid.outWidth, b, c]), [2, 0, 1, 3]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor => {
      const [idx, wt] = saved;
      const dyRows = tf.reshape(tf.transpose(dy, [1, 2, 0, 3]), [n, b * c]);
      // Four copies by concat: wasm's Tile takes 2.3 ms for this, concat 0.1 ms.
      const updates = tf.mul(tf.concat([dyRows, dyRows, dyRows, dyRows], 0), wt);
      const dRows = tf.scatterND(idx, updates, [h * w, b * c]);
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
