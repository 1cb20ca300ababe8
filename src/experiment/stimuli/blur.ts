/**
 * Gaussian blur of byte images for the blur condition: separable, kernel radius ceil(3 sigma),
 * borders reflected without repeating the edge pixel (cv2's default BORDER_REFLECT_101, which the
 * authors' cv2.GaussianBlur used), each channel on its own, rounded back to bytes.
 */
import type { Geometry } from './occlusion';

export function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  return k.map((v) => v / sum);
}

/** Index i reflected into [0, n) without repeating the edge (n >= 2): -1 -> 1, n -> n - 2. */
export function reflect101(i: number, n: number): number {
  if (n === 1) return 0;
  let j = i;
  while (j < 0 || j >= n) j = j < 0 ? -j : 2 * (n - 1) - j;
  return j;
}

export function gaussianBlur(image: Uint8Array, g: Geometry, sigma: number): Uint8Array {
  const { height: h, width: w, channels: c } = g;
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const tmp = new Float64Array(image.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let t = -r; t <= r; t++) s += k[t + r] * image[(y * w + reflect101(x + t, w)) * c + ch];
        tmp[(y * w + x) * c + ch] = s;
      }
    }
  }
  const out = new Uint8Array(image.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let t = -r; t <= r; t++) s += k[t + r] * tmp[(reflect101(y + t, h) * w + x) * c + ch];
        out[(y * w + x) * c + ch] = Math.max(0, Math.min(255, Math.round(s)));
      }
    }
  }
  return out;
}
