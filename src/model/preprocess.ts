/**
 * Pixels in, model input out (and back, to show what the model sees). The browser canvas and the
 * CLI (sharp) both decode to 8-bit pixels and then go through these same functions — crop, resample,
 * channel conversion, range, mean/std — so a figure and `glimpse attribute` feed the model
 * bit-identical input for the same image.
 */
import type { ModelInfo, Preprocessing } from './types';

export type PixelChannels = 1 | 3 | 4;

/** ITU-R BT.601 luma weights (what PIL's convert('L') and torchvision's Grayscale use). */
export const LUMA_601 = [0.299, 0.587, 0.114] as const;

/**
 * Model input (row-major h×w×c Float32Array) from 8-bit pixels already at the model's size.
 * Colour → grey by BT.601 luma for 1-channel models, grey → RGB by replication, alpha dropped; then
 * [0, 255] → the model's range, then (x - mean) / std per channel.
 */
export function pixelsToInput(
  pixels: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  pixelChannels: PixelChannels,
  info: ModelInfo,
): Float32Array {
  const [h, w, c] = info.inputShape;
  if (width !== w || height !== h) {
    throw new Error(`model '${info.id}' takes ${w}×${h} images; got ${width}×${height} (resize with fitSize first)`);
  }
  if (pixels.length !== width * height * pixelChannels) {
    throw new Error(`expected ${width}×${height}×${pixelChannels} = ${width * height * pixelChannels} bytes; got ${pixels.length}`);
  }
  if (c !== 1 && c !== 3) {
    throw new Error(`model '${info.id}' has ${c} input channels; images can feed 1 (grey) or 3 (RGB)`);
  }
  const { scale, offset, mean, std } = affine(info.preprocessing, c, info.id);
  const out = new Float32Array(w * h * c);
  for (let p = 0; p < w * h; p++) {
    const src = p * pixelChannels;
    for (let ch = 0; ch < c; ch++) {
      let v: number;
      if (c === 1) {
        v = pixelChannels === 1
          ? pixels[src]
          : LUMA_601[0] * pixels[src] + LUMA_601[1] * pixels[src + 1] + LUMA_601[2] * pixels[src + 2];
      } else {
        v = pixelChannels === 1 ? pixels[src] : pixels[src + ch];
      }
      out[p * c + ch] = ((v / 255) * scale + offset - mean[ch]) / std[ch];
    }
  }
  return out;
}

/**
 * The inverse of pixelsToInput's value mapping: model input → RGBA bytes (grey replicated), for
 * showing the model's own view of an image. Values outside the range are clipped.
 */
