/**
 * Strategies that pick one of a trial's two queries from what the condition shows: each scores a
 * query on its own (it never learns which one is correct), the higher score is chosen. The
 * baselines of Zimmermann et al. 2021 are three of them (Center, Variance, Saliency); observers add
 * reference matching in pixel space and in a network's feature space, chance, and an oracle that
 * sees the activations (a sanity check: it must score 100 %). Pure functions of arrays; no tfjs.
 */
import type { Condition } from '../study';

/** Pixels in [0, 1], row-major [height, width, channels]. */
export interface Pixels { data: Float32Array; width: number; height: number; channels: number }

/** One query as a participant sees it: the occluded image and where the occluder sits. */
export interface QueryView {
  image: Pixels;
  /** Occluder top-left corner and side, in the image's pixels. */
  x: number;
  y: number;
  size: number;
  /** The unit's activation on it: only the oracle may read this. */
  activation: number;
}

/** What a trial shows in one condition, plus precomputed per-image features where a strategy needs them. */
export interface TrialView {
  trialId: string;
  condition: Condition;
  /** The unoccluded query base image. */
  base: Pixels;
  /** The two queries in arbitrary order. */
  queries: [QueryView, QueryView];
  /** Reference images of this condition (empty in None). */
  references: Pixels[];
  /** A saliency map of the base image ([height, width], any scale), for the Saliency strategy. */
  saliency?: Float32Array;
  /** Feature vectors (another network's) of the two queries and of the references, for feature matching. */
  features?: { queries: [Float32Array, Float32Array]; references: Float32Array[] };
}

export interface Strategy {
  id: string;
  label: string;
  /** A score per query (higher = chosen), or null when the condition shows nothing to decide on. */
  score(view: TrialView, query: 0 | 1): number | null;
}

/** Sum, mean and SD of the base image's pixels under an occluder square, over all channels. */
export function patchStats(img: Pixels, x: number, y: number, size: number): { mean: number; sd: number; sum: number } {
  let s = 0;
  let s2 = 0;
  let n = 0;
  for (let r = y; r < Math.min(img.height, y + size); r++) {
    for (let c = x; c < Math.min(img.width, x + size); c++) {
      for (let k = 0; k < img.channels; k++) {
        const v = img.data[(r * img.width + c) * img.channels + k];
        s += v; s2 += v * v; n++;
      }
    }
  }
  const mean = n ? s / n : 0;
  return { mean, sd: n ? Math.sqrt(Math.max(0, s2 / n - mean * mean)) : 0, sum: s };
}

function sumMap(map: Float32Array, width: number, height: number, x: number, y: number, size: number): number {
  let s = 0;
  for (let r = y; r < Math.min(height, y + size); r++) for (let c = x; c < Math.min(width, x + size); c++) s += map[r * width + c];
  return s;
}

/** Mean squared difference of two images after area-averaging both to 8 x 8 per channel. */
export function pixelDistance(a: Pixels, b: Pixels, cells = 8): number {
  const pool = (p: Pixels) => {
    const out = new Float64Array(cells * cells * 3);
    const cnt = new Float64Array(cells * cells);
    for (let r = 0; r < p.height; r++) {
      for (let c = 0; c < p.width; c++) {
        const cell = Math.floor((r * cells) / p.height) * cells + Math.floor((c * cells) / p.width);
        cnt[cell]++;
        for (let k = 0; k < 3; k++) out[cell * 3 + k] += p.data[(r * p.width + c) * p.channels + Math.min(k, p.channels - 1)];
      }
    }
    for (let i = 0; i < out.length; i++) out[i] /= cnt[Math.floor(i / 3)] || 1;
    return out;
  };
  const pa = pool(a);
  const pb = pool(b);
  let d = 0;
  for (let i = 0; i < pa.length; i++) d += (pa[i] - pb[i]) ** 2;
  return d / pa.length;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return aa && bb ? ab / Math.sqrt(aa * bb) : 0;
}

export const STRATEGIES: Record<string, Strategy> = {
  chance: { id: 'chance', label: 'chance', score: () => null },
  oracle: { id: 'oracle', label: 'oracle (sees the activations)', score: (v, q) => v.queries[q].activation },
  center: {
    id: 'center',
    label: 'Center',
    // The occluder farther from the centre hides less of what matters; distance in both coordinates.
    score: (v, q) => {
      const { x, y, size } = v.queries[q];
      return Math.hypot(x + size / 2 - v.base.width / 2, y + size / 2 - v.base.height / 2);
    },
  },
  variance: {
    id: 'variance',
    label: 'Variance',
    // The occluded patch with less pixel variation hides less structure.
    score: (v, q) => -patchStats(v.base, v.queries[q].x, v.queries[q].y, v.queries[q].size).sd,
  },
  saliency: {
    id: 'saliency',
    label: 'Saliency',
    score: (v, q) => {
      if (!v.saliency) throw new Error(`saliency strategy: trial '${v.trialId}' has no saliency map`);
      const { x, y, size } = v.queries[q];
      return -sumMap(v.saliency, v.base.width, v.base.height, x, y, size);
    },
  },
  'pixel-match': {
    id: 'pixel-match',
    label: 'pixel match to references',
    // The query that still looks like the references (8 x 8 colour layout) keeps what the unit likes.
    score: (v, q) => (v.references.length === 0 ? null : -Math.min(...v.references.map((r) => pixelDistance(v.queries[q].image, r)))),
  },
  'feature-match': {
    id: 'feature-match',
    label: 'feature match to references',
    score: (v, q) => {
      if (v.references.length === 0) return null;
      if (!v.features) throw new Error(`feature-match strategy: trial '${v.trialId}' has no features`);
      const f = v.features;
      return f.references.reduce((a, r) => a + cosine(f.queries[q], r), 0) / f.references.length;
    },
  },
};

export const BASELINES = ['center', 'variance', 'saliency'] as const;

export function getStrategy(id: string): Strategy {
  const s = STRATEGIES[id];
  if (!s) throw new Error(`unknown strategy '${id}'; known: ${Object.keys(STRATEGIES).join(', ')}`);
  return s;
}

/** A stable number in [0, 1) from a string (FNV-1a), for tie-breaking without a generator. */
export function hashUnit(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h / 4294967296;
}
