/**
 * The linear classifier behind a CAV: scikit-learn's SGDClassifier as tensorflow/tcav configures it
 * (hinge loss, L2 penalty alpha 0.01, max_iter 1000, tol 1e-3, learning rate 'optimal'), ported
 * from sklearn's _plain_sgd: eta_t = 1 / (alpha (t0 + t)) with t0 from the same heuristic, the L2
 * step as a running weight scale, an epoch-wise stop after 5 epochs without the summed loss
 * improving by tol * n, a seeded shuffle each epoch. Logistic loss ('log') is the option.
 * Labels are +1 / -1. Plain arrays in, plain arrays out: no tfjs, runs anywhere.
 */
import { mulberry32 } from '../methods/random';

export type LinearLoss = 'hinge' | 'log';

export interface SgdOptions {
  loss: LinearLoss;
  alpha: number;
  maxIter: number;
  tol: number;
  seed: number;
}

export const SGD_DEFAULTS: SgdOptions = { loss: 'hinge', alpha: 0.01, maxIter: 1000, tol: 1e-3, seed: 0 };

export interface LinearModel {
  /** Weights (d) and intercept of the decision function w . x + b. */
  weights: Float32Array;
  bias: number;
  /** Epochs run. */
  epochs: number;
}

/** Rows of a matrix n x d, row-major. */
export interface Rows {
  n: number;
  d: number;
  data: Float32Array;
}

function lossOf(kind: LinearLoss, p: number, y: number): number {
  const z = p * y;
  if (kind === 'hinge') return Math.max(0, 1 - z);
  return z > 18 ? Math.exp(-z) : z < -18 ? -z : Math.log1p(Math.exp(-z));
}

/** d loss / d p (sklearn's dloss). */
function dlossOf(kind: LinearLoss, p: number, y: number): number {
  const z = p * y;
  if (kind === 'hinge') return z <= 1 ? -y : 0;
  if (z > 18) return -y * Math.exp(-z);
  if (z < -18) return -y;
  return -y / (Math.exp(z) + 1);
}

export function trainLinear(x: Rows, y: ArrayLike<number>, options: Partial<SgdOptions> = {}): LinearModel {
  const o = { ...SGD_DEFAULTS, ...options };
  const { n, d, data } = x;
  if (n < 2) throw new Error(`linear classifier: need at least 2 examples; got ${n}`);
  const w = new Float64Array(d);
  let wscale = 1;
  let b = 0;
  const typw = Math.sqrt(1 / Math.sqrt(o.alpha));
  const eta0 = typw / Math.max(1, dlossOf(o.loss, -typw, 1));
  const optimalInit = 1 / (eta0 * o.alpha);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const rng = mulberry32(o.seed);
  let t = 1;
  let best = Infinity;
  let noImprovement = 0;
  let epochs = 0;
  for (let epoch = 0; epoch < o.maxIter; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let sum = 0;
    for (const i of order) {
      const row = i * d;
      let dot = 0;
      for (let k = 0; k < d; k++) dot += w[k] * data[row + k];
      const p = dot * wscale + b;
      const eta = 1 / (o.alpha * (optimalInit + t - 1));
      sum += lossOf(o.loss, p, y[i]);
      const update = -eta * dlossOf(o.loss, p, y[i]);
      wscale *= Math.max(0, 1 - eta * o.alpha);
      if (wscale < 1e-9) {
        for (let k = 0; k < d; k++) w[k] *= wscale;
        wscale = 1;
      }
      if (update !== 0) {
        const step = update / wscale;
        for (let k = 0; k < d; k++) w[k] += step * data[row + k];
        b += update;
      }
      t++;
    }
    epochs = epoch + 1;
    if (sum > best - o.tol * n) noImprovement++;
    else noImprovement = 0;
    if (sum < best) best = sum;
    if (noImprovement >= 5) break;
  }
  return { weights: Float32Array.from(w, (v) => v * wscale), bias: b, epochs };
}

/** Fraction of rows whose sign of w . x + b matches y. */
export function accuracy(model: LinearModel, x: Rows, y: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < x.n; i++) {
    let p = model.bias;
    for (let k = 0; k < x.d; k++) p += model.weights[k] * x.data[i * x.d + k];
    if ((p > 0 ? 1 : -1) === y[i]) right++;
  }
  return x.n > 0 ? right / x.n : NaN;
}
