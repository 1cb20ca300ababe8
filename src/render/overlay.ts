/**
 * A heatmap blended over the greyscale input, so the reader sees where on the image the evidence
 * lies. The image is turned grey (BT.601 luma) so its own colours do not compete with the colormap.
 */
import { LUMA_601 } from '../model/preprocess';

export interface OverlayOptions {
  /** Opacity of the heatmap, 0..1 (default 0.6). */
  alpha?: number;
  /**
   * Optional per-pixel weights in [0, 1] (e.g. |normalized map|): opacity becomes alpha × weight, so
   * pixels with no attribution show the plain image.
   */
  weights?: ArrayLike<number>;
}

/** RGBA image + RGBA heatmap of the same size → RGBA blend (alpha channel 255). */
export function overlayRGBA(
  image: Uint8ClampedArray | Uint8Array,
  heatmap: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
  options: OverlayOptions = {},
): Uint8ClampedArray {
  const n = width * height;
  if (image.length !== n * 4 || heatmap.length !== n * 4) {
    throw new Error(`overlayRGBA: image and heatmap must be ${width}×${height} RGBA (${n * 4} bytes); got ${image.length} and ${heatmap.length}`);
  }
  const alpha = options.alpha ?? 0.6;
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`overlayRGBA: alpha must be in [0, 1]; got ${alpha}`);
  const { weights } = options;
  if (weights !== undefined && weights.length !== n) {
    throw new Error(`overlayRGBA: weights must have ${n} values; got ${weights.length}`);
  }
  const out = new Uint8ClampedArray(n * 4);
  for (let p = 0; p < n; p++) {
    const i = p * 4;
    const grey = LUMA_601[0] * image[i] + LUMA_601[1] * image[i + 1] + LUMA_601[2] * image[i + 2];
    const a = weights === undefined ? alpha : alpha * Math.min(1, Math.abs(weights[p]));
    for (let c = 0; c < 3; c++) out[i + c] = Math.round((1 - a) * grey + a * heatmap[i + c]);
    out[i + 3] = 255;
  }
  return out;
}
