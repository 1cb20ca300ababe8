/**
 * The study's statistics on hand-computed values: Cohen's kappa (perfect, chance, anti, undefined),
 * mean and 2 x SEM with the population SD, Spearman with ties, and the trial-id alignment of kappa.
 */
import { describe, expect, it } from 'vitest';
import { cohenKappa, meanSem, spearman } from '../../src/experiment/analysis/stats';
import { errorConsistency, kappaOf } from '../../src/experiment/analysis/consistency';
import type { AnalysisSession, AnalysisTrial } from '../../src/experiment/analysis/types';

const T = true;
const F = false;

describe('cohenKappa', () => {
  it('is 1 for identical vectors with both outcomes', () => {
    expect(cohenKappa([T, F, T, T], [T, F, T, T])).toBeCloseTo(1, 12);
  });
  it('is 0 at chance agreement: p1 = p2 = 0.5, p_obs = 0.5', () => {
    // p_exp = .25 + .25 = .5; agree on trials 0 and 3 -> p_obs = .5 -> kappa = 0.
    expect(cohenKappa([T, T, F, F], [T, F, T, F])).toBeCloseTo(0, 12);
  });
  it('is -1 for exactly opposite vectors with p = 0.5', () => {
    expect(cohenKappa([T, F, T, F], [F, T, F, T])).toBeCloseTo(-1, 12);
  });
  it('matches a hand computation with unequal rates', () => {
    // a: 4 of 5 correct (p1 = .8), b: 3 of 5 (p2 = .6); agree on 0, 1, 2, 4 -> p_obs = .8.
    // p_exp = .8*.6 + .2*.4 = .56; kappa = (.8 - .56) / (1 - .56) = .24 / .44 = 0.545454...
    expect(cohenKappa([T, T, T, T, F], [T, T, T, F, F])).toBeCloseTo(0.24 / 0.44, 12);
  });
  it('is null when both are all correct (p_exp = 1)', () => {
    expect(cohenKappa([T, T, T], [T, T, T])).toBeNull();
  });
  it('aligns by trial id, not by position', () => {
    const a = new Map([['x', T], ['y', F], ['z', T], ['w', F]]);
    const b = new Map([['w', F], ['z', T], ['y', F], ['x', T]]);
    expect(kappaOf(a, b)).toBeCloseTo(1, 12);
    // Only the ids both saw count: 'q' is dropped.
    const c = new Map([['x', T], ['y', F], ['q', T]]);
    expect(kappaOf(a, c)).toBeCloseTo(1, 12);
  });
});

describe('meanSem', () => {
  it('uses the population SD (ddof 0): a made-up table of four participants', () => {
    // values .5 .7 .8 .6: mean .65; deviations -.15 .05 .15 -.05; sum of squares .05;
    // population var .0125, SD .111803; SEM = .111803 / 2 = .0559017; 2 SEM = .1118034.
    const r = meanSem([0.5, 0.7, 0.8, 0.6]);
    expect(r.n).toBe(4);
    expect(r.mean).toBeCloseTo(0.65, 12);
    expect(r.sem).toBeCloseTo(0.0559017, 6);
    expect(r.twoSem).toBeCloseTo(0.1118034, 6);
  });
  it('gives no SEM for one participant, and says so', () => {
    const r = meanSem([0.75]);
    expect(r).toEqual({ n: 1, mean: 0.75, sem: null, twoSem: null, note: 'one participant: no SEM' });
  });
  it('gives no mean for none', () => {
    expect(meanSem([]).mean).toBeNull();
  });
});

describe('spearman', () => {
  it('uses midranks for ties', () => {
    // x ranks: 1, 2.5, 2.5, 4; y ranks: 1, 2, 3, 4. Pearson of the ranks:
    // dx = -1.5, 0, 0, 1.5; dy = -1.5, -.5, .5, 1.5; sum dx dy = 4.5; sum dx^2 = 4.5; sum dy^2 = 5
    // rho = 4.5 / sqrt(4.5 * 5) = 0.948683.
    const r = spearman([1, 2, 2, 3], [10, 20, 30, 40]);
    expect(r.rho).toBeCloseTo(4.5 / Math.sqrt(22.5), 10);
    expect(r.n).toBe(4);
    // t = rho sqrt(2 / (1 - rho^2)) = 4.2426; two-sided p with 2 df = 0.05132 (closed form for 2 df: F(t) = 1/2 + t / (2 sqrt(2 + t^2))).
    expect(r.p).toBeCloseTo(0.0513, 3);
  });
  it('is 1 for a monotonic relation, null for a constant variable', () => {
    expect(spearman([1, 2, 3, 4], [1, 4, 9, 16]).rho).toBeCloseTo(1, 12);
    expect(spearman([1, 1, 1, 1], [1, 2, 3, 4]).rho).toBeNull();
  });
});

describe('errorConsistency', () => {
  const trial = (id: string, correct: boolean): AnalysisTrial => ({ trialId: id, block: 'main', attempt: 1, layer: 'l', unit: 'l:0', correct, confidence: 2, rtMs: 1000, side: 'left' });
  const session = (p: string, condition: string, set: string, answers: boolean[]): AnalysisSession => ({
    participant: p, sessionId: p, condition, imageSet: set, completed: true, trials: answers.map((c, i) => trial(`t${i}`, c)),
  });
  it('pairs only sessions with the same image set, within and across conditions, and against baselines', () => {
    const s = [
      session('a', 'synthetic', '0', [T, F, T, F]),
      session('b', 'synthetic', '0', [T, F, T, F]), // a-b: kappa 1
      session('c', 'natural', '0', [T, T, F, F]), // a-c, b-c: kappa 0
      session('d', 'natural', '1', [F, T, F, T]), // other set: no pairs
    ];
    const base = new Map([['t0', T], ['t1', F], ['t2', T], ['t3', F]]);
    const ec = errorConsistency(s, ['synthetic', 'natural'], { center: base });
    const cell = (r: string, c: string) => ec.cells.find((x) => x.row === r && x.column === c)!;
    expect(cell('synthetic', 'synthetic')).toMatchObject({ pairs: 1, mean: 1, twoSem: null });
    expect(cell('synthetic', 'natural').pairs).toBe(2);
    expect(cell('synthetic', 'natural').mean).toBeCloseTo(0, 12);
    expect(cell('natural', 'synthetic').pairs).toBe(2);
    expect(cell('natural', 'natural').pairs).toBe(0);
    // Baseline: a and b agree fully (1, 1); mean 1, population SD 0.
    expect(cell('synthetic', 'center')).toMatchObject({ pairs: 2, mean: 1, twoSem: 0 });
    // c: kappa 0; d: exactly opposite -> -1; mean -0.5, SD .5, 2 SEM = 2 * .5 / sqrt 2.
    expect(cell('natural', 'center').mean).toBeCloseTo(-0.5, 12);
    expect(cell('natural', 'center').twoSem).toBeCloseTo(1 / Math.sqrt(2), 12);
    expect(ec.columns).toEqual(['synthetic', 'natural', 'center']);
  });
});
