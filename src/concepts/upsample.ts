/**
 * Activation maps to mask resolution, as separable linear interpolation written with gathers (on
 * every backend, no resize kernel needed). Two coordinate maps:
 * - 'bilinear': half-pixel centres, what NetDissect-Lite's PIL BILINEAR resize and
 *   tf.image.resizeBilinear(halfPixelCenters) do;
 * - 'receptive-field': the original NetDissect's upsampling, which places each activation at the
 *   centre of its receptive field in the input (src/views/receptive-field.ts) and interpolates
 *   between those centres, so a unit's mask sits where its field looks, padding offsets included.
 * Positions outside the outermost centres take the nearest one (clamped).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ReceptiveField } from '../views/receptive-field';

export type UpsampleMode = 'bilinear' | 'receptive-field';
export const UPSAMPLE_MODES: readonly UpsampleMode[] = ['bilinear', 'receptive-field'];

/** Two-tap interpolation along one axis: out[i] = w0[i] a[i0[i]] + (1 - w0[i]) a[i1[i]]. */
export interface AxisTaps {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float32Array;
}

/** Taps from fractional source coordinates (clamped to [0, n - 1]). */
export function axisTaps(source: ArrayLike<number>, n: number): AxisTaps {
  const out = source.length;
  const taps = { i0: new Int32Array(out), i1: new Int32Array(out), w0: new Float32Array(out) };
  for (let i = 0; i < out; i++) {
    const s = Math.min(Math.max(source[i], 0), n - 1);
    const lo = Math.floor(s);
    const hi = Math.min(lo + 1, n - 1);
    taps.i0[i] = lo;
    taps.i1[i] = hi;
    taps.w0[i] = 1 - (s - lo);
  }
  return taps;
}

/** Half-pixel-centre source coordinates of `out` output pixels over `n` input cells. */
export function bilinearSource(n: number, out: number): Float64Array {
  return Float64Array.from({ length: out }, (_, i) => ((i + 0.5) * n) / out - 0.5);
}

/**
 * Source coordinates when cell q of the map is centred at input pixel offset + q * stride +
 * (size - 1) / 2, for `out` mask pixels over an input of `inputSize` pixels.
 */
export function fieldSource(rfSize: number, rfStride: number, rfOffset: number, inputSize: number, out: number): Float64Array {
  const centre0 = rfOffset + (rfSize - 1) / 2;
  return Float64Array.from({ length: out }, (_, i) => {
    const pixel = ((i + 0.5) * inputSize) / out - 0.5;
    return (pixel - centre0) / rfStride;
  });
}

export interface UpsamplePlan {
  mode: UpsampleMode;
  rows: AxisTaps;
  cols: AxisTaps;
  size: [number, number];
  /** The map is already at mask size and bilinear would copy it. */
  identity: boolean;
}

/** The plan for one layer: grid [h, w] of the map, the mask size and the input size. */
export function upsamplePlan(mode: UpsampleMode, grid: [number, number], maskSize: [number, number], inputSize: [number, number], rf?: ReceptiveField): UpsamplePlan {
  const [h, w] = grid;
  const [H, W] = maskSize;
  if (mode === 'receptive-field') {
    if (rf === undefined || rf.global) throw new Error('receptive-field upsampling needs the layer\'s receptive field (a LayersModel conv layer); use bilinear');
    return {
      mode,
      rows: axisTaps(fieldSource(rf.size[0], rf.stride[0], rf.offset[0], inputSize[0], H), h),
      cols: axisTaps(fieldSource(rf.size[1], rf.stride[1], rf.offset[1], inputSize[1], W), w),
      size: maskSize,
      identity: false,
    };
  }
  return { mode, rows: axisTaps(bilinearSource(h, H), h), cols: axisTaps(bilinearSource(w, W), w), size: maskSize, identity: h === H && w === W };
}

/**
 * [b, h, w, c] -> [b, H, W, c] by the plan. Call inside tf.tidy. Bilinear goes through the
 * backend's fused resize kernel (the same values as the gathers, tested; several times faster).
 */
export function upsample(a: tf.Tensor4D, plan: UpsamplePlan): tf.Tensor4D {
  if (plan.identity) return a;
  if (plan.mode === 'bilinear') return tf.image.resizeBilinear(a, plan.size, false, true);
  return gatherUpsample(a, plan);
}

