/**
 * Exact t-SNE (van der Maaten-Hinton 2008) with the optimiser of the reference tsne.py and
 * scikit-learn: perplexity-calibrated Gaussian affinities (binary search on the precision),
 * symmetrised; Student-t similarities in 2-D; gradient descent with momentum 0.5 then 0.8, early
 * exaggeration 12 for the first 250 iterations, delta-bar-delta gains, scikit-learn's 'auto'
 * learning rate max(n / 12 / 4, 50) (Belkina et al. 2019); start from N(0, 1e-4^2) drawn from the seed. O(n^2) per iteration: meant for the few-thousand-point samples here.
 */
import { mulberry32, normal } from '../methods/random';

export interface TsneOptions {
  perplexity: number;
  iterations: number;
  /** 0 = 'auto'. */
  learningRate: number;
  seed: number;
}

export const TSNE_DEFAULTS: TsneOptions = { perplexity: 30, iterations: 1000, learningRate: 0, seed: 0 };

/** Squared Euclidean distances, [n * n]. */
function squaredDistances(data: ArrayLike<number>, n: number, dim: number): Float64Array {
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const t = data[i * dim + k] - data[j * dim + k];
        s += t * t;
      }
      d[i * n + j] = s;
      d[j * n + i] = s;
    }
  }
  return d;
}

/** Joint probabilities P (symmetric, sum 1) for the given perplexity. */
export function affinities(data: ArrayLike<number>, n: number, dim: number, perplexity: number): Float64Array {
  const d = squaredDistances(data, n, dim);
  const p = new Float64Array(n * n);
  const target = Math.log(perplexity);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let beta = 1;
    let lo = -Infinity;
    let hi = Infinity;
    for (let step = 0; step < 100; step++) {
      let sum = 0;
      let weighted = 0;
      for (let j = 0; j < n; j++) {
        row[j] = j === i ? 0 : Math.exp(-d[i * n + j] * beta);
        sum += row[j];
        weighted += d[i * n + j] * row[j];
      }
      const entropy = sum === 0 ? 0 : Math.log(sum) + (beta * weighted) / sum;
      if (Math.abs(entropy - target) < 1e-5) break;
      if (entropy > target) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
    const sum = row.reduce((a, b) => a + b, 0) || 1;
    for (let j = 0; j < n; j++) p[i * n + j] = row[j] / sum;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = Math.max((p[i * n + j] + p[j * n + i]) / (2 * n), 1e-12);
      p[i * n + j] = v;
      p[j * n + i] = v;
    }
  }
  return p;
}

/** 2-D embedding of `data` ([n, dim] row-major): flat [n * 2]. */
export function tsne(data: ArrayLike<number>, dim: number, options: Partial<TsneOptions> = {}): Float64Array {
  const o = { ...TSNE_DEFAULTS, ...options };
  const n = Math.floor(data.length / dim);
  if (n < 4) throw new Error(`t-SNE needs at least 4 points; got ${n}`);
  const perplexity = Math.min(o.perplexity, (n - 1) / 3);
  const p = affinities(data, n, dim, perplexity);
  const rate = o.learningRate > 0 ? o.learningRate : Math.max(n / 12 / 4, 50);
  const rng = mulberry32(o.seed);
  const y = Float64Array.from({ length: n * 2 }, () => 1e-4 * normal(rng));
  const update = new Float64Array(n * 2);
  const gains = new Float64Array(n * 2).fill(1);
  const num = new Float64Array(n * n);
  const grad = new Float64Array(n * 2);
  for (let it = 0; it < o.iterations; it++) {
    const exaggeration = it < 250 ? 12 : 1;
    const momentum = it < 250 ? 0.5 : 0.8;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dx = y[2 * i] - y[2 * j];
        const dy = y[2 * i + 1] - y[2 * j + 1];
        const q = 1 / (1 + dx * dx + dy * dy);
        num[i * n + j] = q;
        num[j * n + i] = q;
        sum += 2 * q;
      }
    }
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      let gx = 0;
      let gy = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const q = num[i * n + j];
        const mult = (exaggeration * p[i * n + j] - q / sum) * q;
        gx += mult * (y[2 * i] - y[2 * j]);
        gy += mult * (y[2 * i + 1] - y[2 * j + 1]);
      }
      grad[2 * i] = 4 * gx;
      grad[2 * i + 1] = 4 * gy;
    }
    const mean = [0, 0];
    for (let k = 0; k < n * 2; k++) {
      gains[k] = Math.sign(grad[k]) !== Math.sign(update[k]) ? gains[k] + 0.2 : Math.max(0.01, gains[k] * 0.8);
      update[k] = momentum * update[k] - rate * gains[k] * grad[k];
      y[k] += update[k];
      mean[k % 2] += y[k] / n;
    }
    for (let k = 0; k < n * 2; k++) y[k] -= mean[k % 2];
  }
  return y;
}
