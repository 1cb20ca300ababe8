/**
 * Background renderers: plain, linear gradient, value noise and a soft low-contrast texture.
 * Backgrounds are smooth or low-contrast on purpose, so the crisp, saturated objects stay the most
 * salient thing in the picture and the background never reads as an object.
 */
import { hash3 } from './random';
import type { BackgroundSpec } from './types';

/** Writes the background of a size x size RGB image into `out` (row-major, 3 bytes a pixel) as
 *  floats; the rasterizer composites objects over it before rounding. */
export function renderBackground(bg: BackgroundSpec, size: number, out: Float32Array): void {
  const { a, b } = bg;
  const weight = backgroundWeights(bg, size);
  for (let p = 0; p < size * size; p++) {
    const t = weight[p];
    out[3 * p] = a[0] + (b[0] - a[0]) * t;
    out[3 * p + 1] = a[1] + (b[1] - a[1]) * t;
    out[3 * p + 2] = a[2] + (b[2] - a[2]) * t;
  }
}

/** Per-pixel blend weight of colour b over colour a, in [0, 1]. */
function backgroundWeights(bg: BackgroundSpec, size: number): Float32Array {
  const w = new Float32Array(size * size);
  if (bg.kind === 'plain') return w;
  const c = Math.cos(bg.angle);
  const s = Math.sin(bg.angle);
  const half = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x + 0.5 - half;
      const dy = y + 0.5 - half;
      let t: number;
      if (bg.kind === 'gradient') {
        t = (dx * c + dy * s) / size + 0.5;
      } else if (bg.kind === 'noise') {
        t = valueNoise(bg.seed, (x + 0.5) / bg.scale, (y + 0.5) / bg.scale) * 0.7 +
          valueNoise(bg.seed ^ 0x5bd1e995, (x + 0.5) / (bg.scale / 2), (y + 0.5) / (bg.scale / 2)) * 0.3;
      } else {
        const u = (dx * c + dy * s) * ((2 * Math.PI) / bg.scale);
        const v = (-dx * s + dy * c) * ((2 * Math.PI) / bg.scale);
        const wave = bg.pattern === 'stripes' ? Math.sin(u) : Math.sin(u) * Math.sin(v) * 2;
        t = 0.5 + 0.5 * wave;
      }
      w[y * size + x] = t < 0 ? 0 : t > 1 ? 1 : t;
    }
  }
  return w;
}

/** Smooth value noise in [0, 1]: random lattice values, smoothstep-interpolated. */
function valueNoise(seed: number, x: number, y: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const fx = x - ix;
  const fy = y - iy;
  const sx = fx * fx * (3 - 2 * fx);
  const sy = fy * fy * (3 - 2 * fy);
  const v00 = lattice(seed, ix, iy);
  const v10 = lattice(seed, ix + 1, iy);
  const v01 = lattice(seed, ix, iy + 1);
  const v11 = lattice(seed, ix + 1, iy + 1);
  const top = v00 + (v10 - v00) * sx;
  const bottom = v01 + (v11 - v01) * sx;
  return top + (bottom - top) * sy;
}

function lattice(seed: number, ix: number, iy: number): number {
  return hash3(seed, ix, iy) / 4294967296;
}
