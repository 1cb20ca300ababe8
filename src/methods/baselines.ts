/**
 * Reference inputs for path methods (Integrated Gradients) and the input value range that scales
 * SmoothGrad's noise, both in the model's input space (after preprocessing). Baselines follow
 * Sturmfels, Lundberg & Lee 2020, "Visualizing the Impact of Feature Attribution Baselines"
 * (https://distill.pub/2020/attribution-baselines/): black, blurred, uniform noise, or your own.
 */
import type { ModelInfo } from '../model/types';
import { mulberry32 } from './random';

/** Per channel, the model-input values of pixel 0 (black) and pixel 1 (white). */
export interface ChannelRange {
  black: number[];
  white: number[];
}

/** Where [0, 1] pixels land after preprocessing: (x · (hi - lo) + lo - mean) / std per channel. */
export function channelRange(info: ModelInfo): ChannelRange {
  const c = info.inputShape[2];
  const [lo, hi] = info.preprocessing.range;
  const mean = info.preprocessing.mean ?? new Array<number>(c).fill(0);
  const std = info.preprocessing.std ?? new Array<number>(c).fill(1);
  const at = (pixel: number) => Array.from({ length: c }, (_, ch) => (pixel * (hi - lo) + lo - mean[ch]) / std[ch]);
  return { black: at(0), white: at(1) };
}

export type BaselineName = 'black' | 'blurred' | 'uniform';
export const BASELINE_NAMES: readonly BaselineName[] = ['black', 'blurred', 'uniform'];

export interface BaselineOptions {
  /** A named baseline, or the baseline itself as row-major [h, w, c] model-input values. */
  baseline: BaselineName | number[];
  /** Gaussian blur sigma in pixels for 'blurred'; default 10 % of the image width. */
  blurSigma?: number;
  /** Seed for 'uniform'. */
  seed: number;
}

/** The blurred baseline's sigma when none is given: a tenth of the image width, in pixels. */
export function defaultBlurSigma(width: number): number {
  return 0.1 * width;
}

/** The baseline for one [h, w, c] input (row-major `x`), in model-input space. */
export function makeBaseline(info: ModelInfo, x: Float32Array, options: BaselineOptions): Float32Array {
  const [h, w, c] = info.inputShape;
  const { baseline } = options;
  if (Array.isArray(baseline)) {
    if (baseline.length !== h * w * c) {
      throw new Error(`baseline: a custom baseline for model '${info.id}' needs ${h}×${w}×${c} = ${h * w * c} values; got ${baseline.length}`);
    }
    return Float32Array.from(baseline);
  }
  const range = channelRange(info);
  const out = new Float32Array(h * w * c);
  switch (baseline) {
    case 'black':
      for (let i = 0; i < out.length; i++) out[i] = range.black[i % c];
      return out;
    case 'uniform': {
      // Uniform between black and white per channel (std may be negative, so no min/max order).
      const rand = mulberry32(options.seed);
      for (let i = 0; i < out.length; i++) {
        const ch = i % c;
        out[i] = range.black[ch] + rand() * (range.white[ch] - range.black[ch]);
      }
      return out;
    }
    case 'blurred':
      // Blur commutes with the per-channel affine preprocessing, so blurring model input is the same
      // as blurring the pixels first.
      return gaussianBlur(x, h, w, c, options.blurSigma ?? defaultBlurSigma(w));
    default:
      throw new Error(`baseline: unknown baseline '${String(baseline)}'; known: ${BASELINE_NAMES.join(', ')} or an array of ${h * w * c} numbers`);
  }
}

/** Normalized 1-D Gaussian taps out to 3 sigma. */
export function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  return k.map((v) => v / sum);
}

/**
 * Separable Gaussian blur of a row-major [h, w, c] image, edges replicated (scipy's 'nearest'), so a
 * flat image stays flat. Plain JS: tiny images, identical bytes on every backend.
 */
export function gaussianBlur(x: Float32Array, h: number, w: number, c: number, sigma: number): Float32Array {
  if (!(sigma > 0)) throw new Error(`blurSigma must be a positive number of pixels; got ${sigma}`);
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));
  const rows = new Float32Array(x.length);
  for (let y = 0; y < h; y++) {
    for (let xx = 0; xx < w; xx++) {
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let i = -r; i <= r; i++) s += k[i + r] * x[(y * w + clamp(xx + i, w)) * c + ch];
        rows[(y * w + xx) * c + ch] = s;
      }
    }
  }
  const out = new Float32Array(x.length);
  for (let y = 0; y < h; y++) {
    for (let xx = 0; xx < w; xx++) {
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let i = -r; i <= r; i++) s += k[i + r] * rows[(clamp(y + i, h) * w + xx) * c + ch];
        out[(y * w + xx) * c + ch] = s;
      }
    }
  }
  return out;
}
