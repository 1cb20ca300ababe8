/**
 * Map-similarity measures for sanity checks (Adebayo et al. 2018 compare a method's map before and
 * after randomizing the model): Spearman rank correlation and SSIM (Wang et al. 2004). Plain arrays
 * in, one number out; no tfjs.
 */

/** Ranks 1..n with ties given their average rank (scipy.stats.rankdata's 'average'). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    const rank = (i + j) / 2 + 1; // mean of the 1-based ranks i+1..j+1
    for (let k = i; k <= j; k++) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

/** Pearson correlation; NaN when either input is constant (as scipy), so callers see "undefined". */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`pearson: lengths differ (${a.length} vs ${b.length})`);
  const n = a.length;
  if (n === 0) return NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/** Spearman's rho: Pearson correlation of average ranks (handles ties). NaN for a constant input. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`spearman: lengths differ (${a.length} vs ${b.length})`);
  return pearson(averageRanks(a), averageRanks(b));
}

/** Min-max scaling to [0, 1]; a constant map becomes all zeros. */
export function minMaxNormalize(map: ArrayLike<number>): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < map.length; i++) { lo = Math.min(lo, map[i]); hi = Math.max(hi, map[i]); }
  const span = hi - lo;
  return Float64Array.from(map, (v) => (span > 0 ? (v - lo) / span : 0));
}

/**
 * The Gaussian window SSIM uses on an h×w map. Wang et al.'s window is 11×11 with sigma 1.5; on the
 * small maps Glimpse has (28-96 px) that window averages away most structure, so maps whose shorter
 * side is under 44 px (four windows across) get a 7×7 window with sigma scaled alike, 1.5 · 7/11.
 * Maps under 7 px use one window as large as the shorter side (odd), sigma scaled the same way.
 */
export function ssimWindow(height: number, width: number): { size: number; sigma: number } {
  const side = Math.min(height, width);
  if (side < 1) throw new Error(`ssim: empty map ${height}×${width}`);
  let size = side >= 44 ? 11 : 7;
  if (side < 7) size = side % 2 === 1 ? side : side - 1;
  return { size, sigma: (1.5 * size) / 11 };
}

function gaussianTaps(size: number, sigma: number): Float64Array {
  const r = (size - 1) / 2;
  const taps = Float64Array.from({ length: size }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const total = taps.reduce((s, t) => s + t, 0);
  return taps.map((t) => t / total);
}

/** Separable 'valid' filtering: output (h-size+1)×(w-size+1). */
function filterValid(x: Float64Array, h: number, w: number, taps: Float64Array): Float64Array {
  const k = taps.length;
  const ow = w - k + 1;
  const oh = h - k + 1;
  const rows = new Float64Array(h * ow);
  for (let y = 0; y < h; y++) {
    for (let c = 0; c < ow; c++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += taps[t] * x[y * w + c + t];
      rows[y * ow + c] = s;
    }
  }
  const out = new Float64Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    for (let c = 0; c < ow; c++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += taps[t] * rows[(y + t) * ow + c];
      out[y * ow + c] = s;
    }
  }
  return out;
}

/**
 * Mean SSIM of two h×w maps, each min-max normalized to [0, 1] first (dynamic range L = 1,
 * K1 = 0.01, K2 = 0.03), Gaussian-weighted statistics as in Wang et al. 2004 (no sample-covariance
 * correction), averaged over the window positions that fit inside the map (skimage crops its
 * borders the same way). 1 for identical maps; negative for anti-correlated structure.
 */
export function ssim(a: ArrayLike<number>, b: ArrayLike<number>, height: number, width: number): number {
  const n = height * width;
  if (a.length !== n || b.length !== n) {
    throw new Error(`ssim: maps have ${a.length} and ${b.length} values; ${height}×${width} needs ${n}`);
  }
  const { size, sigma } = ssimWindow(height, width);
  const taps = gaussianTaps(size, sigma);
  const x = minMaxNormalize(a);
  const y = minMaxNormalize(b);
  const f = (v: Float64Array) => filterValid(v, height, width, taps);
  const mx = f(x);
  const my = f(y);
  const mxx = f(x.map((v) => v * v));
  const myy = f(y.map((v) => v * v));
  const mxy = f(x.map((v, i) => v * y[i]));
  const c1 = 0.01 ** 2;
  const c2 = 0.03 ** 2;
  let total = 0;
  for (let i = 0; i < mx.length; i++) {
    const vx = mxx[i] - mx[i] * mx[i];
    const vy = myy[i] - my[i] * my[i];
    const cxy = mxy[i] - mx[i] * my[i];
    total += ((2 * mx[i] * my[i] + c1) * (2 * cxy + c2)) / ((mx[i] ** 2 + my[i] ** 2 + c1) * (vx + vy + c2));
  }
  return total / mx.length;
}
