/**
 * Yosinski et al. 2015 ("Understanding Neural Networks Through Deep Visualization") regularizers as
 * per-step operators on the image rather than terms of the objective: L2 decay, Gaussian blur every
 * k steps, and zeroing (here: resetting to mid-grey, the [0, 1] space's zero of a mean-centred image)
 * pixels of small norm or small contribution |x . grad|. Plain JavaScript over the pixel array; the
 * optimizer reads the image, applies them and writes it back through the parameterization.
 * Blur widths are in pixels, unscaled from the paper's 227 px images (at 28-64 px a 0.5 px blur is
 * already a visible fraction of a stroke).
 */
import { z } from 'zod';

export const operatorSchema = z.discriminatedUnion('kind', [
  /** x <- (1 - amount) x about mid-grey. */
  z.object({ kind: z.literal('decay'), amount: z.number().min(0).max(1) }).strict(),
  /** Gaussian blur of standard deviation `sigma` px every `every` steps. */
  z.object({ kind: z.literal('blur'), sigma: z.number().min(0).max(8), every: z.number().int().min(1) }).strict(),
  /** Pixels whose norm across channels is below this percentile of all pixels' norms go to grey. */
  z.object({ kind: z.literal('clip-norm'), percentile: z.number().min(0).max(100) }).strict(),
  /** Pixels whose contribution sum_c |x grad| is below this percentile go to grey. */
  z.object({ kind: z.literal('clip-contribution'), percentile: z.number().min(0).max(100) }).strict(),
]);

export type OperatorSpec = z.infer<typeof operatorSchema>;

/** The paper's four hyper-parameter combinations (its Table 1), as presets. */
export const YOSINSKI_PRESETS: Record<string, OperatorSpec[]> = {
  'yosinski-1': [{ kind: 'blur', sigma: 0.5, every: 4 }, { kind: 'clip-norm', percentile: 50 }],
  'yosinski-2': [{ kind: 'decay', amount: 0.3 }, { kind: 'clip-norm', percentile: 20 }],
  'yosinski-3': [{ kind: 'decay', amount: 0.0001 }, { kind: 'blur', sigma: 1.0, every: 4 }],
  'yosinski-4': [{ kind: 'blur', sigma: 0.5, every: 4 }, { kind: 'clip-contribution', percentile: 90 }],
};

/** 1-D Gaussian kernel of standard deviation sigma, radius ceil(3 sigma), normalized. */
export function gaussianKernel(sigma: number): number[] {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const total = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / total);
}

/** Separable Gaussian blur of [b, h, w, c] pixels in place; edges clamp. */
export function blur(pixels: Float32Array, [b, h, w, c]: number[], sigma: number): void {
  if (sigma <= 0) return;
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const tmp = new Float32Array(pixels.length);
  const at = (n: number, y: number, x: number, ch: number): number => ((n * h + y) * w + x) * c + ch;
  for (let n = 0; n < b; n++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let i = -r; i <= r; i++) s += k[i + r] * pixels[at(n, y, Math.min(w - 1, Math.max(0, x + i)), ch)];
    tmp[at(n, y, x, ch)] = s;
  }
  for (let n = 0; n < b; n++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let i = -r; i <= r; i++) s += k[i + r] * tmp[at(n, Math.min(h - 1, Math.max(0, y + i)), x, ch)];
    pixels[at(n, y, x, ch)] = s;
  }
}

/** The value below which `percentile` % of `values` lie (nearest rank). */
export function percentileOf(values: ArrayLike<number>, percentile: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((percentile / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Per image, sets to 0.5 the pixels whose score (one per pixel) is below the percentile. */
function greyBelow(pixels: Float32Array, [b, h, w, c]: number[], score: (n: number, p: number) => number, percentile: number): void {
  if (percentile <= 0) return;
  for (let n = 0; n < b; n++) {
    const scores = Array.from({ length: h * w }, (_, p) => score(n, p));
    const cut = percentileOf(scores, percentile);
    scores.forEach((s, p) => {
      if (s < cut) for (let ch = 0; ch < c; ch++) pixels[(n * h * w + p) * c + ch] = 0.5;
    });
  }
}

/**
 * Applies the operators due at `step` (1-based) in order, in place. `grad`: d objective / d pixels,
 * same layout, needed only by clip-contribution.
 */
export function applyOperators(ops: OperatorSpec[], pixels: Float32Array, shape: number[], step: number, grad?: Float32Array): void {
  const c = shape[3];
  const hw = shape[1] * shape[2];
  for (const op of ops) {
    if (op.kind === 'decay') {
      for (let i = 0; i < pixels.length; i++) pixels[i] = 0.5 + (1 - op.amount) * (pixels[i] - 0.5);
    } else if (op.kind === 'blur') {
      if (step % op.every === 0) blur(pixels, shape, op.sigma);
    } else if (op.kind === 'clip-norm') {
      greyBelow(pixels, shape, (n, p) => {
        let s = 0;
        for (let ch = 0; ch < c; ch++) s += (pixels[(n * hw + p) * c + ch] - 0.5) ** 2;
        return Math.sqrt(s);
      }, op.percentile);
    } else if (op.kind === 'clip-contribution') {
      if (grad === undefined) continue;
      greyBelow(pixels, shape, (n, p) => {
        let s = 0;
        for (let ch = 0; ch < c; ch++) s += Math.abs((pixels[(n * hw + p) * c + ch] - 0.5) * grad[(n * hw + p) * c + ch]);
        return s;
      }, op.percentile);
    }
  }
}
