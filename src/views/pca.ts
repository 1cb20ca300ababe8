/**
 * Exact PCA: the eigenvectors of the sample covariance by cyclic Jacobi rotations (Golub-Van Loan
 * 8.5), in double precision. The feature spaces here have at most a few hundred dimensions, where
 * Jacobi is exact to rounding and needs no library. Each component's sign is fixed so that its
 * largest-magnitude coordinate is positive, which makes the output deterministic.
 */

export interface Pca {
  dim: number;
  mean: Float64Array;
  /** Row-major [components, dim], unit vectors, by decreasing variance. */
  components: Float64Array[];
  /** Variance along each component (eigenvalues of the covariance, divisor n - 1). */
  variance: number[];
  /** Share of total variance per component. */
  explained: number[];
}

/** Symmetric eigen-decomposition of `a` (n x n, row-major, destroyed): [values, vectors as columns]. */
export function jacobiEigen(a: Float64Array, n: number): { values: number[]; vectors: Float64Array } {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Array.from({ length: n }, (_, i) => a[i * n + i]), vectors: v };
}

/** PCA of `data` ([n, dim] row-major) keeping `keep` components. */
export function pca(data: ArrayLike<number>, dim: number, keep = 2): Pca {
  const n = Math.floor(data.length / dim);
  if (n < 2) throw new Error(`PCA needs at least 2 rows; got ${n}`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d] += data[i * dim + d] / n;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) row[d] = data[i * dim + d] - mean[d];
    for (let p = 0; p < dim; p++) {
      const rp = row[p];
      if (rp === 0) continue;
      for (let q = p; q < dim; q++) cov[p * dim + q] += rp * row[q];
    }
  }
  for (let p = 0; p < dim; p++) {
    for (let q = p; q < dim; q++) {
      cov[p * dim + q] /= n - 1;
      cov[q * dim + p] = cov[p * dim + q];
    }
  }
  const { values, vectors } = jacobiEigen(cov, dim);
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
  const total = values.reduce((a, b) => a + Math.max(0, b), 0);
  const components = order.slice(0, keep).map((j) => {
    const c = Float64Array.from({ length: dim }, (_, d) => vectors[d * dim + j]);
    let big = 0;
    for (let d = 1; d < dim; d++) if (Math.abs(c[d]) > Math.abs(c[big]) + 1e-12) big = d;
    if (c[big] < 0) c.forEach((x, d) => { c[d] = -x; });
    return c;
  });
  const variance = order.slice(0, keep).map((j) => values[j]);
  return { dim, mean, components, variance, explained: variance.map((v) => (total > 0 ? v / total : 0)) };
}

/** Coordinates of each row along the components: flat [n * components]. */
export function project(p: Pca, data: ArrayLike<number>): Float64Array {
  const n = Math.floor(data.length / p.dim);
  const m = p.components.length;
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let d = 0; d < p.dim; d++) s += (data[i * p.dim + d] - p.mean[d]) * p.components[j][d];
      out[i * m + j] = s;
    }
  }
  return out;
}
