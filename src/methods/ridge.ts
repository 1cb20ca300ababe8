/**
 * Weighted ridge regression with an intercept, as scikit-learn's Ridge(alpha).fit(X, y,
 * sample_weight) that LIME and KernelSHAP fit: minimise sum_i w_i (y_i - b - x_i . beta)^2 +
 * alpha |beta|^2. X and y are centred by their weighted means (so the intercept is not shrunk),
 * then the normal equations are solved by Gaussian elimination with partial pivoting. Sizes here are
 * at most a few hundred features, so the O(d^3) solve is instant.
 */

export interface RidgeFit {
  coefficients: Float64Array;
  intercept: number;
}

/** `x` is row-major [n, d]; `y` and `weights` have length n. */
export function weightedRidge(x: ArrayLike<number>, y: ArrayLike<number>, weights: ArrayLike<number>, d: number, alpha: number): RidgeFit {
  const n = y.length;
  if (x.length !== n * d || weights.length !== n) {
    throw new Error(`weightedRidge: x must be [${n}, ${d}] and weights length ${n}; got ${x.length} values and ${weights.length} weights`);
  }
  let wSum = 0;
  const xMean = new Float64Array(d);
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    wSum += weights[i];
    yMean += weights[i] * y[i];
    for (let j = 0; j < d; j++) xMean[j] += weights[i] * x[i * d + j];
  }
  if (!(wSum > 0)) throw new Error('weightedRidge: the sample weights sum to 0');
  yMean /= wSum;
  for (let j = 0; j < d; j++) xMean[j] /= wSum;

  // Augmented normal equations [A | b] with A = Xc^T W Xc + alpha I, b = Xc^T W yc.
  const a = new Float64Array(d * (d + 1));
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const wi = weights[i];
    if (wi === 0) continue;
    for (let j = 0; j < d; j++) row[j] = x[i * d + j] - xMean[j];
    const yc = y[i] - yMean;
    for (let j = 0; j < d; j++) {
      const wr = wi * row[j];
      if (wr === 0) continue;
      const base = j * (d + 1);
      for (let k = 0; k < d; k++) a[base + k] += wr * row[k];
      a[base + d] += wr * yc;
    }
  }
  for (let j = 0; j < d; j++) a[j * (d + 1) + j] += alpha;
  const coefficients = solve(a, d);
  let intercept = yMean;
  for (let j = 0; j < d; j++) intercept -= xMean[j] * coefficients[j];
  return { coefficients, intercept };
}

/** Solves the d x d system stored as [A | b] rows in place; singular directions get 0 (KernelSHAP reuses it). */
export function solve(a: Float64Array, d: number): Float64Array {
  const stride = d + 1;
  for (let col = 0; col < d; col++) {
    let pivot = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(a[r * stride + col]) > Math.abs(a[pivot * stride + col])) pivot = r;
    if (Math.abs(a[pivot * stride + col]) < 1e-12) continue; // e.g. a feature never switched off
    if (pivot !== col) {
      for (let k = 0; k < stride; k++) {
        const t = a[col * stride + k];
        a[col * stride + k] = a[pivot * stride + k];
        a[pivot * stride + k] = t;
      }
    }
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const f = a[r * stride + col] / a[col * stride + col];
      if (f === 0) continue;
      for (let k = col; k < stride; k++) a[r * stride + k] -= f * a[col * stride + k];
    }
  }
  const out = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const diag = a[j * stride + j];
    out[j] = Math.abs(diag) < 1e-12 ? 0 : a[j * stride + d] / diag;
  }
  return out;
}
