/**
 * The statistics of the study, as the authors computed them (../shared/EXPERIMENT.md): mean and
 * 2 x SEM with the population SD, Cohen's kappa on correct/incorrect vectors, Spearman's rho.
 * Distributions come from simple-statistics and jstat, not hand-rolled.
 */
import { mean, quantile, sampleRankCorrelation, standardDeviation } from 'simple-statistics';
import jstatPkg from 'jstat';

const { jStat } = jstatPkg;

export interface MeanSem {
  /** Number of values (participants, pairs). */
  n: number;
  mean: number | null;
  /** Population SD / sqrt(n); null when n < 2 (see `note`). */
  sem: number | null;
  twoSem: number | null;
  /** Why sem is null, in words. */
  note?: string;
}

/** Mean and SEM with the population SD (ddof = 0), as the authors' numpy code. */
export function meanSem(values: number[], unit = 'participant'): MeanSem {
  if (values.length === 0) return { n: 0, mean: null, sem: null, twoSem: null, note: `no ${unit}s` };
  const m = mean(values);
  if (values.length === 1) return { n: 1, mean: m, sem: null, twoSem: null, note: `one ${unit}: no SEM` };
  const sem = standardDeviation(values) / Math.sqrt(values.length);
  return { n: values.length, mean: m, sem, twoSem: 2 * sem };
}

/**
 * Cohen's kappa of two correct/incorrect vectors of equal length, the error-consistency measure of
 * Geirhos et al. (2020): (p_obs - p_exp) / (1 - p_exp), p_exp = p1 p2 + (1 - p1)(1 - p2).
 * Null when p_exp = 1 (both all correct or both all wrong: agreement expected by chance is total).
 */
export function cohenKappa(a: boolean[], b: boolean[]): number | null {
  if (a.length !== b.length) throw new Error(`cohenKappa: vectors differ in length (${a.length} vs ${b.length})`);
  if (a.length === 0) throw new Error('cohenKappa: empty vectors');
  const n = a.length;
  let agree = 0;
  let ca = 0;
  let cb = 0;
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) agree++;
    if (a[i]) ca++;
    if (b[i]) cb++;
  }
  const pObs = agree / n;
  const p1 = ca / n;
  const p2 = cb / n;
  const pExp = p1 * p2 + (1 - p1) * (1 - p2);
  if (pExp === 1) return null;
  return (pObs - pExp) / (1 - pExp);
}

export interface Spearman {
  n: number;
  /** Spearman's rho on midranks (ties share their mean rank); null when n < 3 or a variable is constant. */
  rho: number | null;
  /** Two-sided p from the t approximation t = rho sqrt((n - 2) / (1 - rho^2)), Student t with n - 2 df. */
  p: number | null;
}

export function spearman(x: number[], y: number[]): Spearman {
  if (x.length !== y.length) throw new Error(`spearman: x and y differ in length (${x.length} vs ${y.length})`);
  const n = x.length;
  if (n < 3) return { n, rho: null, p: null };
  const rho = sampleRankCorrelation(x, y);
  if (!Number.isFinite(rho)) return { n, rho: null, p: null };
  if (Math.abs(rho) >= 1) return { n, rho, p: 0 };
  const t = rho * Math.sqrt((n - 2) / (1 - rho * rho));
  const p = 2 * (1 - jStat.studentt.cdf(Math.abs(t), n - 2));
  return { n, rho, p };
}

/** Quartiles and median of a non-empty list. */
export function quartiles(values: number[]): { q25: number; median: number; q75: number } {
  return { q25: quantile(values, 0.25), median: quantile(values, 0.5), q75: quantile(values, 0.75) };
}

/** Two-sided binomial bound: k with P(|X - n p| <= k) >= level under Binomial(n, p), normal approximation. */
export function binomialHalfWidth(n: number, p: number, level: number): number {
  const z = jStat.normal.inv(1 - (1 - level) / 2, 0, 1);
  return z * Math.sqrt(n * p * (1 - p));
}
