/**
 * Decorrelated colour (Olah 2017, Lucid's `_linear_decorrelate_color`): the optimizer works in a
 * space whose axes are the principal components of natural colour, and a fixed matrix maps them
 * back to RGB. Lucid's matrix is the square root (U sqrt(S) from an SVD) of ImageNet's colour
 * covariance; Glimpse's shipped colour model never saw ImageNet, so SHAPES_COLOR_SQRT is the same
 * construction over the pixels of the shipped shapes sample (public/data/shapes/sample.bin, 120
 * images, 491,520 pixels; tests/unit/synthesis-param.test.ts recomputes it from that file). Both are
 * scaled so their largest column norm is 1, as Lucid does. Grey models have nothing to decorrelate.
 */

export type Matrix3 = [[number, number, number], [number, number, number], [number, number, number]];

/** Lucid's color_correlation_svd_sqrt (ImageNet), unnormalized; kept for comparison. */
export const IMAGENET_COLOR_SQRT_RAW: Matrix3 = [[0.26, 0.09, 0.02], [0.27, 0.0, -0.05], [0.27, -0.09, 0.03]];

/** Covariance of the shapes sample's RGB values in [0, 1] (see the header). */
export const SHAPES_COLOR_COVARIANCE: Matrix3 = [
  [0.0348784834910257, 0.014798459239423661, 0.009030759471865567],
  [0.014798459239423661, 0.027627424929901633, 0.01690666367446054],
  [0.009030759471865567, 0.01690666367446054, 0.03176921650912891],
];

/** Eigen-decomposition of a symmetric 3x3 matrix by cyclic Jacobi rotations: values descending. */
export function symmetricEigen(m: Matrix3): { values: number[]; vectors: Matrix3 } {
  const a = m.map((r) => [...r]);
  const v = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = Math.abs(a[0][1]) + Math.abs(a[0][2]) + Math.abs(a[1][2]);
    if (off < 1e-15) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]]) {
      if (Math.abs(a[p][q]) < 1e-18) continue;
      const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let k = 0; k < 3; k++) {
        const akp = a[k][p];
        const akq = a[k][q];
        a[k][p] = c * akp - s * akq;
        a[k][q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p][k];
        const aqk = a[q][k];
        a[p][k] = c * apk - s * aqk;
        a[q][k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k][p];
        const vkq = v[k][q];
        v[k][p] = c * vkp - s * vkq;
        v[k][q] = s * vkp + c * vkq;
      }
    }
  }
  const order = [0, 1, 2].sort((i, j) => a[j][j] - a[i][i]);
  return {
    values: order.map((i) => a[i][i]),
    vectors: [0, 1, 2].map((r) => order.map((i) => v[r][i])) as Matrix3,
  };
}

/** U sqrt(S) of a covariance (columns = principal axes scaled by their std), max column norm 1. */
export function colorSqrt(covariance: Matrix3): Matrix3 {
  const { values, vectors } = symmetricEigen(covariance);
  const raw = vectors.map((row) => row.map((u, j) => u * Math.sqrt(Math.max(0, values[j])))) as Matrix3;
  return normalizeColumns(raw);
}

export function normalizeColumns(m: Matrix3): Matrix3 {
  const norms = [0, 1, 2].map((j) => Math.hypot(m[0][j], m[1][j], m[2][j]));
  const max = Math.max(...norms);
  return m.map((row) => row.map((x) => x / max)) as Matrix3;
}

/** Covariance of interleaved RGB bytes (n pixels x 3), values taken as byte / 255. */
export function colorCovariance(rgb: Uint8Array): Matrix3 {
  const n = rgb.length / 3;
  const mean = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) mean[c] += rgb[i * 3 + c] / 255;
  for (let c = 0; c < 3; c++) mean[c] /= n;
  const cov: Matrix3 = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      const da = rgb[i * 3 + a] / 255 - mean[a];
      for (let b = 0; b < 3; b++) cov[a][b] += (da * (rgb[i * 3 + b] / 255 - mean[b])) / n;
    }
  }
  return cov;
}

export const COLOR_SPACES = ['shapes', 'imagenet'] as const;
export type ColorSpace = (typeof COLOR_SPACES)[number];

/** The decorrelation matrix M: rgb = M · t for each pixel's decorrelated vector t. */
export function colorMatrix(space: ColorSpace): Matrix3 {
  if (space === 'imagenet') return normalizeColumns(IMAGENET_COLOR_SQRT_RAW);
  if (space === 'shapes') return colorSqrt(SHAPES_COLOR_COVARIANCE);
  throw new Error(`unknown colour space '${String(space)}'; known: ${COLOR_SPACES.join(', ')}`);
}

/** Inverse of a 3x3 matrix (to start the decorrelated parameterization from a given image). */
export function invert3(m: Matrix3): Matrix3 {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-12) throw new Error('colour matrix is singular');
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
    [C / det, -(a * h - b * g) / det, (a * e - b * d) / det],
  ];
}