export function inputToPixels(input: Float32Array, info: ModelInfo): Uint8ClampedArray {
  const [h, w, c] = info.inputShape;
  if (input.length !== w * h * c) {
    throw new Error(`model '${info.id}' input has ${w * h * c} values (${h}×${w}×${c}); got ${input.length}`);
  }
  const { scale, offset, mean, std } = affine(info.preprocessing, c, info.id);
  const out = new Uint8ClampedArray(w * h * 4);
  for (let p = 0; p < w * h; p++) {
    for (let k = 0; k < 3; k++) {
      const ch = c === 1 ? 0 : k;
      const x = (input[p * c + ch] * std[ch] + mean[ch] - offset) / scale;
      out[p * 4 + k] = Math.round(x * 255); // Uint8ClampedArray clips to 0..255
    }
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** x in [0,1] → range [lo, hi] is x·scale + offset; mean/std default to 0/1 for each channel. */
function affine(pre: Preprocessing, channels: number, model: string) {
  const [lo, hi] = pre.range;
  const mean = pre.mean ?? new Array<number>(channels).fill(0);
  const std = pre.std ?? new Array<number>(channels).fill(1);
  if (mean.length !== channels || std.length !== channels) {
    throw new Error(`model '${model}': preprocessing mean/std need ${channels} values each; got ${mean.length} and ${std.length}`);
  }
  if (std.some((s) => s === 0)) throw new Error(`model '${model}': preprocessing std must not be 0`);
  return { scale: hi - lo, offset: lo, mean, std };
}

/** A centre crop of the source with the destination's aspect ratio, then scaled to dst. */
export interface FitCrop {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The largest centred region of a srcW×srcH image with the aspect ratio of dstW×dstH (canvas
 * drawImage's sx, sy, sw, sh; sharp's extract). Resampling it to dstW×dstH never distorts.
 */
export function fitSize(srcW: number, srcH: number, dstW: number, dstH: number): FitCrop {
  for (const [name, v] of [['srcW', srcW], ['srcH', srcH], ['dstW', dstW], ['dstH', dstH]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`fitSize: ${name} must be a positive integer; got ${v}`);
  }
  // Compare srcW/srcH with dstW/dstH in integers to avoid rounding surprises on exact ratios.
  if (srcW * dstH > srcH * dstW) {
    const width = Math.max(1, Math.round((srcH * dstW) / dstH));
    return { left: Math.floor((srcW - width) / 2), top: 0, width, height: srcH };
  }
  const height = Math.max(1, Math.round((srcW * dstH) / dstW));
  return { left: 0, top: Math.floor((srcH - height) / 2), width: srcW, height };
}

/**
 * Resamples `crop` of an 8-bit image to dstW×dstH by area averaging (each output pixel is the
 * overlap-weighted mean of the source pixels it covers; OpenCV's INTER_AREA). Plain JS so the
 * browser and Node produce the same bytes, which canvas and sharp kernels would not.
 */
export function resizeArea(
  pixels: Uint8Array | Uint8ClampedArray,
  srcW: number,
  srcH: number,
  channels: number,
  crop: FitCrop,
  dstW: number,
  dstH: number,
): Uint8ClampedArray {
  if (pixels.length !== srcW * srcH * channels) {
    throw new Error(`resizeArea: expected ${srcW * srcH * channels} bytes; got ${pixels.length}`);
  }
  const out = new Uint8ClampedArray(dstW * dstH * channels);
  const sx = crop.width / dstW;
  const sy = crop.height / dstH;
  const acc = new Float64Array(channels);
  // Clamp loops to the crop: x0 + sx can overshoot its edge by a rounding error.
  const xEnd = crop.left + crop.width;
  const yEnd = crop.top + crop.height;
  for (let y = 0; y < dstH; y++) {
    const y0 = crop.top + y * sy;
    const y1 = y0 + sy;
    for (let x = 0; x < dstW; x++) {
      const x0 = crop.left + x * sx;
      const x1 = x0 + sx;
      acc.fill(0);
      let total = 0;
      for (let yy = Math.floor(y0); yy < Math.min(yEnd, Math.ceil(y1)); yy++) {
        const wy = Math.min(y1, yy + 1) - Math.max(y0, yy);
        for (let xx = Math.floor(x0); xx < Math.min(xEnd, Math.ceil(x1)); xx++) {
          const wgt = wy * (Math.min(x1, xx + 1) - Math.max(x0, xx));
          const i = (yy * srcW + xx) * channels;
          for (let ch = 0; ch < channels; ch++) acc[ch] += wgt * pixels[i + ch];
          total += wgt;
        }
      }
      const o = (y * dstW + x) * channels;
      for (let ch = 0; ch < channels; ch++) out[o + ch] = Math.round(acc[ch] / total);
    }
  }
  return out;
}

/** fitSize + resizeArea: any image → the model's size, centre-cropped. */
export function fitPixels(
  pixels: Uint8Array | Uint8ClampedArray,
  srcW: number,
  srcH: number,
  channels: number,
  dstW: number,
  dstH: number,
): Uint8ClampedArray {
  return resizeArea(pixels, srcW, srcH, channels, fitSize(srcW, srcH, dstW, dstH), dstW, dstH);
}
