/**
 * Two-sided two-sample Student t-test with pooled variance (scipy.stats.ttest_ind's default, which
 * tensorflow/tcav calls), and the regularized incomplete beta function it needs (Lentz's continued
 * fraction, Numerical Recipes 6.4). Written here so the worker needs no statistics package; the
 * test checks it against jStat.
 */

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** I_x(a, b), the regularized incomplete beta function. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with df degrees of freedom. */
export function studentTwoSided(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

export interface TTest {
  t: number;
  df: number;
  /** Two-sided p; NaN when both samples are constant and equal (scipy's nan). */
  p: number;
}

export function tTestIndependent(a: readonly number[], b: readonly number[]): TTest {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 < 2 || n2 < 2) throw new Error(`t-test: each sample needs at least 2 values; got ${n1} and ${n2}`);
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const m1 = mean(a);
  const m2 = mean(b);
  const ss = (v: readonly number[], m: number) => v.reduce((s, x) => s + (x - m) ** 2, 0);
  const df = n1 + n2 - 2;
  const pooled = (ss(a, m1) + ss(b, m2)) / df;
  const se = Math.sqrt(pooled * (1 / n1 + 1 / n2));
  const t = se === 0 ? (m1 === m2 ? NaN : Math.sign(m1 - m2) * Infinity) : (m1 - m2) / se;
  return { t, df, p: studentTwoSided(t, df) };
}
