/**
 * Similarity measures for sanity checks: Spearman with tied ranks against values worked by hand
 * (and scipy.stats.spearmanr), SSIM's invariants and a one-window case whose statistics are written out.
 */
import { describe, expect, it } from 'vitest';
import { averageRanks, minMaxNormalize, spearman, ssim, ssimWindow } from '../../src/eval/rank';
import { seeded } from './methods-nets';

describe('spearman', () => {
  it('average ranks share tied positions', () => {
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    expect(Array.from(averageRanks([7, 7, 7]))).toEqual([2, 2, 2]);
  });

  it('is 1 for any increasing transform and -1 for a reversed order', () => {
    expect(spearman([1, 2, 3, 4, 5], [1, 4, 9, 16, 100])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4, 5], [5, 4, 3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it('with ties: ranks b = [1, 2, 3.5, 5, 3.5] give 8 / sqrt(10 * 9.5)', () => {
    // deviations from the mean rank 3: a [-2,-1,0,1,2], b [-2,-1,0.5,2,0.5]; sum ab = 8,
    // sum a^2 = 10, sum b^2 = 9.5. scipy.stats.spearmanr gives 0.8207826816681233.
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 12);
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(0.8207826816681233, 12);
  });

  it('is undefined (NaN) for a constant map and throws on a length mismatch', () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => spearman([1, 2], [1, 2, 3])).toThrow(/lengths differ/);
  });
});

describe('ssim', () => {
  it('window: 7 (sigma 1.5*7/11) under 44 px, 11 (sigma 1.5) from 44 px, the odd short side below 7', () => {
    expect(ssimWindow(28, 28)).toEqual({ size: 7, sigma: 1.5 * 7 / 11 });
    expect(ssimWindow(96, 64)).toEqual({ size: 11, sigma: 1.5 });
    expect(ssimWindow(6, 30)).toEqual({ size: 5, sigma: 1.5 * 5 / 11 });
    expect(ssimWindow(3, 3)).toEqual({ size: 3, sigma: 1.5 * 3 / 11 });
  });

  it('min-max normalization maps the extremes to 0 and 1, a constant map to 0', () => {
    expect(Array.from(minMaxNormalize([-2, 0, 2]))).toEqual([0, 0.5, 1]);
    expect(Array.from(minMaxNormalize([3, 3]))).toEqual([0, 0]);
  });

  it('is 1 for a map and itself, and for a positive affine copy (maps are normalized first)', () => {
    const rand = seeded(3);
    const x = Array.from({ length: 28 * 28 }, rand);
    expect(ssim(x, x, 28, 28)).toBeCloseTo(1, 10);
    expect(ssim(x, x.map((v) => 3 * v - 7), 28, 28)).toBeCloseTo(1, 10);
  });

  it('is negative for a map and its negative, and near 0 for independent noise', () => {
    const rand = seeded(4);
    const x = Array.from({ length: 32 * 32 }, rand);
    const y = Array.from({ length: 32 * 32 }, rand);
    expect(ssim(x, x.map((v) => -v), 32, 32)).toBeLessThan(-0.9);
    expect(Math.abs(ssim(x, y, 32, 32))).toBeLessThan(0.1);
  });

  it('one 3x3 window: a centre spike against its negative, statistics worked out by hand', () => {
    const x = [0, 0, 0, 0, 1, 0, 0, 0, 0];
    // Taps (e^{-1/(2s^2)}, 1, e^{-1/(2s^2)}) / sum with s = 1.5*3/11; the spike's 2-D weight is the
    // centre tap squared. x in {0,1}: mean = var-sum = wc, var = wc - wc^2; y = 1 - x: mean 1 - wc,
    // same variance, covariance -var.
    const s = (1.5 * 3) / 11;
    const side = Math.exp(-1 / (2 * s * s));
    const wc = (1 / (1 + 2 * side)) ** 2;
    const v = wc - wc * wc;
    const [c1, c2] = [1e-4, 9e-4];
    const expected = ((2 * wc * (1 - wc) + c1) * (-2 * v + c2)) / ((wc ** 2 + (1 - wc) ** 2 + c1) * (2 * v + c2));
    expect(ssim(x, x.map((t) => -t), 3, 3)).toBeCloseTo(expected, 10);
    expect(expected).toBeLessThan(0);
  });

  it('throws when the map size does not match', () => {
    expect(() => ssim([1, 2, 3], [1, 2, 3], 2, 2)).toThrow(/2×2 needs 4/);
  });
});