/** The same interpolation as separable two-tap gathers (any coordinate map). */
export function gatherUpsample(a: tf.Tensor4D, plan: UpsamplePlan): tf.Tensor4D {
  const { rows, cols } = plan;
  const [H, W] = plan.size;
  const wr = tf.tensor4d(rows.w0, [1, H, 1, 1]);
  const r = tf.add(
    tf.mul(tf.gather(a, tf.tensor1d(rows.i0, 'int32'), 1), wr),
    tf.mul(tf.gather(a, tf.tensor1d(rows.i1, 'int32'), 1), tf.sub(1, wr)),
  );
  const wc = tf.tensor4d(cols.w0, [1, 1, W, 1]);
  return tf.add(
    tf.mul(tf.gather(r, tf.tensor1d(cols.i0, 'int32'), 2), wc),
    tf.mul(tf.gather(r, tf.tensor1d(cols.i1, 'int32'), 2), tf.sub(1, wc)),
  ) as tf.Tensor4D;
}

/**
 * One channel of one image upsampled by the plan into `out` (H * W), in plain JS: the dissection's
 * second pass runs this only for the (image, unit) pairs whose maximum passes the unit's threshold,
 * since an interpolated value never exceeds the largest value it interpolates.
 * `map` is [h, w, channels] row-major; `tmp` a scratch buffer of H * w.
 */
export function upsampleChannel(map: ArrayLike<number>, offset: number, grid: [number, number], channels: number, channel: number, plan: UpsamplePlan, out: Float32Array, tmp: Float32Array): void {
  const [h, w] = grid;
  const [H, W] = plan.size;
  if (plan.identity) {
    for (let p = 0; p < h * w; p++) out[p] = map[offset + p * channels + channel];
    return;
  }
  const { rows, cols } = plan;
  for (let Y = 0; Y < H; Y++) {
    const r0 = offset + rows.i0[Y] * w * channels + channel;
    const r1 = offset + rows.i1[Y] * w * channels + channel;
    const a = rows.w0[Y];
    for (let x = 0; x < w; x++) tmp[Y * w + x] = a * map[r0 + x * channels] + (1 - a) * map[r1 + x * channels];
  }
  for (let Y = 0; Y < H; Y++) {
    const row = Y * w;
    for (let X = 0; X < W; X++) {
      const a = cols.w0[X];
      out[Y * W + X] = a * tmp[row + cols.i0[X]] + (1 - a) * tmp[row + cols.i1[X]];
    }
  }
}

/**
 * The dissection's second pass for one (image, unit): the channel upsampled as upsampleChannel
 * does, thresholded at `thr`, each pixel above it counted into `overlap[overlapOffset +
 * segments[p]]`; returns the pixels above. `map` is channel-major here: the channel's h * w values
 * start at `offset`. A mask row whose row-interpolated values are all <= thr, and an output pixel
 * whose two taps are, are skipped without interpolating: a convex combination rounded to float32
 * never exceeds its largest input, so the counts equal those of the full upsampled map. `tmp`
 * holds w values.
 */
export function countAbove(map: Float32Array, offset: number, grid: [number, number], plan: UpsamplePlan, thr: number, segments: ArrayLike<number>, overlap: Float64Array, overlapOffset: number, tmp: Float32Array): number {
  const [h, w] = grid;
  const [H, W] = plan.size;
  let count = 0;
  if (plan.identity) {
    for (let p = 0; p < h * w; p++) {
      if (map[offset + p] > thr) {
        count++;
        overlap[overlapOffset + segments[p]]++;
      }
    }
    return count;
  }
  const { rows, cols } = plan;
  for (let Y = 0; Y < H; Y++) {
    const r0 = offset + rows.i0[Y] * w;
    const r1 = offset + rows.i1[Y] * w;
    const a = rows.w0[Y];
    let rowMax = -Infinity;
    for (let x = 0; x < w; x++) {
      tmp[x] = a * map[r0 + x] + (1 - a) * map[r1 + x];
      if (tmp[x] > rowMax) rowMax = tmp[x];
    }
    if (!(rowMax > thr)) continue;
    const row = Y * W;
    for (let X = 0; X < W; X++) {
      const t0 = tmp[cols.i0[X]];
      const t1 = tmp[cols.i1[X]];
      if (t0 <= thr && t1 <= thr) continue;
      const c = cols.w0[X];
      if (Math.fround(c * t0 + (1 - c) * t1) > thr) {
        count++;
        overlap[overlapOffset + segments[row + X]]++;
      }
    }
  }
  return count;
}
