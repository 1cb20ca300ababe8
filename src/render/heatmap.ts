/**
 * Raw attribution → 2-D map → colours. Reduction follows the method's DisplaySpec (Simonyan's max
 * |g| over channels, or a signed channel sum). Normalization follows PAIR saliency's
 * VisualizeImageGrayscale/-Diverging: scale by the 99th percentile so a few extreme pixels do not
 * wash out the rest, then clip.
 */
import type { Attribution, DisplaySpec } from '../methods/types';
import { colormapLUT, defaultColormap, type ColormapName } from './colormap';

type RawMap = Pick<Attribution, 'values' | 'width' | 'height' | 'channels'>;

/** H×W Float32Array: max over channels of |v| ('max-abs') or the signed sum ('sum'). */
export function reduceChannels(attribution: RawMap, display: DisplaySpec): Float32Array {
  const { values, width, height, channels } = attribution;
  if (values.length !== width * height * channels) {
    throw new Error(`attribution has ${values.length} values; ${height}×${width}×${channels} needs ${width * height * channels}`);
  }
  const out = new Float32Array(width * height);
  for (let p = 0; p < out.length; p++) {
    let acc = 0;
    for (let c = 0; c < channels; c++) {
      const v = values[p * channels + c];
      acc = display.reduce === 'max-abs' ? Math.max(acc, Math.abs(v)) : acc + v;
    }
    out[p] = acc;
  }
  return out;
}

/** The q-th percentile (0..100) with linear interpolation between order statistics (numpy's default). */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * The divisor normalizeMap uses: the 99th percentile of v (unsigned) or of |v| (signed), falling
 * back to the maximum when that percentile is 0 (sparse maps), and to 1 for an all-zero map.
 */
export function mapScale(map: ArrayLike<number>, signed: boolean, q = 99): number {
  const mags = signed ? Float64Array.from(map, Math.abs) : Float64Array.from(map, (v) => Math.max(0, v));
  let scale = percentile(mags, q);
  if (scale <= 0) scale = mags.reduce((m, v) => Math.max(m, v), 0);
  return scale > 0 ? scale : 1;
}

/** Unsigned: v / scale clipped to [0, 1]. Signed: v / scale clipped to [-1, 1], 0 stays 0. */
export function normalizeMap(map: ArrayLike<number>, signed: boolean, q = 99): Float32Array {
  const scale = mapScale(map, signed, q);
  const lo = signed ? -1 : 0;
  return Float32Array.from(map, (v) => Math.min(1, Math.max(lo, v / scale)));
}

/**
 * RGBA bytes for a normalized map ([0, 1], or [-1, 1] when signed: -1 → LUT 0, 0 → middle, 1 → 255).
 */
export function heatmapToRGBA(
  map: ArrayLike<number>,
  width: number,
  height: number,
  display: DisplaySpec,
  colormap: ColormapName = defaultColormap(display),
): Uint8ClampedArray {
  if (map.length !== width * height) throw new Error(`heatmap has ${map.length} values; ${width}×${height} needs ${width * height}`);
  const lut = colormapLUT(colormap);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < map.length; p++) {
    const t = display.signed ? (map[p] + 1) / 2 : map[p];
    const i = Math.round(Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * 255);
    out[p * 4] = lut[i * 3];
    out[p * 4 + 1] = lut[i * 3 + 1];
    out[p * 4 + 2] = lut[i * 3 + 2];
    out[p * 4 + 3] = 255;
  }
  return out;
}

export interface RenderedMap {
  rgba: Uint8ClampedArray;
  /** The normalized H×W map (for overlays and hover read-outs). */
  normalized: Float32Array;
  /** Raw value that maps to the end of the colour bar (legendStops' `scale`). */
  scale: number;
  width: number;
  height: number;
}

/** reduceChannels → normalizeMap → heatmapToRGBA in one call, for figures and the CLI. */
export function attributionToRGBA(attribution: RawMap, display: DisplaySpec, colormap?: ColormapName): RenderedMap {
  const reduced = reduceChannels(attribution, display);
  const scale = mapScale(reduced, display.signed);
  const normalized = normalizeMap(reduced, display.signed);
  const { width, height } = attribution;
  return { rgba: heatmapToRGBA(normalized, width, height, display, colormap), normalized, scale, width, height };
}
